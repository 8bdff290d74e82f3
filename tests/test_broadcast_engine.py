"""The broadcast engine on its own: pacing, outcomes, crash and resume (no Telegram)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.broadcast import (
    Blocked,
    BroadcastEngine,
    ChatNotFound,
    Rejected,
    RetryLater,
    Transient,
    broadcast_status,
    create_broadcast,
    format_report,
    resume_unfinished,
)
from bot.errors import BroadcastError
from bot.storage import Storage


class FakeSender:
    """Records every attempt; raises what a test scripts for given chats."""

    def __init__(self, delay: float = 0.0) -> None:
        self.attempts: list[tuple[int, float]] = []
        self.delivered: Counter[int] = Counter()
        self.script: dict[int, list[Exception]] = {}
        self.always: dict[int, Exception] = {}
        self.delay = delay
        self.progressed = asyncio.Event()

    async def until_delivered(self, n: int) -> None:
        while len(self.delivered) < n:
            self.progressed.clear()
            await self.progressed.wait()

    async def __call__(self, chat_id: int, text: str) -> None:
        self.attempts.append((chat_id, time.monotonic()))
        if self.delay:
            await asyncio.sleep(self.delay)
        if chat_id in self.always:
            raise self.always[chat_id]
        queued = self.script.get(chat_id)
        if queued:
            raise queued.pop(0)
        self.delivered[chat_id] += 1
        self.progressed.set()


def max_in_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


async def subscribed(path: Path, n: int) -> Storage:
    db = await Storage.open(path)
    await db.execute_many("INSERT INTO subscribers (chat_id, subscribed_at) VALUES (?, ?)",
                          [(1000 + i, "2025-04-01T00:00:00+00:00") for i in range(n)])
    return db


async def test_every_subscriber_gets_exactly_one(tmp_path: Path) -> None:
    db = await subscribed(tmp_path / "b.sqlite3", 1000)
    bid = await create_broadcast(db, 1, "custom", "Hello")
    sender = FakeSender()
    report = await BroadcastEngine(db, sender, rate_per_second=5000,
                                   per_chat_interval=0).run(bid)
    assert report.sent == 1000 and report.total == 1000 and report.status == "done"
    assert set(sender.delivered.values()) == {1} and len(sender.delivered) == 1000
    await db.close()


async def test_outcomes_blocked_not_found_retry_and_fail(tmp_path: Path) -> None:
    db = await subscribed(tmp_path / "b.sqlite3", 10)
    bid = await create_broadcast(db, 1, "custom", "Hello")
    sender = FakeSender()
    sender.always[1000] = Blocked("Forbidden: bot was blocked by the user")
    sender.always[1001] = ChatNotFound("Chat not found")
    sender.script[1002] = [Transient("500"), Transient("timeout")]
    sender.always[1003] = Transient("500")
    sender.always[1004] = Rejected("message is too long")
    engine = BroadcastEngine(db, sender, rate_per_second=1000, per_chat_interval=0.01,
                             max_retries=3, backoff_base=0.01)
    report = await engine.run(bid)
    assert (report.sent, report.blocked, report.not_found, report.failed) == (6, 1, 1, 2)
    assert not await db.is_subscribed(1000), "a blocked chat is unsubscribed"
    assert sender.delivered[1002] == 1, "a transient error is retried until it goes through"
    assert sum(1 for c, _ in sender.attempts if c == 1003) == 3, "max_retries attempts"
    assert sum(1 for c, _ in sender.attempts if c == 1004) == 1, "rejections are not retried"
    text = format_report(await broadcast_status(db))
    assert "6 of 10 sent, 1 blocked, 1 chat not found, 2 failed, 0 waiting" in text
    await db.close()


async def test_429_pauses_all_sending(tmp_path: Path) -> None:
    db = await subscribed(tmp_path / "b.sqlite3", 60)
    bid = await create_broadcast(db, 1, "custom", "Hello")
    sender = FakeSender()
    sender.script[1010] = [RetryLater(0.5)]
    report = await BroadcastEngine(db, sender, rate_per_second=200, per_chat_interval=0,
                                   in_flight=1).run(bid)
    assert report.sent == 60
    fail_at = next(t for c, t in sender.attempts if c == 1010)
    after = [t for c, t in sender.attempts if t > fail_at]
    assert after and min(after) - fail_at >= 0.45, "nothing is sent during retry_after"
    assert sender.delivered[1010] == 1
    await db.close()


async def test_rate_and_per_chat_limits_hold(tmp_path: Path) -> None:
    db = await subscribed(tmp_path / "b.sqlite3", 150)
    bid = await create_broadcast(db, 1, "custom", "Hello")
    sender = FakeSender(delay=0.02)
    sender.script[1005] = [Transient("500"), Transient("500")]
    report = await BroadcastEngine(db, sender, rate_per_second=50, per_chat_interval=0.4,
                                   backoff_base=0.01).run(bid)
    assert report.sent == 150
    assert max_in_window([t for _, t in sender.attempts]) <= 50
    retried = [t for c, t in sender.attempts if c == 1005]
    assert len(retried) == 3
    assert all(b - a >= 0.4 - 1e-3 for a, b in zip(retried, retried[1:], strict=False))
    await db.close()


async def test_crash_and_resume_never_repeats_a_confirmed_delivery(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    db = await subscribed(path, 1000)
    bid = await create_broadcast(db, 1, "summary", "Progress")
    sender = FakeSender(delay=0.005)
    engine = BroadcastEngine(db, sender, rate_per_second=2000, per_chat_interval=0,
                             in_flight=8)
    task = asyncio.create_task(engine.run(bid))
    await sender.until_delivered(400)
    task.cancel()  # the bot is killed mid-broadcast
    with pytest.raises(asyncio.CancelledError):
        await task
    confirmed = {r["chat_id"] for r in await db.fetch_all(
        "SELECT chat_id FROM broadcast_recipients WHERE state = 'sent'")}
    in_flight = {r["chat_id"] for r in await db.fetch_all(
        "SELECT chat_id FROM broadcast_recipients WHERE state = 'sending'")}
    await db.close()

    db = await Storage.open(path)  # a new process: new engine, same database
    assert (await broadcast_status(db, bid)).status == "running"
    resumed = await resume_unfinished(
        db, lambda s: BroadcastEngine(s, sender, rate_per_second=2000, per_chat_interval=0))
    assert resumed == [bid]
    report = await broadcast_status(db, bid)
    assert report.sent == 1000 and report.status == "done"
    assert len(sender.delivered) == 1000
    repeated = {c for c, n in sender.delivered.items() if n > 1}
    assert not repeated & confirmed, "a confirmed delivery is never sent again"
    assert repeated <= in_flight and len(in_flight) <= 8
    await db.close()


async def test_cancel_stops_and_keeps_the_rest_pending(tmp_path: Path) -> None:
    db = await subscribed(tmp_path / "b.sqlite3", 200)
    bid = await create_broadcast(db, 1, "custom", "Hello")
    sender = FakeSender()
    engine = BroadcastEngine(db, sender, rate_per_second=100, per_chat_interval=0)
    task = asyncio.create_task(engine.run(bid))
    await sender.until_delivered(20)
    await engine.cancel(bid)
    report = await task
    assert report.status == "cancelled" and 0 < report.sent < 200 and report.pending > 0
    await db.close()


async def test_empty_message_and_unknown_broadcast_refused(tmp_path: Path) -> None:
    db = await subscribed(tmp_path / "b.sqlite3", 1)
    with pytest.raises(BroadcastError):
        await create_broadcast(db, 1, "custom", "  ")
    with pytest.raises(BroadcastError):
        await broadcast_status(db, 99)
    await db.close()
