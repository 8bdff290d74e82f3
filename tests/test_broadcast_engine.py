"""The broadcast engine on its own (no Telegram): outcomes, pacing, crash and resume.

A fake sender stands in for the Bot API: it records when each send started and ended, can be
slow, and raises the engine's exceptions on chosen attempts. The database is a real Storage on
a file. Limits are checked on the recorded start times (they are upper bounds, so they hold
however loaded the machine is); nothing asserts how quickly a broadcast finished.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.errors import BroadcastError, CspBotError
from bot.publishing.broadcast import (
    Blocked,
    BroadcastEngine,
    ChatNotFound,
    Progress,
    Rejected,
    Report,
    RetryLater,
    SendError,
    Transient,
    broadcast_status,
    create_broadcast,
    format_report,
    resume_unfinished,
)
from bot.storage import Storage

FIRST_CHAT = 1000
Script = Callable[[int, int], SendError | None]  # (chat id, attempt number from 1) -> raise?


class FakeSender:
    """Records every attempt; raises what ``script`` says; sleeps ``latency`` to succeed.

    Failures are raised at once (before any latency), so a 429 reaches the engine at the very
    moment it is recorded.
    """

    def __init__(self, latency: float = 0.0, script: Script | None = None) -> None:
        self.latency = latency
        self.script = script
        self.starts: list[tuple[int, float]] = []
        self.ends: dict[int, list[float]] = defaultdict(list)
        self.delivered: Counter[int] = Counter()
        self.attempts: Counter[int] = Counter()
        self.texts: set[str] = set()
        self.busy = 0
        self.most_busy = 0
        self._watchers: list[tuple[int, asyncio.Event]] = []

    async def __call__(self, chat_id: int, text: str) -> None:
        self.starts.append((chat_id, time.monotonic()))
        self.attempts[chat_id] += 1
        self.texts.add(text)
        for count, event in self._watchers:
            if len(self.starts) >= count:
                event.set()
        error = self.script(chat_id, self.attempts[chat_id]) if self.script else None
        if error is not None:
            self.ends[chat_id].append(time.monotonic())
            raise error
        self.busy += 1
        self.most_busy = max(self.most_busy, self.busy)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
        finally:
            self.busy -= 1
        self.ends[chat_id].append(time.monotonic())
        self.delivered[chat_id] += 1

    def after(self, count: int) -> asyncio.Event:
        """An event set once ``count`` sends have started."""
        event = asyncio.Event()
        self._watchers.append((count, event))
        return event

    def times(self) -> list[float]:
        return sorted(t for _, t in self.starts)

    def starts_of(self, chat_id: int) -> list[float]:
        return [t for c, t in self.starts if c == chat_id]


def most_in_window(times: list[float], window: float = 1.0) -> int:
    """The largest number of ``times`` in any half-open window [t, t + window)."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0
    )


async def subscribe(storage: Storage, count: int) -> list[int]:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + count))
    await storage.execute_many(
        "INSERT INTO subscribers (chat_id, subscribed_at) VALUES (?, ?)",
        [(chat, "2025-04-01T09:00:00+00:00") for chat in chats],
    )
    return chats


async def states(storage: Storage, broadcast_id: int) -> dict[int, str]:
    rows = await storage.fetch_all(
        "SELECT chat_id, state FROM broadcast_recipients WHERE broadcast_id = ?",
        (broadcast_id,),
    )
    return {int(r["chat_id"]): str(r["state"]) for r in rows}


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with Storage.open(tmp_path / "bot.sqlite3") as db:
        yield db


def fast(storage: Storage, sender: FakeSender, **options: float) -> BroadcastEngine:
    """An engine with limits high enough that they do not slow a test down."""
    settings: dict[str, float] = {
        "rate_per_second": 2000.0,
        "per_chat_interval": 0.0,
        "backoff_base": 0.01,
    }
    settings.update(options)
    return BroadcastEngine(
        storage,
        sender,
        rate_per_second=settings["rate_per_second"],
        per_chat_interval=settings["per_chat_interval"],
        backoff_base=settings["backoff_base"],
        max_retries=int(settings.get("max_retries", 5)),
        max_in_flight=int(settings.get("max_in_flight", 16)),
    )


# ---------------------------------------------------------------------- delivery


async def test_every_subscriber_gets_the_message_exactly_once(storage: Storage) -> None:
    chats = await subscribe(storage, 1000)
    broadcast_id = await create_broadcast(storage, 7, "custom", "<b>Road closure</b> tonight")
    sender = FakeSender()

    report = await fast(storage, sender).run(broadcast_id)

    assert sender.delivered == Counter({chat: 1 for chat in chats})
    assert sender.texts == {"<b>Road closure</b> tonight"}
    assert (report.total, report.sent, report.pending, report.status) == (1000, 1000, 0, "done")
    assert set((await states(storage, broadcast_id)).values()) == {"sent"}
    row = await storage.fetch_one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
    assert row is not None and row["status"] == "done" and row["finished_at"] is not None


async def test_recipients_are_a_snapshot_taken_at_creation(storage: Storage) -> None:
    await subscribe(storage, 3)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    await storage.subscribe(5000)  # too late for this one
    sender = FakeSender()

    await fast(storage, sender).run(broadcast_id)

    assert set(sender.delivered) == {1000, 1001, 1002}


async def test_a_blocked_chat_is_unsubscribed_and_counted(storage: Storage) -> None:
    await subscribe(storage, 20)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(script=lambda chat, n: Blocked("bot was blocked") if chat == 1005 else None)

    report = await fast(storage, sender).run(broadcast_id)

    assert (report.sent, report.blocked) == (19, 1)
    assert sender.attempts[1005] == 1, "403 is final: no retry"
    assert not await storage.is_subscribed(1005)
    assert await storage.is_subscribed(1006)
    # Counted as blocked, but no longer under its chat id (unsubscribed: /privacy).
    final = await states(storage, broadcast_id)
    assert 1005 not in final and list(final.values()).count("blocked") == 1


async def test_chat_not_found_is_marked_and_not_retried(storage: Storage) -> None:
    await subscribe(storage, 20)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(
        script=lambda chat, n: ChatNotFound("chat not found") if chat == 1003 else None
    )

    report = await fast(storage, sender).run(broadcast_id)

    assert (report.sent, report.not_found) == (19, 1)
    assert sender.attempts[1003] == 1
    assert (await states(storage, broadcast_id))[1003] == "not_found"


async def test_a_transient_error_is_retried_with_backoff_until_it_goes_through(
    storage: Storage,
) -> None:
    await subscribe(storage, 20)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")

    def script(chat: int, attempt: int) -> SendError | None:
        return Transient("502 Bad Gateway") if chat == 1004 and attempt <= 3 else None

    sender = FakeSender(script=script)

    report = await fast(storage, sender, backoff_base=0.05).run(broadcast_id)

    assert report.sent == 20 and report.failed == 0
    assert sender.attempts[1004] == 4 and sender.delivered[1004] == 1
    row = await storage.fetch_one(
        "SELECT attempts, state FROM broadcast_recipients WHERE chat_id = 1004"
    )
    assert row == {"attempts": 4, "state": "sent"}
    # Each retry waits twice as long as the one before, counted from the failure.
    starts, ends = sender.starts_of(1004), sender.ends[1004]
    for n in range(1, 4):
        assert starts[n] - ends[n - 1] >= 0.05 * 2 ** (n - 1)


async def test_an_always_failing_chat_fails_after_max_retries(storage: Storage) -> None:
    await subscribe(storage, 20)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(script=lambda chat, n: Transient("timed out") if chat == 1010 else None)

    report = await fast(storage, sender, max_retries=3).run(broadcast_id)

    assert (report.sent, report.failed) == (19, 1)
    assert sender.attempts[1010] == 4, "one attempt plus max_retries retries"
    row = await storage.fetch_one(
        "SELECT state, attempts, last_error FROM broadcast_recipients WHERE chat_id = 1010"
    )
    assert row is not None and row["state"] == "failed" and row["attempts"] == 4
    assert "timed out" in row["last_error"]


async def test_a_rejected_message_fails_without_retry(storage: Storage) -> None:
    await subscribe(storage, 5)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(
        script=lambda chat, n: Rejected("can't parse entities") if chat == 1002 else None
    )

    report = await fast(storage, sender).run(broadcast_id)

    assert (report.sent, report.failed) == (4, 1)
    assert sender.attempts[1002] == 1


async def test_429_pauses_all_sending_for_retry_after(storage: Storage) -> None:
    await subscribe(storage, 100)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(
        latency=0.005,
        script=lambda chat, n: RetryLater(0.5) if chat == 1030 and n == 1 else None,
    )

    report = await fast(storage, sender, rate_per_second=500).run(broadcast_id)

    assert report.sent == 100 and sender.delivered[1030] == 1
    flooded = sender.starts_of(1030)[0]
    during = [t for t in sender.times() if flooded < t < flooded + 0.5]
    assert during == [], "nothing starts while Telegram's flood control is in force"
    assert any(t >= flooded + 0.5 for t in sender.times()), "and it carries on afterwards"
    assert sender.starts_of(1030)[1] >= flooded + 0.5


async def test_an_outage_pauses_everything_instead_of_failing_every_chat(
    storage: Storage,
) -> None:
    """While every send fails (network down), chats must not burn their retries one by one."""
    await subscribe(storage, 30)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    outage_ends: list[float] = []

    def script(chat: int, attempt: int) -> SendError | None:
        if not outage_ends:
            outage_ends.append(time.monotonic() + 0.5)
        return Transient("connection refused") if time.monotonic() < outage_ends[0] else None

    sender = FakeSender(script=script)
    engine = fast(storage, sender, rate_per_second=1000, max_retries=3, max_in_flight=4)

    report = await engine.run(broadcast_id)

    # Without the pause all 30 chats would fail 4 times within 0.15 s and be given up on.
    assert report.sent == 30 and report.failed == 0
    failed_attempts = sum(sender.attempts.values()) - 30
    assert failed_attempts <= 20


# ---------------------------------------------------------------------- pacing


async def test_sends_never_exceed_the_rate_in_any_second(storage: Storage) -> None:
    """300 recipients at 50 a second: about 6 s of sending, paced, several in flight."""
    await subscribe(storage, 300)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(latency=0.05)  # slower than the spacing: needs concurrency
    engine = BroadcastEngine(storage, sender, rate_per_second=50, per_chat_interval=1.0)

    report = await engine.run(broadcast_id)

    assert report.sent == 300
    times = sender.times()
    assert most_in_window(times) <= 50
    # Evenly spread, not in bursts (0.5 of the spacing leaves room for a stalled loop).
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.5 / 50
    assert sender.most_busy >= 2, "sends overlap, so latency does not cap the rate"


async def test_a_retried_chat_keeps_the_per_chat_interval(storage: Storage) -> None:
    await subscribe(storage, 30)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")

    def script(chat: int, attempt: int) -> SendError | None:
        if chat == 1007 and attempt <= 3:
            return Transient("500")
        if chat == 1008 and attempt == 1:
            return RetryLater(0.0)  # a zero retry_after must still respect the interval
        return None

    sender = FakeSender(script=script)
    engine = fast(storage, sender, rate_per_second=1000, per_chat_interval=0.2)

    report = await engine.run(broadcast_id)

    assert report.sent == 30
    for chat in (1007, 1008):
        starts, ends = sender.starts_of(chat), sender.ends[chat]
        assert len(starts) == (4 if chat == 1007 else 2)
        for n in range(1, len(starts)):
            assert starts[n] - ends[n - 1] >= 0.2
            assert starts[n] - starts[n - 1] >= 0.2


# ---------------------------------------------------------------------- crash and resume


async def test_a_crash_mid_broadcast_resumes_without_repeating_confirmed_sends(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    in_flight_limit = 10
    storage = await Storage.open(path)
    chats = await subscribe(storage, 1000)
    broadcast_id = await create_broadcast(storage, 7, "summary", "Quarterly update")
    before = FakeSender(latency=0.02)
    engine = BroadcastEngine(
        storage, before, rate_per_second=500, per_chat_interval=0, max_in_flight=in_flight_limit
    )

    running = asyncio.create_task(engine.run(broadcast_id))
    await before.after(400).wait()
    running.cancel()  # the process dies: no clean-up runs beyond task cancellation
    with pytest.raises(asyncio.CancelledError):
        await running
    await storage.close()

    # A new process: a new Storage and a new engine on the same file.
    storage = await Storage.open(path)
    try:
        at_crash = await states(storage, broadcast_id)
        in_flight = {chat for chat, state in at_crash.items() if state == "sending"}
        confirmed = {chat for chat, state in at_crash.items() if state == "sent"}
        assert 1 <= len(in_flight) <= in_flight_limit
        assert len(confirmed) >= 300
        assert (await broadcast_status(storage, broadcast_id)).status == "running"

        after = FakeSender(latency=0.002)
        resumed = await resume_unfinished(
            storage,
            lambda: BroadcastEngine(storage, after, rate_per_second=2000, per_chat_interval=0),
        )

        assert resumed == [broadcast_id]
        report = await broadcast_status(storage, broadcast_id)
        assert (report.status, report.sent, report.pending) == ("done", 1000, 0)
        assert not set(after.attempts) & confirmed, "a confirmed send is never repeated"
        delivered = before.delivered + after.delivered
        assert set(delivered) == set(chats), "everyone got it"
        started = before.attempts + after.attempts
        repeated = {chat for chat, n in started.items() if n > 1}
        assert repeated <= in_flight, "only deliveries in flight at the crash can repeat"
        assert len(repeated) <= in_flight_limit
        # Nothing is left for a second start-up to resume.
        assert await resume_unfinished(storage, lambda: pytest.fail("nothing to resume")) == []
    finally:
        await storage.close()


async def test_resume_sends_pending_and_running_and_leaves_done_and_cancelled_alone(
    storage: Storage,
) -> None:
    # Only done and cancelled are final: a pending broadcast was confirmed by a coordinator
    # and the process stopped before it started (issue 10, item 8), so it is sent too.
    await subscribe(storage, 3)
    ids = [await create_broadcast(storage, 7, "custom", f"Message {n}") for n in range(4)]
    await storage.execute("UPDATE broadcasts SET status = 'done' WHERE id = ?", (ids[1],))
    await storage.execute("UPDATE broadcasts SET status = 'cancelled' WHERE id = ?", (ids[2],))
    await storage.execute("UPDATE broadcasts SET status = 'running' WHERE id = ?", (ids[3],))
    sender = FakeSender()

    resumed = await resume_unfinished(storage, lambda: fast(storage, sender))

    assert resumed == [ids[0], ids[3]]
    assert sender.texts == {"Message 0", "Message 3"}


# ---------------------------------------------------------------------- cancel, guards


async def test_cancel_stops_soon_and_keeps_the_rest_pending(storage: Storage) -> None:
    await subscribe(storage, 200)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(latency=0.01)
    engine = BroadcastEngine(storage, sender, rate_per_second=100, per_chat_interval=0)

    running = asyncio.create_task(engine.run(broadcast_id))
    await sender.after(30).wait()
    assert await engine.cancel(broadcast_id) is True
    started_by_then = len(sender.starts)
    report = await running

    assert len(sender.starts) == started_by_then, "nothing starts once cancel() returns"
    assert report.status == "cancelled"
    assert report.sent == len(sender.delivered) and 0 < report.sent < 200
    assert report.pending == 200 - report.sent
    assert "sending" not in set((await states(storage, broadcast_id)).values())
    row = await storage.fetch_one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
    assert row is not None and row["status"] == "cancelled" and row["finished_at"]
    # Cancelled is final: running it again sends nothing, cancelling again says so.
    assert (await engine.run(broadcast_id)).status == "cancelled"
    assert len(sender.starts) == started_by_then
    assert await engine.cancel(broadcast_id) is False


async def test_a_broadcast_cancelled_before_it_starts_sends_nothing(storage: Storage) -> None:
    await subscribe(storage, 5)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender()
    engine = fast(storage, sender)

    assert await engine.cancel(broadcast_id) is True
    report = await engine.run(broadcast_id)

    assert (report.status, report.sent, report.pending) == ("cancelled", 0, 5)
    assert sender.starts == []


async def test_a_cancel_made_elsewhere_is_noticed(storage: Storage) -> None:
    """E.g. a coordinator cancels from the CLI while the bot is sending."""
    await subscribe(storage, 300)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender()
    running = asyncio.create_task(
        BroadcastEngine(storage, sender, rate_per_second=100, per_chat_interval=0).run(broadcast_id)
    )
    await sender.after(10).wait()

    assert await BroadcastEngine(storage, FakeSender()).cancel(broadcast_id) is True
    report = await asyncio.wait_for(running, timeout=10)

    assert report.status == "cancelled" and report.sent < 300


async def test_unknown_broadcasts_empty_messages_and_double_runs_are_refused(
    storage: Storage,
) -> None:
    await subscribe(storage, 50)
    engine = fast(storage, FakeSender(latency=0.01), rate_per_second=100)
    with pytest.raises(BroadcastError):
        await create_broadcast(storage, 7, "custom", "   ")
    with pytest.raises(BroadcastError):
        await engine.run(99)
    with pytest.raises(BroadcastError):
        await engine.cancel(99)
    with pytest.raises(BroadcastError):
        await broadcast_status(storage)  # none yet

    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    first = asyncio.create_task(engine.run(broadcast_id))
    await asyncio.sleep(0.05)
    with pytest.raises(BroadcastError, match="already"):
        await fast(storage, FakeSender()).run(broadcast_id)
    assert (await first).sent == 50
    assert issubclass(RetryLater, CspBotError), "boundaries catch one exception type"


async def test_a_chat_erased_during_the_broadcast_is_not_sent_to(storage: Storage) -> None:
    await subscribe(storage, 100)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender()
    running = asyncio.create_task(
        BroadcastEngine(storage, sender, rate_per_second=200, per_chat_interval=0).run(broadcast_id)
    )
    await sender.after(5).wait()
    await storage.forget_chat(1090)  # the resident's /forget
    report = await running

    assert 1090 not in sender.attempts
    assert report.total == 99 and report.sent == 99


async def test_residents_are_answered_while_a_broadcast_runs(storage: Storage) -> None:
    """Other database work gets its turn throughout, not only after the broadcast."""
    await subscribe(storage, 200)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    sender = FakeSender(latency=0.01)
    running = asyncio.create_task(
        BroadcastEngine(storage, sender, rate_per_second=200, per_chat_interval=0).run(broadcast_id)
    )
    await sender.after(1).wait()
    for _ in range(10):  # a resident asking questions meanwhile
        assert await storage.is_subscribed(1000)
        await storage.record_unanswered("when is the bin collection")
        await asyncio.sleep(0.005)
    assert not running.done(), "the resident was answered while sending went on"
    assert (await running).sent == 200


# ---------------------------------------------------------------------- reports


async def test_progress_is_reported_while_running(storage: Storage) -> None:
    await subscribe(storage, 150)
    broadcast_id = await create_broadcast(storage, 7, "custom", "Hello")
    seen: list[Progress] = []

    async def progress(report: Progress) -> None:
        seen.append(report)
        raise RuntimeError("a failing progress message must not stop the broadcast")

    engine = BroadcastEngine(
        storage,
        FakeSender(),
        rate_per_second=100,
        per_chat_interval=0,
        progress=progress,
        progress_every=0.3,
    )
    report = await engine.run(broadcast_id)

    assert report.sent == 150 and seen
    assert all(p.status == "running" and p.total == 150 for p in seen)
    assert [p.sent for p in seen] == sorted(p.sent for p in seen)
    assert seen[0].sent + seen[0].pending == 150


async def test_broadcast_status_reads_the_database(storage: Storage) -> None:
    await subscribe(storage, 10)
    first = await create_broadcast(storage, 7, "custom", "First")
    second = await create_broadcast(storage, 7, "custom", "Second")
    sender = FakeSender(script=lambda chat, n: Blocked("blocked") if chat == 1000 else None)
    await fast(storage, sender).run(second)

    latest = await broadcast_status(storage)
    assert latest.broadcast_id == second
    assert (latest.status, latest.total, latest.sent, latest.blocked) == ("done", 10, 9, 1)
    assert latest.finished
    # The first was never run: its snapshot waits, without the chat that blocked the bot
    # meanwhile (it was unsubscribed), and no time has passed.
    waiting = await broadcast_status(storage, first)
    assert (waiting.status, waiting.total, waiting.pending) == ("pending", 9, 9)
    assert (waiting.elapsed, waiting.rate, waiting.finished) == (0.0, 0.0, False)
    assert format_report(waiting).startswith("Broadcast 1 (not started): 0 of 9 sent")


def test_format_report_is_one_short_line() -> None:
    report = Report(
        broadcast_id=3,
        status="done",
        total=1000,
        sent=998,
        blocked=1,
        not_found=0,
        failed=1,
        pending=0,
        elapsed=41.2,
        rate=24.2,
    )
    assert format_report(report) == (
        "Broadcast 3: 998 of 1,000 sent, 1 blocked, 1 failed, 0 waiting; 41.2 s"
    )
    cancelled = Report(4, "cancelled", 2500, 40, 0, 2, 0, 2458, 400.0, 0.1)
    assert format_report(cancelled) == (
        "Broadcast 4 (cancelled): 40 of 2,500 sent, 2 not found, 2,458 waiting; 6 min 40 s"
    )
