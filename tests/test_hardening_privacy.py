"""Privacy and database trouble (issue 10, items 12, 13, 14 and 18).

What /privacy promises is checked by reading the SQLite file directly, as anyone holding a
copy of the database could.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.publishing import broadcast as engine
from bot.storage import Storage
from handlers.residents import PRIVACY
from tests.conftest import FakeClock
from tests.harness import RunningBot, running_bot

pytestmark = pytest.mark.e2e

PERSONAL = [
    "i am priya patel i live on shobnall road my son ahmed was arrested yesterday",
    "ring me back on seven seven double oh nine hundred",
    "My name is Gary Jones, email gary.jones@example.com, DE14 2EB, about quokkas",
]
# Words of those messages that identify someone or are a number.
IDENTIFYING = ["priya", "patel", "shobnall", "ahmed", "seven", "double", "hundred", "gary",
               "jones", "example", "de14", "2eb"]
SORRY = "Sorry, something went wrong"


def dump(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table, read with a connection of our own."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'")]
        return [(t, dict(row)) for t in tables for row in conn.execute(f"SELECT * FROM {t}")]
    finally:
        conn.close()


def rows_naming(path: Path, chat_id: int) -> list[tuple[str, dict[str, Any]]]:
    return [(t, row) for t, row in dump(path)
            if any(v == chat_id or (isinstance(v, str) and str(chat_id) in v)
                   for v in row.values())]


async def settle(bot: RunningBot) -> None:
    """Wait for background writes (unanswered counts) to reach the database."""
    flush = getattr(bot.services, "flush_pending", None)
    if flush is not None:
        await asyncio.wait_for(flush(), timeout=30)


async def unanswered(path: Path) -> list[dict[str, Any]]:
    return [row for table, row in dump(path) if table == "unanswered"]


async def test_unanswered_questions_keep_no_names_addresses_or_numbers(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with running_bot(tmp_path) as bot:
        not_understood = 0
        for i, text in enumerate(PERSONAL):
            [reply] = await bot.say(2001 + i, text)
            assert SORRY not in reply.plain_text
            # (A message the crisis rules take up is answered, not counted.)
            not_understood += reply.plain_text.startswith("Sorry, I'm not sure")
        await settle(bot)
        rows = await unanswered(db)
    assert not_understood >= 2
    assert sum(row["count"] for row in rows) == not_understood, "each is still counted"
    stored = " ".join(str(v) for _, row in dump(db) for v in row.values()).lower()
    for word in IDENTIFYING:
        assert word not in stored, f"{word!r} was stored"
    kept = " ".join(row["normalised"] for row in rows)
    assert "quokkas" in kept, "the gap in the knowledge base is still reported"


async def test_privacy_says_exactly_what_is_stored_and_forget_removes_it(
        tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    chat = 3001
    async with running_bot(tmp_path) as bot:
        [policy] = await bot.say(chat, "/privacy")
        await bot.say(chat, "/subscribe")
        await bot.say(chat, "how do I report fly tipping")
        await bot.say(chat, PERSONAL[0])
        await settle(bot)
        # Stored about this chat: its subscription (chat id and date), nothing else.
        named = rows_naming(db, chat)
        assert [t for t, _ in named] == ["subscribers"], named
        assert set(named[0][1]) == {"chat_id", "subscribed_at"}
        # The question is kept without the chat, as a few words, not the message.
        rows = await unanswered(db)
        assert [r["count"] for r in rows] == [1]
        assert set(rows[0]) == {"normalised", "count", "first_seen", "last_seen"}
        assert not any(word in rows[0]["normalised"] for word in IDENTIFYING)
        await bot.say(chat, "/forget")
        assert rows_naming(db, chat) == [], "/forget leaves nothing naming the chat"
        assert await unanswered(db) == rows, "anonymous counts are not the chat's"
    text = policy.plain_text
    assert text == PRIVACY
    for promise in ["chat id", "12 months", "no chat id", "/forget removes",
                    "/unsubscribe", "never the message itself"]:
        assert promise in text, promise
    assert "not stored" not in text.lower() or "never the message itself" in text


async def test_unsubscribe_takes_the_chat_id_out_of_broadcast_records(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with running_bot(tmp_path) as bot:
        await bot.say(4001, "/subscribe")
        await bot.say(4002, "/subscribe")
        storage = await bot.services.storage()
        done = await engine.create_broadcast(storage, 0, "custom", "hello")
        await storage.execute("UPDATE broadcast_recipients SET state = 'sent'")
        await storage.execute("UPDATE broadcasts SET status = 'done' WHERE id = ?", (done,))
        waiting = await engine.create_broadcast(storage, 0, "custom", "again")
        before = await engine.broadcast_status(storage, done)
        await bot.say(4001, "/unsubscribe")
        assert rows_naming(db, 4001) == []
        after = await engine.broadcast_status(storage, done)
        assert (after.sent, after.total) == (before.sent, before.total) == (2, 2)
        assert (await engine.broadcast_status(storage, waiting)).total == 1
        assert rows_naming(db, 4002), "other subscribers are untouched"


async def test_a_blocked_chat_is_anonymised_in_the_delivery_records(clock: FakeClock) -> None:
    async with Storage.open(":memory:", clock=clock) as storage:
        await storage.subscribe(5001)
        broadcast = await engine.create_broadcast(storage, 0, "custom", "hello")
        # What the engine does on a 403: record "blocked" and unsubscribe, together.
        async with storage.transaction():
            await storage.execute("UPDATE broadcast_recipients SET state = 'blocked'")
            await storage.unsubscribe(5001)
        rows = await storage.fetch_all("SELECT chat_id, state FROM broadcast_recipients")
        assert [r["state"] for r in rows] == ["blocked"]
        assert all(r["chat_id"] != 5001 for r in rows)
        assert (await engine.broadcast_status(storage, broadcast)).blocked == 1


async def test_a_send_in_flight_at_unsubscribe_is_anonymised_by_the_daily_purge(
        clock: FakeClock) -> None:
    async with Storage.open(":memory:", clock=clock) as storage:
        await storage.subscribe(5002)
        await engine.create_broadcast(storage, 0, "custom", "hello")
        await storage.execute("UPDATE broadcast_recipients SET state = 'sending'")
        await storage.unsubscribe(5002)
        await storage.execute("UPDATE broadcast_recipients SET state = 'sent'")
        await storage.purge_expired()
        ids = await storage.fetch_all("SELECT chat_id FROM broadcast_recipients")
        assert len(ids) == 1 and ids[0]["chat_id"] != 5002


async def test_the_unanswered_purge_runs_every_day(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with running_bot(tmp_path) as bot:
        assert bot.app.job_queue is not None
        [job] = bot.app.job_queue.get_jobs_by_name("privacy-purge")
        assert job.job.trigger.interval == timedelta(days=1)
        storage = await bot.services.storage()
        clock = FakeClock(datetime.now(UTC))
        storage.clock = clock
        await storage.record_unanswered("drones")
        clock.advance(days=364)
        await job.run(bot.app)
        assert len(await unanswered(db)) == 1, "kept for 12 months"
        clock.advance(days=2)
        await job.run(bot.app)
        assert await unanswered(db) == [], "deleted after 12 months, without a restart"


# --------------------------------------------------------------------------- item 18


async def test_a_locked_database_delays_no_answer(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    async with running_bot(tmp_path) as bot:
        storage = await bot.services.storage()
        await storage.execute("PRAGMA busy_timeout = 200")  # fail fast; the real one is 5 s
        bot.services.unanswered_retry_seconds = 0.1
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            chats = range(6001, 6007)
            for chat in chats:
                bot.api.inject_message(chat, "blorft snazzle wumpus")
            for chat in chats:
                [reply] = await bot.api.wait_for_messages(chat, 1, timeout=30)
                assert SORRY not in reply.plain_text and "999" in reply.plain_text
            [busy] = await bot.say(6001, "/subscribe")
            assert "try again" in busy.plain_text.lower() and SORRY not in busy.plain_text
            assert other.in_transaction, "all answered while the lock was still held"
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(bot)
        rows = await unanswered(db)
        assert sum(r["count"] for r in rows) == 6, "the counts are written once it can"


async def test_a_read_only_database_still_answers(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        storage = await bot.services.storage()
        await storage.execute("PRAGMA query_only = ON")  # every write now fails
        bot.services.unanswered_retry_seconds = 3600
        [reply] = await bot.say(7001, "blorft snazzle wumpus")
        assert SORRY not in reply.plain_text
        for command in ["/subscribe", "/unsubscribe", "/forget"]:
            [answer] = await bot.say(7001, command)
            assert "try again later" in answer.plain_text.lower(), (command, answer.plain_text)
            assert SORRY not in answer.plain_text
        await storage.execute("PRAGMA query_only = OFF")


# --------------------------------------------------------------------------- item 11


async def test_the_april_broadcast_fires_at_london_time_across_the_clock_change(
        tmp_path: Path) -> None:
    """00:30 on 1 April is 23:30 UTC on 31 March in summer time: the job must fire then,
    and see 1 April as today."""
    schedule = {"schedule": {"month": 4, "day": 1, "time": "00:30"}}
    async with running_bot(tmp_path, coordinators=[42], broadcast=schedule) as bot:
        assert bot.config.timezone == "Europe/London"
        assert bot.app.job_queue is not None
        [job] = bot.app.job_queue.get_jobs_by_name("april-broadcast")
        trigger = job.job.trigger
        winter = trigger.get_next_fire_time(None, datetime(2025, 3, 29, 12, tzinfo=UTC))
        summer = trigger.get_next_fire_time(None, datetime(2025, 3, 31, 12, tzinfo=UTC))
        assert winter.astimezone(UTC) == datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
        assert summer.astimezone(UTC) == datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
        # The job runs at that instant (23:30 UTC on 31 March) and broadcasts.
        storage = await bot.services.storage()
        storage.clock = FakeClock(datetime(2025, 3, 31, 23, 30, tzinfo=UTC))
        await storage.execute(
            "INSERT INTO published (period, version, published_at, published_by, text, "
            "markdown, html) VALUES ('2024-25', 1, '2025-03-30T10:00:00+00:00', 42, "
            "'Progress', 'Progress', '<p>Progress</p>')")
        await job.run(bot.app)
        count = await storage.fetch_value(
            "SELECT COUNT(*) FROM broadcasts WHERE kind = 'scheduled'")
        assert count == 1, "1 April in London is the scheduled day"


async def test_partner_reminders_follow_the_configured_zone(tmp_path: Path) -> None:
    from tests.fakebotapi import FakeBotAPI
    from tests.harness import make_config, start_app, stop_app

    async with FakeBotAPI() as api:
        config = make_config(api, tmp_path / "bot.sqlite3")
        config = config.model_copy(update={"timezone": "America/New_York"})
        app = await start_app(config)
        try:
            assert app.job_queue is not None
            [job] = app.job_queue.get_jobs_by_name("partner-reminders")
            fire = job.job.trigger.get_next_fire_time(None, datetime(2025, 7, 1, tzinfo=UTC))
        finally:
            await stop_app(app)
    assert fire.utcoffset() == timedelta(hours=-4), "09:00 in New York, summer time"
    assert (fire.hour, fire.minute) == (9, 0)
