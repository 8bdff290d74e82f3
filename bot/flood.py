"""Slowing down a chat that floods the bot, so everyone else keeps being served.

Kept in memory on purpose: it is about the last few seconds, and storing who wrote when
would be personal data the feature does not need.
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
        self, limit: int = 20, window: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, chat_id: int) -> Verdict:
        now = self.clock()
        times = self._seen.setdefault(chat_id, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.limit:
            warned_at = self._warned.get(chat_id)
            warn = warned_at is None or now - warned_at > self.window
            if warn:
                self._warned[chat_id] = now
            return Verdict(False, warn)
        times.append(now)
        self._prune(now)
        return Verdict(True, False)

    def _prune(self, now: float) -> None:
        # Bounded memory: forget chats quiet for a whole window.
        if len(self._seen) > 10_000:
            for chat_id in [c for c, t in self._seen.items() if not t or now - t[-1] > self.window]:
                self._seen.pop(chat_id, None)
                self._warned.pop(chat_id, None)
