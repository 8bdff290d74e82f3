"""Strict pacing of outgoing Telegram messages: at most 30 a second, and 1 a second in a chat.

Why this exists
---------------
Telegram allows a bot about 30 messages a second overall and about 1 message a second in one
chat. Going over either gets a 429 ("Flood control exceeded") and, for repeat offenders, longer
and longer bans, which for a community-safety bot means residents get no answers at all.

PTB's own :class:`telegram.ext.AIORateLimiter` is a reference implementation that falls short of
this: it does not pace private chats at all, and its leaky bucket lets a full bucket go out in
one burst, so a busy moment can briefly exceed 30 in a second. :class:`PacedRateLimiter` instead
holds a hard guarantee, measured over *any* sliding window:

* at most ``floor(overall_per_second)`` message starts in any 1.04-second window, spread evenly
  rather than in bursts (never two starts within half a slot, even when sleeps wake late);
* consecutive starts in one chat at least ``per_chat_interval`` + 0.04 s apart.

Telegram counts messages when they arrive, so the 40 ms over its limits is for the network:
however unevenly requests take to get there, jitter under 40 ms cannot bring
``floor(overall_per_second) + 1`` messages, or two to one chat, into one second.

Trade-off: pacing adds latency. A second message to the same chat within a second waits for the
rest of that second, and when many chats are being answered at once each message waits for its
slot (1/30 s apart). A lone message after a quiet spell goes out at once. Only requests that
deliver something to a chat are paced; everything else (``answerCallbackQuery``, which must be
answered within seconds, ``getUpdates``, ``getMe`` ...) passes straight through.

Not covered: Telegram's separate "about 20 messages a minute in one group" limit, and an album
(sendMediaGroup) is paced as one request. If either trips Telegram, it answers 429 and the retry
handling below waits as told.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
import warnings
from bisect import bisect_left, insort
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

__all__ = ["LIMITED_PREFIXES", "PacedRateLimiter"]

logger = logging.getLogger(__name__)

#: Endpoints that put something in a chat (sendMessage, editMessageText, copyMessage,
#: forwardMessage ...). Only these count towards Telegram's message limits.
LIMITED_PREFIXES: tuple[str, ...] = ("send", "edit", "copy", "forward")

#: The length of Telegram's overall window, in seconds.
_WINDOW = 1.0

#: Planned gaps are this much (seconds) longer than the bare limit: the grid of overall slots is
#: ``(1 s + _SLACK) / limit`` apart and a chat's next start is planned ``interval + _SLACK`` on.
#: It costs 5 % of throughput (28.6 messages a second at a limit of 30).
_SLACK = 5e-2

#: What the last-moment check demands, and so what is guaranteed even when sleeps wake late:
#: any ``limit + 1`` consecutive starts span at least ``1 s + _GUARD``, and a chat's starts are
#: at least ``interval + _GUARD`` apart. Telegram counts messages when they *arrive*, and each
#: request takes a different time to get there: with only 5 ms of margin, 31 arrived within one
#: second. Network jitter below ``_GUARD`` cannot push one message too many into a second.
#: It is a little less than ``_SLACK`` so that float rounding, or a wake-up a few ms late,
#: never makes the check hold back a request that keeps to its planned slot.
_GUARD = 4e-2

#: Consecutive actual starts are at least this fraction of a grid slot apart. When sleeps wake
#: late the queue falls behind its grid, and every request whose slot has passed is then held
#: only by the last-moment check: without a least gap they were all released at the same
#: instant (4 messages within a few ms, then 150 ms of nothing, every second). Half a slot
#: keeps starts spread out while still letting a late queue catch up with its grid.
_MIN_GAP = 0.5

ChatKey = int | str
# What a Bot API call returns (PTB's ``bool | JSONDict | list[JSONDict]``).
Result = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(slots=True)
class _ChatState:
    planned: float  # latest reserved start in this chat (-inf: none outstanding)
    started: float  # latest actual start in this chat (-inf: none yet)


@dataclass(slots=True)
class _Ticket:
    """One reservation: what is needed to give it back if the request never starts."""

    key: ChatKey | None
    start: float
    slot: int
    origin: float  # the grid the slot index belongs to (the grid may be re-anchored later)
    prev_planned: float  # the chat's planned start before this reservation


def _chat_key(chat_id: object) -> ChatKey | None:
    """``123`` and ``"123"`` are the same chat; ``"@channel"`` stays a name."""
    if chat_id is None:
        return None
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        return chat_id
    text = str(chat_id).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _retry_after_seconds(exc: RetryAfter) -> float:
    # ``RetryAfter.retry_after`` emits a deprecation warning (int -> timedelta migration) unless
    # PTB_TIMEDELTA is set; the timedelta it is built from is what we want.
    value: object = getattr(exc, "_retry_after", None)
    if not isinstance(value, dt.timedelta):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = exc.retry_after
    if isinstance(value, dt.timedelta):
        return max(0.0, value.total_seconds())
    return max(0.0, float(value))  # type: ignore[arg-type]


class PacedRateLimiter(BaseRateLimiter[int]):
    """A :class:`~telegram.ext.BaseRateLimiter` that paces sends strictly, with no bursts.

    See the module docstring for why this exists and the latency it costs.

    How: each paced request reserves a start time before it sleeps. Overall starts sit on a grid
    of slots ``(1 s + slack) / floor(overall_per_second)`` apart, one request a slot, so any
    1-second window holds at most ``floor(overall_per_second)`` starts and concurrent callers get
    distinct, evenly spaced times. A request held back by its chat's interval takes the first
    free slot after that, so it neither blocks other chats nor shares an instant with anyone.
    Reserving is plain synchronous code, so under asyncio it is atomic and no lock is held while
    sleeping. Just before calling Telegram, a request checks the actual recent starts again (a
    sleep can wake late under load); the guarantee rests on that check, the grid keeps it from
    ever having to wait. When late wake-ups have put the queue behind its grid, that check is
    all that holds the waiting requests back, so it also keeps each start half a slot after the
    one before: they then follow each other closely, never at one instant.

    On :exc:`telegram.error.RetryAfter` all paced sending pauses until the time Telegram gave
    (its flood limit is per bot, not per chat) and the request is retried, up to ``max_retries``
    times; then the error is raised.

    Args:
        overall_per_second: Most message starts in any 1-second window (rounded down).
        per_chat_interval: Least time between two starts in one chat, in seconds (0: no limit).
        max_retries: Retries after a 429 before giving up. A call can override it with
            ``rate_limit_args=n`` or ``rate_limit_args={"max_retries": n}``.
        clock: Monotonic clock in seconds (for tests).
        sleep: Async sleep (for tests; must advance ``clock``).
    """

    def __init__(
        self,
        overall_per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if not overall_per_second >= 1:
            raise ValueError("overall_per_second must be at least 1")
        if not per_chat_interval >= 0:
            raise ValueError("per_chat_interval must not be negative")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        self._limit = math.floor(overall_per_second)
        self._spacing = (_WINDOW + _SLACK) / self._limit
        self._min_gap = self._spacing * _MIN_GAP
        self._interval = float(per_chat_interval)
        # A chat's planned and guaranteed gaps; 0 means no per-chat limit, so no margin either.
        limited = self._interval > 0
        self._chat_gap = self._interval + _SLACK if limited else 0.0
        self._chat_guard = self._interval + _GUARD if limited else 0.0
        self._max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._reset()

    def _reset(self) -> None:
        # Reserved overall slots (indices on the grid), sorted; only present and future ones.
        self._slots: list[int] = []
        self._origin = 0.0  # time of slot 0
        self._grid_floor = -math.inf  # no slot earlier than this (where the grid was re-anchored)
        self._latest = -math.inf  # latest start planned or made, for re-anchoring safely
        # The last floor(overall) actual starts: the last-moment check of the window.
        self._recent: deque[float] = deque(maxlen=self._limit)
        # Per chat, most recently touched last, so stale ones are dropped from the front in O(1).
        self._chats: OrderedDict[ChatKey, _ChatState] = OrderedDict()
        self._pause_until = -math.inf

    async def initialize(self) -> None:
        """Nothing to set up: state is created lazily."""

    async def shutdown(self) -> None:
        """Forget all reservations and pauses."""
        self._reset()

    @property
    def tracked_chats(self) -> int:
        """How many chats are remembered (only those active within the last interval)."""
        return len(self._chats)

    @property
    def reserved_slots(self) -> int:
        """How many overall slots are reserved for requests yet to start."""
        return len(self._slots)

    @property
    def paused_until(self) -> float:
        """Clock time until which paced sending is paused after a 429 (-inf: not paused)."""
        return self._pause_until

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | Mapping[str, Any] | None,
    ) -> Result:
        """Call ``callback(*args, **kwargs)`` once its slot comes; retry after a 429.

        See :meth:`telegram.ext.BaseRateLimiter.process_request`. ``rate_limit_args`` may be an
        ``int`` or ``{"max_retries": n}`` to override ``max_retries`` for this call.
        """
        if not endpoint.startswith(LIMITED_PREFIXES):
            # Not a message: never delay it (a callback query must be answered within seconds).
            return await callback(*args, **kwargs)
        # No chat_id (e.g. editing an inline message): still counts towards the overall limit.
        key = _chat_key(data.get("chat_id"))
        max_retries = self._retries_for(rate_limit_args)
        attempt = 0
        while True:
            await self._acquire(key)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = _retry_after_seconds(exc)
                # Telegram's flood limit is per bot: stop every paced request, not just this one.
                self._pause_until = max(self._pause_until, self._clock() + delay)
                if attempt >= max_retries:
                    logger.warning(
                        "Telegram flood limit on %s: giving up after %d retries", endpoint, attempt
                    )
                    raise
                attempt += 1
                logger.warning(
                    "Telegram flood limit on %s: pausing paced sends for %.1f s (retry %d of %d)",
                    endpoint,
                    delay,
                    attempt,
                    max_retries,
                )

    def _retries_for(self, rate_limit_args: object) -> int:
        value: object = rate_limit_args
        if isinstance(rate_limit_args, Mapping):
            value = rate_limit_args.get("max_retries")
        if value is None:
            return self._max_retries
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"max_retries must be a non-negative int, not {value!r}")
        return value

    async def _acquire(self, key: ChatKey | None) -> None:
        """Wait until this request may start, and record that it has."""
        ticket = self._reserve(key, self._clock())
        try:
            while True:
                now = self._clock()
                if ticket.start < self._pause_until:
                    # A 429 came in after we reserved: take a fresh, properly spaced slot after
                    # the pause instead of everyone piling onto its last instant.
                    self._release(ticket)
                    ticket = self._reserve(key, now)
                    continue
                if now < ticket.start:
                    await self._sleep(ticket.start - now)
                    continue
                ready = self._ready_at(key)
                if now < ready:
                    # Woken late, so an earlier request's real start came too close. Rare.
                    await self._sleep(ready - now)
                    continue
                self._commit(key, now)
                return
        except BaseException:
            # Cancelled while waiting: hand the slot back so it is not wasted.
            self._release(ticket)
            raise

    def _reserve(self, key: ChatKey | None, now: float) -> _Ticket:
        self._prune(now)
        earliest = max(now, self._pause_until)
        state = self._chats.get(key) if key is not None else None
        prev_planned = -math.inf
        if state is not None:
            prev_planned = state.planned
            gap = self._chat_gap
            earliest = max(earliest, state.planned + gap, state.started + gap)
        slot, start = self._claim_slot(earliest, now)
        if key is not None:
            if state is None:
                self._chats[key] = _ChatState(planned=start, started=-math.inf)
            else:
                state.planned = start
                self._chats.move_to_end(key)
        return _Ticket(key, start, slot, self._origin, prev_planned)

    def _claim_slot(self, earliest: float, now: float) -> tuple[int, float]:
        """Reserve the first free overall slot at or after ``earliest``."""
        spacing = self._spacing
        if self._latest <= now and earliest >= self._latest + spacing:
            # Nothing is queued and the last start is a full slot back: start a new grid here,
            # so a message after a quiet spell (or a pause) goes out at once instead of waiting
            # for the old grid. Slots below the floor are never used, so it cannot crowd the
            # starts already made.
            self._slots.clear()
            self._origin = earliest
            self._grid_floor = self._latest + spacing
            slot = 0
        else:
            first = max(earliest, self._grid_floor)
            # The small subtraction stops rounding (1.0001 / (1.0001 / 30) = 30.000000001)
            # from skipping a whole slot; max() below covers a slot a hair early.
            wanted = math.ceil((first - self._origin) / spacing - 1e-9)
            slot = self._first_free_slot(wanted)
        insort(self._slots, slot)
        start = max(earliest, self._origin + slot * spacing)
        self._latest = max(self._latest, start)
        return slot, start

    def _first_free_slot(self, wanted: int) -> int:
        slots = self._slots
        pos = bisect_left(slots, wanted)
        if pos == len(slots) or slots[pos] != wanted:
            return wanted
        # ``wanted`` begins a run of taken slots. The list holds distinct sorted ints, so
        # slots[pos + j] - wanted == j exactly while the run lasts: binary-search its end, so a
        # queue of thousands costs O(log n), not a walk.
        lo, hi = 0, len(slots) - 1 - pos
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if slots[pos + mid] - wanted == mid:
                lo = mid
            else:
                hi = mid - 1
        return wanted + lo + 1

    def _ready_at(self, key: ChatKey | None) -> float:
        """Earliest time the actual starts so far allow another start (the hard guarantee)."""
        ready = self._pause_until
        if self._recent:
            # Never two starts at one instant, even when several requests waited for the same
            # moment below: each goes a fraction of a slot after the one before.
            ready = max(ready, self._recent[-1] + self._min_gap)
        if len(self._recent) == self._limit:
            ready = max(ready, self._recent[0] + _WINDOW + _GUARD)
        if key is not None:
            state = self._chats.get(key)
            if state is not None:
                ready = max(ready, state.started + self._chat_guard)
        return ready

    def _commit(self, key: ChatKey | None, now: float) -> None:
        self._recent.append(now)
        self._latest = max(self._latest, now)
        if key is None:
            return
        state = self._chats.get(key)
        if state is None:  # dropped while this request overslept a whole interval
            self._chats[key] = _ChatState(planned=now, started=now)
        else:
            state.started = now
            self._chats.move_to_end(key)

    def _release(self, ticket: _Ticket) -> None:
        if ticket.origin == self._origin:
            pos = bisect_left(self._slots, ticket.slot)
            if pos < len(self._slots) and self._slots[pos] == ticket.slot:
                del self._slots[pos]
        if ticket.key is None:
            return
        state = self._chats.get(ticket.key)
        if state is not None and state.planned == ticket.start:
            # Only if nothing later in this chat chained after it.
            state.planned = ticket.prev_planned
            if state.planned == -math.inf and state.started == -math.inf:
                del self._chats[ticket.key]

    def _prune(self, now: float) -> None:
        """Drop what can no longer constrain anything, so memory follows activity, not history."""
        # Slots in the past are never handed out again (new ones are at or after ``now``).
        past = math.floor((now - self._origin) / self._spacing)
        del self._slots[: bisect_left(self._slots, past)]
        # A chat whose last start was over an interval ago is unconstrained: forget it. Entries
        # are ordered by last touch, which is close to time order; a stale one behind a fresh
        # one just waits for the next pass.
        cutoff = now - self._chat_gap
        chats = self._chats
        while chats:
            key, state = next(iter(chats.items()))
            if max(state.planned, state.started) >= cutoff:
                break
            del chats[key]
