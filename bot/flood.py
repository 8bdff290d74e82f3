"""Slowing down a chat that floods the bot, so everyone else keeps being served.

Kept in memory on purpose: it is about the last few seconds, and storing who wrote when
would be personal data the feature does not need.

The default limit (20 messages in 30 s, about 0.67 a second) sits below the rate at which
the bot may answer one chat (Telegram: about 1 a second). A chat allowed to write faster
than it can be answered builds an ever-growing backlog of replies; see
``handlers.serial`` for the bound on that backlog.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    warn: bool  # True once per flood: tell the resident, then stay quiet


class FloodGuard:
    """At most ``limit`` messages per chat within ``window`` seconds."""

    def __init__(
        self, limit: int = 20, window: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, chat_id: int, *, urgent: bool = False) -> Verdict:
        """Count a message from ``chat_id`` and say whether to handle it.

        ``urgent`` (someone in danger) is always allowed: a person in crisis who has been
        typing fast must still get the emergency numbers. It still counts, so urgent
        messages cannot be used to keep a flood going unnoticed.
        """
        now = self.clock()
        times = self._seen.setdefault(chat_id, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.limit and not urgent:
            return Verdict(False, self.note_due(chat_id))
        times.append(now)
        self._prune(now)
        return Verdict(True, False)

    def note_due(self, chat_id: int) -> bool:
        """True if ``chat_id`` has not been told to slow down within the window (and now
        counts as told): whatever drops a chat's messages says so once, not per message."""
        now = self.clock()
        warned_at = self._warned.get(chat_id)
        if warned_at is not None and now - warned_at <= self.window:
            return False
        self._warned[chat_id] = now
        return True

    def _prune(self, now: float) -> None:
        # Bounded memory: forget chats quiet for a whole window.
        if len(self._seen) > 10_000:
            for chat_id in [c for c, t in self._seen.items() if not t or now - t[-1] > self.window]:
                self._seen.pop(chat_id, None)
                self._warned.pop(chat_id, None)
