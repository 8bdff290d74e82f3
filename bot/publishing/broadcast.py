"""Sending one message to every subscriber: paced, resumable after a crash, Telegram-free.

A broadcast is a row in ``broadcasts`` plus one ``broadcast_recipients`` row per chat,
snapshotted from ``subscribers`` when it is created (:func:`create_broadcast`). The
:class:`BroadcastEngine` then works through the pending rows, calling a :data:`Sender` (an
``async (chat_id, html_text) -> None``) for each. The sender is the only part that knows about
Telegram: an adapter in ``handlers/`` maps Bot API errors to the :class:`SendError` subclasses
below, and the engine decides what each means:

=====================  ==================================================================
``RetryLater(s)``      429 flood control: pause *all* sending for ``s`` seconds (the limit
                       is per bot, not per chat), then try the chat again.
``Blocked``            403 (bot blocked, user deactivated): state ``blocked``, and the chat
                       is unsubscribed.
``ChatNotFound``       400 "chat not found": state ``not_found``.
``Transient``          timeout, network error, 5xx: retried with exponential backoff, up to
                       ``max_retries`` times, then ``failed``.
``Rejected``           any other 400: ``failed`` at once; retrying cannot help.
=====================  ==================================================================

Pacing
    Send *starts* go through one limiter per engine: consecutive starts at least
    ``1 / rate_per_second`` apart (no bursts), and never more than ``floor(rate_per_second)``
    starts in any 1-second sliding window. A chat gets its next attempt no sooner than
    ``per_chat_interval`` after its previous attempt *ended* (measuring from the end, not the
    start, keeps the gap even when a request is slow). Up to ``max_in_flight`` sends run at
    once, so a slow Bot API does not cap throughput below the rate; only the starts are paced.

Crash safety
    Each recipient row is marked ``sending`` (``attempts + 1``) and committed before its
    send, and gets its outcome committed after it. If the process dies, the broadcast stays
    ``running``; :func:`resume_unfinished` (at start-up) runs it again. Rows still ``sending``
    then are the deliveries that were in flight at the crash, at most ``max_in_flight`` of
    them: whether Telegram got them is unknown, so they go back to ``pending`` and are sent
    again. Those few chats may receive the message twice; a chat confirmed ``sent`` is never
    sent to again. (The same holds for a ``Transient`` timeout: the message may have arrived
    even though the request failed.) The repeat keeps the per-chat interval: the new process
    cannot know when the dead one last sent, so it waits one interval before resuming. A
    broadcast still ``pending`` (confirmed, but the process stopped before it started) is
    resumed too: only ``done`` and ``cancelled`` are final.

Sharing the event loop
    The storage lock is only held for single short statements, never across a send, and
    every send and wait yields to the loop, so residents' questions keep being answered
    while a broadcast runs.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.errors import BroadcastError, StorageError
from bot.storage import Storage

__all__ = [
    "Blocked",
    "BroadcastEngine",
    "ChatNotFound",
    "Progress",
    "ProgressCallback",
    "Rejected",
    "Report",
    "RetryLater",
    "SendError",
    "Sender",
    "Transient",
    "broadcast_status",
    "create_broadcast",
    "create_once",
    "format_report",
    "resume_unfinished",
]

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------- sender errors


class SendError(BroadcastError):
    """A send to one chat failed. Raise a subclass; a bare one is treated like Rejected."""


class RetryLater(SendError):
    """Telegram's flood control (429): nothing may be sent for ``retry_after`` seconds."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        self.retry_after = max(0.0, float(retry_after))
        super().__init__(message or f"flood control: retry after {self.retry_after:g} s")


class Blocked(SendError):
    """The chat cannot be messaged any more (403: bot blocked, user deactivated)."""


class ChatNotFound(SendError):
    """Telegram does not know the chat (400 "chat not found")."""


class Transient(SendError):
    """A failure that may pass: timeout, network error, Bot API 5xx."""


class Rejected(SendError):
    """Telegram refused this message for good (any other 400); retrying cannot help."""


Sender = Callable[[int, str], Awaitable[None]]
"""Sends one message (HTML text) to one chat; raises a :class:`SendError` on failure."""

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


# ---------------------------------------------------------------------- reports


@dataclass(frozen=True)
class Report:
    """Where a broadcast stands. Counts come from the database, so they cover every run.

    ``pending`` counts every recipient not yet dealt with (including any being sent right
    now). ``elapsed`` is in seconds: for :meth:`BroadcastEngine.run` and progress callbacks,
    the time this run has taken (monotonic clock); for :func:`broadcast_status`, the time
    since the broadcast first started (until it finished), from the stored timestamps.
    ``rate`` is messages delivered per second over that same time.
    """

    broadcast_id: int
    status: str  # pending | running | done | cancelled
    total: int
    sent: int
    blocked: int
    not_found: int
    failed: int
    pending: int
    elapsed: float
    rate: float

    @property
    def finished(self) -> bool:
        """True once nothing more will be sent (done or cancelled)."""
        return self.status in ("done", "cancelled")


Progress = Report
"""What a progress callback receives: a :class:`Report` taken while the broadcast runs."""

ProgressCallback = Callable[[Progress], Awaitable[None]]

_STATUS_WORDS = {"pending": "not started", "running": "in progress", "cancelled": "cancelled"}


def format_report(report: Report) -> str:
    """One short plain-text line, e.g.

    ``Broadcast 3: 998 of 1,000 sent, 1 blocked, 1 failed, 0 waiting; 41.2 s``

    Blocked, not found and failed appear only when non-zero; a broadcast that is not done
    says so after its number ("Broadcast 3 (cancelled): ...").
    """
    status = _STATUS_WORDS.get(report.status, "" if report.status == "done" else report.status)
    head = f"Broadcast {report.broadcast_id}" + (f" ({status})" if status else "")
    parts = [f"{report.sent:,} of {report.total:,} sent"]
    for count, label in (
        (report.blocked, "blocked"),
        (report.not_found, "not found"),
        (report.failed, "failed"),
    ):
        if count:
            parts.append(f"{count:,} {label}")
    parts.append(f"{report.pending:,} waiting")
    return f"{head}: {', '.join(parts)}; {_duration(report.elapsed)}"


def _duration(seconds: float) -> str:
    """``41.2 s`` under two minutes, ``6 min 40 s`` beyond (tenths stop mattering)."""
    seconds = max(0.0, seconds)
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:,} min {rest} s"


async def _counts(storage: Storage, broadcast_id: int) -> dict[str, int]:
    rows = await storage.fetch_all(
        "SELECT state, COUNT(*) AS n FROM broadcast_recipients "
        "WHERE broadcast_id = ? GROUP BY state",
        (broadcast_id,),
    )
    return {str(row["state"]): int(row["n"]) for row in rows}


def _make_report(
    broadcast_id: int, status: str, counts: dict[str, int], elapsed: float, delivered: int
) -> Report:
    elapsed = max(0.0, elapsed)
    return Report(
        broadcast_id=broadcast_id,
        status=status,
        total=sum(counts.values()),
        sent=counts.get("sent", 0),
        blocked=counts.get("blocked", 0),
        not_found=counts.get("not_found", 0),
        failed=counts.get("failed", 0),
        pending=counts.get("pending", 0) + counts.get("sending", 0),
        elapsed=elapsed,
        rate=delivered / elapsed if elapsed > 0 else 0.0,
    )


async def broadcast_status(storage: Storage, broadcast_id: int | None = None) -> Report:
    """The report of one broadcast (the latest when ``broadcast_id`` is None), from the DB.

    Raises :class:`BroadcastError` when there is no such broadcast (or none at all).
    """
    if broadcast_id is None:
        row = await storage.fetch_one(
            "SELECT id, status, started_at, finished_at FROM broadcasts ORDER BY id DESC LIMIT 1"
        )
        if row is None:
            raise BroadcastError("there are no broadcasts yet")
    else:
        row = await storage.fetch_one(
            "SELECT id, status, started_at, finished_at FROM broadcasts WHERE id = ?",
            (broadcast_id,),
        )
        if row is None:
            raise BroadcastError(f"there is no broadcast {broadcast_id}")
    ident = int(row["id"])
    counts = await _counts(storage, ident)
    elapsed = 0.0
    if row["started_at"]:
        end = row["finished_at"] or storage.now_iso()
        elapsed = (_parse(end) - _parse(row["started_at"])).total_seconds()
    return _make_report(ident, str(row["status"]), counts, elapsed, counts.get("sent", 0))


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(str(stamp))


# ---------------------------------------------------------------------- creating


async def create_broadcast(
    storage: Storage, created_by: int, kind: str, message: str, *, draft_key: str | None = None
) -> int:
    """Create a broadcast of ``message`` (HTML) to everyone subscribed now; return its id.

    The recipients are snapshotted in the same transaction as the broadcast row, so a chat
    subscribing a moment later is either in this broadcast or not, never half. The broadcast
    starts ``pending``; :meth:`BroadcastEngine.run` sends it (and :func:`resume_unfinished`
    does at start-up, should the process stop before it ran). With ``draft_key``, creating
    the same draft again returns the broadcast already made: see :func:`create_once`.
    """
    broadcast_id, _ = await create_once(storage, created_by, kind, message, draft_key=draft_key)
    return broadcast_id


async def create_once(
    storage: Storage, created_by: int, kind: str, message: str, *, draft_key: str | None = None
) -> tuple[int, bool]:
    """:func:`create_broadcast`, and whether it made a new one (False: ``draft_key`` had one).

    A coordinator's Confirm can arrive twice (a double tap, a retry after an error); one
    draft must never become two broadcasts, so the key is checked in the same transaction
    that creates the row (and a unique index backs it up).
    """
    if not message.strip():
        raise BroadcastError("a broadcast needs a message")
    if not kind.strip():
        raise BroadcastError("a broadcast needs a kind")
    now = storage.now_iso()
    async with storage.transaction():
        if draft_key is not None:
            existing = await storage.fetch_value(
                "SELECT id FROM broadcasts WHERE draft_key = ?", (draft_key,)
            )
            if existing is not None:
                return int(existing), False
        broadcast_id = await storage.execute_insert(
            "INSERT INTO broadcasts (created_by, created_at, kind, message, status, draft_key) "
            "VALUES (?, ?, ?, ?, 'pending', ?)",
            (created_by, now, kind, message, draft_key),
        )
        recipients = await storage.execute(
            "INSERT INTO broadcast_recipients (broadcast_id, chat_id, state, updated_at) "
            "SELECT ?, chat_id, 'pending', ? FROM subscribers",
            (broadcast_id, now),
        )
    logger.info("broadcast %d (%s) created for %d recipients", broadcast_id, kind, recipients)
    return broadcast_id, True


# ---------------------------------------------------------------------- pacing

#: Longest single wait inside the limiter, so a cancel is noticed during a long 429 pause.
_POLL = 0.25
#: The 1-second window is enforced as this much longer. Callers timestamp a send a few
#: microseconds after the limiter lets it go, and a slow moment in between must not make
#: their measurement see one send too many in a window; 5 ms costs 0.5 % of throughput.
_WINDOW_GUARD = 0.005
#: Longest backoff, so a long run of failures does not park a chat (or everything) for hours.
_MAX_BACKOFF = 60.0


class _Limiter:
    """Paces send starts: evenly spaced, ``floor(rate)`` per sliding second, pausable.

    Starts are recorded with the clock reading taken when a waiter is let go, and the next
    one is computed from those readings, so lateness (a slow loop) never lets two starts
    bunch up afterwards. Waiters are served in order (asyncio.Lock is fair).
    """

    def __init__(self, rate: float, clock: Clock, sleep: Sleep) -> None:
        self._interval = 1.0 / rate
        self._starts: deque[float] = deque(maxlen=max(1, math.floor(rate)))
        self._clock = clock
        self._sleep = sleep
        self._paused_until = -math.inf
        self._lock = asyncio.Lock()

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def pause(self, seconds: float) -> None:
        """Let nothing start for ``seconds`` from now (extends, never shortens, a pause)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _earliest(self) -> float:
        earliest = self._paused_until
        if self._starts:
            earliest = max(earliest, self._starts[-1] + self._interval)
            if len(self._starts) == self._starts.maxlen:
                earliest = max(earliest, self._starts[0] + 1.0 + _WINDOW_GUARD)
        return earliest

    async def acquire(self, stop: Callable[[], bool]) -> bool:
        """Wait for the next start slot; False (and no slot used) if ``stop()`` turns true.

        The caller must start its send straight away, with no ``await`` in between.
        """
        async with self._lock:
            while True:
                if stop():
                    return False
                now = self._clock()
                earliest = self._earliest()
                if now >= earliest:
                    self._starts.append(now)
                    return True
                # Re-check after each nap: a 429 may have extended the pause meanwhile.
                await self._sleep(min(earliest - now, _POLL))


# ---------------------------------------------------------------------- the engine


@dataclass
class _Run:
    """One run of one broadcast: the in-memory queue over the rows in the database."""

    broadcast_id: int
    message: str
    ready: deque[int]
    max_in_flight: int
    # Chats waiting for a retry: (not before, tie-breaker, chat id).
    delayed: list[tuple[float, int, int]] = field(default_factory=list)
    transient_failures: dict[int, int] = field(default_factory=dict)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: bool = False
    failure: BaseException | None = None
    delivered: int = 0  # confirmed sends in this run
    seq: itertools.count[int] = field(default_factory=itertools.count)
    slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.slots = asyncio.Semaphore(self.max_in_flight)

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()

    def retry_at(self, when: float, chat_id: int) -> None:
        heapq.heappush(self.delayed, (when, next(self.seq), chat_id))
        self.wake.set()


# Broadcasts being run in this process, per Storage object: running one twice at once would
# send every message twice.
_ACTIVE: set[tuple[int, int]] = set()

_MARK_SENDING = (
    "UPDATE broadcast_recipients SET state = 'sending', attempts = attempts + 1, "
    "updated_at = ? WHERE broadcast_id = ? AND chat_id = ? AND state = 'pending'"
)
_MARK_OUTCOME = (
    "UPDATE broadcast_recipients SET state = ?, last_error = ?, updated_at = ? "
    "WHERE broadcast_id = ? AND chat_id = ? AND state = 'sending'"
)
#: ``last_error`` of a recipient whose send was under way when the process stopped.
_INTERRUPTED = "interrupted while sending (may be sent twice)"
_MARK_CANCELLED = (
    "UPDATE broadcasts SET status = 'cancelled', finished_at = COALESCE(finished_at, ?) "
    "WHERE id = ? AND status IN ('pending', 'running')"
)


class BroadcastEngine:
    """Sends broadcasts through ``sender``, paced, retrying, resumable. See the module doc.

    One engine paces everything it sends with one limiter, so broadcasts run concurrently
    on the same engine share ``rate_per_second`` (Telegram's limit is per bot).

    ``max_retries``: how many times a ``Transient`` failure is retried (so at most
    ``max_retries + 1`` attempts); the n-th retry waits ``backoff_base * 2 ** (n - 1)``
    seconds. ``max_in_flight`` (default: enough for half a second of latency at full rate,
    at most 64) bounds concurrent sends, and so the rows that can be ``sending`` at a crash.
    ``outage_after``: when that many different chats fail with ``Transient`` in a row with
    no success in between, the trouble is on our side (network, Bot API), so all sending
    pauses with growing backoff until something succeeds, instead of every chat burning its
    retries during the outage. ``clock`` and ``sleep`` are injectable for tests.
    ``progress`` is awaited about every ``progress_every`` seconds while a broadcast runs;
    its errors are logged and ignored.
    """

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        rate_per_second: float = 25.0,
        per_chat_interval: float = 1.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        progress: ProgressCallback | None = None,
        progress_every: float = 5.0,
        max_in_flight: int | None = None,
        outage_after: int = 5,
    ) -> None:
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be positive")
        if per_chat_interval < 0 or backoff_base < 0 or max_retries < 0:
            raise ValueError("per_chat_interval, backoff_base and max_retries must be >= 0")
        if not progress_every > 0:
            raise ValueError("progress_every must be positive")
        if max_in_flight is None:
            max_in_flight = min(64, math.ceil(rate_per_second * 0.5))
        if max_in_flight < 1 or outage_after < 1:
            raise ValueError("max_in_flight and outage_after must be at least 1")
        self._storage = storage
        self._sender = sender
        self.rate_per_second = rate_per_second
        self.per_chat_interval = per_chat_interval
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.max_in_flight = max_in_flight
        self.outage_after = outage_after
        self.progress_every = progress_every
        self._clock = clock
        self._sleep = sleep
        self._progress = progress
        self._limiter = _Limiter(rate_per_second, clock, sleep)
        # When each chat may next be sent to (inf while a send to it is in flight).
        self._chat_free_at: dict[int, float] = {}
        self._runs: dict[int, _Run] = {}
        # Outage detection: chats that failed transiently since the last other outcome.
        self._failing_chats: set[int] = set()
        self._outage_level = 0

    # ------------------------------------------------------------------ public

    def hold(self, seconds: float) -> None:
        """Start no send for ``seconds`` from now (e.g. after a restart, see
        :func:`resume_unfinished`)."""
        self._limiter.pause(seconds)

    async def run(self, broadcast_id: int) -> Report:
        """Send broadcast ``broadcast_id`` to its pending recipients; return the final report.

        Works for a new (``pending``) broadcast and for one interrupted while ``running``
        (its ``sending`` rows are sent again, see the module doc). A broadcast already done
        or cancelled is left alone and its report returned. Raises :class:`BroadcastError`
        if the broadcast does not exist or is already being run in this process, and
        :class:`~bot.errors.StorageError` if the database fails (the broadcast then stays
        ``running`` and is picked up by :func:`resume_unfinished` at the next start).
        """
        key = (id(self._storage), broadcast_id)
        if key in _ACTIVE:
            raise BroadcastError(f"broadcast {broadcast_id} is already being sent")
        _ACTIVE.add(key)
        try:
            return await self._run(broadcast_id)
        finally:
            _ACTIVE.discard(key)

    async def cancel(self, broadcast_id: int) -> bool:
        """Stop a broadcast: nothing more starts, unsent recipients stay ``pending``.

        Sends already under way finish and are recorded. Works whether or not this engine
        is running it (another engine notices the status within about a second). Returns
        False if it had already finished or been cancelled; raises :class:`BroadcastError`
        if there is no such broadcast.
        """
        run = self._runs.get(broadcast_id)
        if run is not None:
            run.stop()  # first, so no send can start while the update below is awaited
        changed = await self._storage.execute(
            _MARK_CANCELLED, (self._storage.now_iso(), broadcast_id)
        )
        if changed:
            logger.info("broadcast %d cancelled", broadcast_id)
            return True
        exists = await self._storage.fetch_value(
            "SELECT 1 FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        if exists is None:
            raise BroadcastError(f"there is no broadcast {broadcast_id}")
        return False

    # ------------------------------------------------------------------ one run

    async def _run(self, broadcast_id: int) -> Report:
        storage = self._storage
        row = await storage.fetch_one(
            "SELECT status, message FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        if row is None:
            raise BroadcastError(f"there is no broadcast {broadcast_id}")
        if row["status"] in ("done", "cancelled"):
            logger.info("broadcast %d is already %s", broadcast_id, row["status"])
            return await broadcast_status(storage, broadcast_id)

        now = storage.now_iso()
        async with storage.transaction():
            claimed = await storage.execute(
                "UPDATE broadcasts SET status = 'running', started_at = COALESCE(started_at, ?) "
                "WHERE id = ? AND status IN ('pending', 'running')",
                (now, broadcast_id),
            )
            if not claimed:  # cancelled since the look above
                return await broadcast_status(storage, broadcast_id)
            # Left 'sending' by a crash: unknown whether Telegram got them, so send again.
            interrupted = await storage.execute(
                "UPDATE broadcast_recipients SET state = 'pending', updated_at = ?, "
                "last_error = ? WHERE broadcast_id = ? AND state = 'sending'",
                (now, _INTERRUPTED, broadcast_id),
            )
        if interrupted:
            logger.warning(
                "broadcast %d: %d deliveries were in flight when it was interrupted; "
                "they are sent again and may arrive twice",
                broadcast_id,
                interrupted,
            )
        rows = await storage.fetch_all(
            "SELECT chat_id, last_error FROM broadcast_recipients "
            "WHERE broadcast_id = ? AND state = 'pending' ORDER BY chat_id",
            (broadcast_id,),
        )
        # Those chats were sent to at some moment before now (by a process that has since
        # died, so its send times are lost): the repeat may go no sooner than the interval.
        hold = self._clock() + self.per_chat_interval
        for r in rows:
            if r["last_error"] == _INTERRUPTED:
                chat_id = int(r["chat_id"])
                self._chat_free_at[chat_id] = max(self._chat_free_at.get(chat_id, hold), hold)
        run = _Run(
            broadcast_id=broadcast_id,
            message=str(row["message"]),
            ready=deque(int(r["chat_id"]) for r in rows),
            max_in_flight=self.max_in_flight,
        )
        logger.info("broadcast %d: sending to %d recipients", broadcast_id, len(run.ready))
        started = self._clock()
        self._runs[broadcast_id] = run
        monitor = asyncio.create_task(self._monitor(run, started))
        try:
            await self._dispatch(run)
        finally:
            # Normal end: nothing is left. Cancelled (shutdown, crash test) or failed: the
            # sends still under way are abandoned, their rows stay 'sending' for the resume.
            monitor.cancel()
            for task in list(run.tasks):
                task.cancel()
            await asyncio.gather(monitor, *run.tasks, return_exceptions=True)
            del self._runs[broadcast_id]
            self._prune_chats()

        if run.stopping:
            await storage.execute(_MARK_CANCELLED, (storage.now_iso(), broadcast_id))
        else:
            await storage.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? "
                "WHERE id = ? AND status = 'running'",
                (storage.now_iso(), broadcast_id),
            )
        report = await self._report(run, started)
        logger.info(format_report(report))
        return report

    async def _report(self, run: _Run, started: float) -> Report:
        status = await self._storage.fetch_value(
            "SELECT status FROM broadcasts WHERE id = ?", (run.broadcast_id,)
        )
        counts = await _counts(self._storage, run.broadcast_id)
        return _make_report(
            run.broadcast_id, str(status), counts, self._clock() - started, run.delivered
        )

    async def _dispatch(self, run: _Run) -> None:
        """Start a delivery task for each chat as its turn comes; return when all are done."""
        while True:
            if run.failure is not None:
                raise run.failure
            if run.stopping:
                break
            await run.slots.acquire()
            if run.stopping or run.failure is not None:
                run.slots.release()
                continue  # decided while waiting for a slot; the checks above act on it
            run.wake.clear()  # before looking, so a change made after the look wakes us
            chat_id, wait_until = self._take(run)
            if chat_id is None:
                run.slots.release()
                if wait_until is None and not run.tasks:
                    break  # nothing queued, nothing in flight that could queue a retry
                await self._wait(run, wait_until)
                continue
            task = asyncio.create_task(self._deliver(run, chat_id))
            run.tasks.add(task)
            task.add_done_callback(lambda done: self._delivered(run, done))
            # Let the new task (and everyone else) run before starting the next one.
            await asyncio.sleep(0)
        if run.tasks:
            await asyncio.gather(*list(run.tasks), return_exceptions=True)
        if run.failure is not None:
            raise run.failure

    def _delivered(self, run: _Run, task: asyncio.Task[None]) -> None:
        run.tasks.discard(task)
        run.slots.release()
        if not task.cancelled() and (exc := task.exception()) is not None:
            run.failure = run.failure or exc
        run.wake.set()

    def _take(self, run: _Run) -> tuple[int | None, float | None]:
        """The next chat that may be sent to now, else (None, when to look again)."""
        now = self._clock()
        while run.delayed and run.delayed[0][0] <= now:
            _, _, chat_id = heapq.heappop(run.delayed)
            if self._chat_ready(run, chat_id, now):
                return chat_id, None
        while run.ready:
            chat_id = run.ready.popleft()
            if self._chat_ready(run, chat_id, now):
                return chat_id, None
        return None, (run.delayed[0][0] if run.delayed else None)

    def _chat_ready(self, run: _Run, chat_id: int, now: float) -> bool:
        """True if ``chat_id`` may be sent to now; otherwise queue it for when it may."""
        free_at = self._chat_free_at.get(chat_id, -math.inf)
        if free_at <= now:
            return True
        # Busy in another broadcast on this engine (inf) or sent to a moment ago.
        when = free_at if free_at < math.inf else now + max(self.per_chat_interval, 0.05)
        heapq.heappush(run.delayed, (when, next(run.seq), chat_id))
        return False

    async def _wait(self, run: _Run, until: float | None) -> None:
        """Sleep until ``until`` (a clock reading) or until ``run.wake`` is set."""
        waiter: asyncio.Future[object] = asyncio.ensure_future(run.wake.wait())
        waits: set[asyncio.Future[object]] = {waiter}
        if until is not None:
            waits.add(asyncio.ensure_future(self._sleep(max(0.0, until - self._clock()))))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in waits:
                future.cancel()

    async def _deliver(self, run: _Run, chat_id: int) -> None:
        """One attempt at one chat: mark it, wait for its slot, send, record the outcome."""
        storage = self._storage
        self._chat_free_at[chat_id] = math.inf
        ended: float | None = None
        try:
            marked = await storage.execute(
                _MARK_SENDING, (storage.now_iso(), run.broadcast_id, chat_id)
            )
            if not marked:
                # The row is gone (the resident used /forget meanwhile) or not pending.
                logger.debug("broadcast %d: a recipient vanished, skipped", run.broadcast_id)
                return
            if not await self._limiter.acquire(lambda: run.stopping):
                await storage.execute(
                    "UPDATE broadcast_recipients SET state = 'pending', "
                    "attempts = attempts - 1 WHERE broadcast_id = ? AND chat_id = ? "
                    "AND state = 'sending'",
                    (run.broadcast_id, chat_id),
                )
                return
            try:
                await self._sender(chat_id, run.message)
            except SendError as exc:
                ended = self._clock()
                await self._failed(run, chat_id, exc, ended)
            except Exception as exc:  # noqa: BLE001 - an adapter bug must not stop the rest
                ended = self._clock()
                logger.exception(
                    "broadcast %d: the sender raised an unmapped error", run.broadcast_id
                )
                await self._record(run, chat_id, "failed", f"unexpected: {exc!r}")
            else:
                ended = self._clock()
                self._healthy()
                run.delivered += 1
                await self._record(run, chat_id, "sent", None)
        finally:
            if ended is None:
                self._chat_free_at.pop(chat_id, None)
            else:
                self._chat_free_at[chat_id] = ended + self.per_chat_interval

    async def _failed(self, run: _Run, chat_id: int, exc: SendError, ended: float) -> None:
        """Decide what a failed send means; pauses happen before any await, so no send
        can slip out in between."""
        error = f"{type(exc).__name__}: {exc}"[:300]
        if isinstance(exc, RetryLater):
            self._limiter.pause(exc.retry_after)
            logger.warning(
                "broadcast %d: flood control, all sending paused for %.1f s",
                run.broadcast_id,
                exc.retry_after,
            )
            # Not the chat's fault, so it does not use up the chat's retries.
            await self._record(run, chat_id, "pending", error)
            run.retry_at(ended + max(exc.retry_after, self.per_chat_interval), chat_id)
        elif isinstance(exc, Transient):
            self._transient(run.broadcast_id, chat_id)
            failures = run.transient_failures.get(chat_id, 0) + 1
            run.transient_failures[chat_id] = failures
            if failures > self.max_retries:
                await self._record(run, chat_id, "failed", error)
                return
            await self._record(run, chat_id, "pending", error)
            delay = max(self._backoff(failures), self.per_chat_interval)
            run.retry_at(ended + delay, chat_id)
        elif isinstance(exc, Blocked):
            self._healthy()
            async with self._storage.transaction():
                await self._record(run, chat_id, "blocked", error)
                await self._storage.unsubscribe(chat_id)
        elif isinstance(exc, ChatNotFound):
            self._healthy()
            await self._record(run, chat_id, "not_found", error)
        else:  # Rejected, or a bare SendError
            self._healthy()
            await self._record(run, chat_id, "failed", error)

    def _backoff(self, n: int) -> float:
        """The wait before the n-th retry (n >= 1)."""
        return min(_MAX_BACKOFF, self.backoff_base * 2 ** min(n - 1, 30))

    def _transient(self, broadcast_id: int, chat_id: int) -> None:
        """Count a transient failure towards outage detection; pause everything if it is one."""
        self._failing_chats.add(chat_id)
        if self._outage_level == 0 and len(self._failing_chats) < self.outage_after:
            return
        self._outage_level += 1
        pause = self._backoff(self._outage_level)
        self._limiter.pause(pause)
        logger.warning(
            "broadcast %d: %d chats failed in a row, looks like an outage; "
            "all sending paused for %.2f s",
            broadcast_id,
            len(self._failing_chats),
            pause,
        )

    def _healthy(self) -> None:
        """A send got an answer from Telegram: whatever outage there was is over."""
        if self._outage_level:
            logger.info("sending works again after an outage")
        self._failing_chats.clear()
        self._outage_level = 0

    async def _record(self, run: _Run, chat_id: int, state: str, error: str | None) -> None:
        await self._storage.execute(
            _MARK_OUTCOME,
            (state, error, self._storage.now_iso(), run.broadcast_id, chat_id),
        )

    async def _monitor(self, run: _Run, started: float) -> None:
        """Notice a cancel made elsewhere (another engine, the CLI) and report progress."""
        poll = min(1.0, self.progress_every)
        last_progress = started
        while True:
            await self._sleep(poll)
            try:
                status = await self._storage.fetch_value(
                    "SELECT status FROM broadcasts WHERE id = ?", (run.broadcast_id,)
                )
            except StorageError:
                logger.warning("broadcast %d: cannot read its status", run.broadcast_id)
                continue
            if status != "running":
                logger.info("broadcast %d: stopping, its status is %s", run.broadcast_id, status)
                run.stop()
                return
            if self._progress is not None and self._clock() - last_progress >= self.progress_every:
                last_progress = self._clock()
                try:
                    await self._progress(await self._report(run, started))
                except Exception:  # noqa: BLE001 - progress is a courtesy, never fatal
                    logger.exception("broadcast %d: progress report failed", run.broadcast_id)

    def _prune_chats(self) -> None:
        """Forget per-chat times that no longer hold anything back."""
        now = self._clock()
        for chat_id in [c for c, t in self._chat_free_at.items() if t <= now]:
            del self._chat_free_at[chat_id]


# ---------------------------------------------------------------------- start-up


async def resume_unfinished(
    storage: Storage,
    engine_factory: Callable[[], BroadcastEngine],
    on_finished: Callable[[Report], Awaitable[None]] | None = None,
) -> list[int]:
    """Run every broadcast not yet finished (``pending`` or ``running``); return their ids.

    ``running`` ones were interrupted by a crash; ``pending`` ones were confirmed but the
    process stopped before they started. Either way a coordinator asked for them, so both
    are sent. They run one after another on one engine, ``engine_factory()`` (an engine on
    ``storage``; one limiter, so together they keep to the rate), and ``on_finished`` gets
    each one's final report. This awaits them all: at start-up, run it as a background task
    so residents are answered meanwhile. A broadcast that fails is logged and skipped (it
    stays unfinished for the next start), and is not in the returned list.
    """
    rows = await storage.fetch_all(
        "SELECT id FROM broadcasts WHERE status IN ('pending', 'running') ORDER BY id"
    )
    if not rows:
        return []
    engine = engine_factory()
    # The process that died may have sent to any chat a moment ago, and its send times died
    # with it: wait out one per-chat interval before the first send.
    engine.hold(engine.per_chat_interval)
    resumed: list[int] = []
    for row in rows:
        broadcast_id = int(row["id"])
        logger.info("resuming broadcast %d after an interruption", broadcast_id)
        try:
            report = await engine.run(broadcast_id)
        except (BroadcastError, StorageError):
            logger.exception("broadcast %d could not be resumed", broadcast_id)
            continue
        resumed.append(broadcast_id)
        if on_finished is not None:
            try:
                await on_finished(report)
            except Exception:  # noqa: BLE001 - the report is a courtesy; carry on sending
                logger.exception("broadcast %d: final report failed", broadcast_id)
    return resumed
