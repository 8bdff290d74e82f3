"""Coordinators publish the summary and broadcast it, end to end through the fake Bot API."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.partners import partners as core
from bot.storage import Storage
from handlers import publishing
from tests.fakebotapi import FakeBotAPI
from tests.harness import running_bot

pytestmark = pytest.mark.e2e

COORD = 500
RESIDENT = 1001
SCRIPT = "<script>alert(1)</script> & <b>bold</b>"


async def seed_updates(db: Storage) -> None:
    """Approved updates for 2024-25 Q3, one with HTML in its narrative."""
    for org, priority, rag, narrative in [
        ("police", "asb", "green", "Extra patrols in Stapenhill. " + SCRIPT),
        ("esbc", "asb", "amber", "Two dispersal orders; CCTV upgraded."),
        ("police", "domestic-abuse", "red", "Referrals down; new training planned."),
    ]:
        update = await core.submit_update(db, org=org, priority=priority,
                                          period="2024-25 Q3", rag=rag, narrative=narrative,
                                          figures=[("ASB incidents", "480")], by=601)
        await core.approve(db, update.id, by=COORD)


def coordinator_bot(tmp_path: Path, api: FakeBotAPI | None = None,
                    **sections: dict[str, Any]) -> Any:
    sections.setdefault("residents", {"flood_messages": 200})
    return running_bot(tmp_path, api, coordinators=(COORD,), **sections)  # type: ignore[arg-type]


async def test_summary_preview_publish_and_progress(tmp_path: Path) -> None:
    async with coordinator_bot(tmp_path) as bot:
        await seed_updates(await bot.services.storage())
        bot.api.inject_message(COORD, "/summary 2024-25 Q3")
        sent = await bot.api.wait_until(
            lambda: any(m.kind == "document" for m in bot.api.messages(COORD)))
        assert sent
        texts = [m for m in bot.api.messages(COORD) if m.kind == "text"]
        whole = "\n".join(m.plain_text for m in texts)
        assert "Anti-social behaviour" in whole and "<script>" in whole, "shown as text"
        page = next(m for m in bot.api.messages(COORD) if m.kind == "document")
        assert page.document and b"&lt;script&gt;" in page.document
        assert b"<script>" not in page.document

        [done] = await bot.say(COORD, "/publish 2024-25 Q3")
        assert "version 1" in done.plain_text
        [done] = await bot.say(COORD, "/publish 2024-25 Q3")
        assert "version 2" in done.plain_text, "a later publish is a new version"

        replies = await bot.say(RESIDENT, "/progress")
        assert "Anti-social behaviour" in replies[0].plain_text
        assert "<script>" in replies[0].plain_text  # escaped: shown, never parsed


async def test_progress_before_anything_is_published(tmp_path: Path) -> None:
    async with coordinator_bot(tmp_path) as bot:
        [reply] = await bot.say(RESIDENT, "/progress")
        assert "not published" in reply.plain_text


async def test_residents_and_partners_cannot_publish_or_broadcast(tmp_path: Path) -> None:
    async with coordinator_bot(tmp_path) as bot:
        for command in ("/publish 2024-25", "/summary 2024-25", "/broadcast"):
            [reply] = await bot.say(RESIDENT, command)
            assert "Only partnership coordinators" in reply.plain_text
        db = await bot.services.storage()
        assert await db.fetch_value("SELECT COUNT(*) FROM published") == 0
        # A forged confirm button from a resident is answered and does nothing.
        bot.api.strict_callbacks = False
        qid = bot.api.inject_callback(RESIDENT, 1, "bc:y")
        await bot.api.wait_for_callback_answer(qid)
        assert await db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 0


async def test_broadcast_flow_sends_to_subscribers(tmp_path: Path) -> None:
    async with coordinator_bot(tmp_path) as bot:
        db = await bot.services.storage()
        await seed_updates(db)
        for chat in range(2000, 2010):
            bot.api.add_chat(chat)
            await db.subscribe(chat)
        await bot.say(COORD, "/publish 2024-25 Q3")
        [choose] = await bot.say(COORD, "/broadcast")
        preview = await bot.press(COORD, choose, "Latest published summary", count=2)
        assert "10" in preview[-1].plain_text
        bot.api.inject_callback(COORD, preview[-1].message_id,
                                preview[-1].callback_data("Confirm"), user_id=COORD)
        assert await bot.api.wait_until(
            lambda: all(bot.api.messages(c) for c in range(2000, 2010)), timeout=15)
        assert await bot.api.wait_until(
            lambda: any("Finished" in m.plain_text for m in bot.api.messages(COORD)),
            timeout=15)
        report = next(m for m in bot.api.messages(COORD) if "Finished" in m.plain_text)
        assert "10 of 10 sent" in report.plain_text
        got = bot.api.messages(2005)[0].plain_text
        assert "Anti-social behaviour" in got and "/progress" in got


async def test_custom_broadcast_and_cancel(tmp_path: Path) -> None:
    async with coordinator_bot(tmp_path) as bot:
        db = await bot.services.storage()
        bot.api.add_chat(3000)
        await db.subscribe(3000)
        [choose] = await bot.say(COORD, "/broadcast")
        [prompt] = await bot.press(COORD, choose, "A custom message", count=0)
        assert "Send the message" in prompt.plain_text
        preview = await bot.say(COORD, "Road closed <today> & tomorrow", count=2)
        assert preview[0].plain_text == "Road closed <today> & tomorrow"
        await bot.press(COORD, preview[-1], "Cancel", count=0)
        await asyncio.sleep(0)
        assert await db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 0
        assert not bot.api.messages(3000)


async def test_thousand_subscribers_faults_limits_kill_and_resume(tmp_path: Path) -> None:
    """1,000 subscribers, 429s, 403s and 500s injected, the bot killed mid-way and
    restarted: every live chat gets the message once (at most the in-flight few twice),
    blocked chats are unsubscribed, and Telegram's limits are never exceeded."""
    n = 1000
    chats = list(range(10_000, 10_000 + n))
    async with FakeBotAPI(require_known_chats=False) as api:
        blocked = chats[::97]
        for chat in blocked:
            api.block_chat(chat)
        api.fail_next("sendMessage", 500, count=5)
        api.fail_next("sendMessage", 429, retry_after=1, count=1)
        async with coordinator_bot(tmp_path, api, fast=False,
                                   broadcast={"rate_per_second": 30}) as bot:
            db = await bot.services.storage()
            await db.execute_many("INSERT INTO subscribers (chat_id, subscribed_at) "
                                  "VALUES (?, '2025-04-01T00:00:00+00:00')",
                                  [(c,) for c in chats])
            from bot.publishing import broadcast as engine

            bid = await engine.create_broadcast(db, COORD, "custom", "Progress is published.")
            task = publishing.start_broadcast(bot.app, bid, None)
            assert await api.wait_until(lambda: len(api.all_sent) >= 300, timeout=60)
            task.cancel()  # killed mid-broadcast
            await asyncio.gather(task, return_exceptions=True)
            confirmed = {r["chat_id"] for r in await db.fetch_all(
                "SELECT chat_id FROM broadcast_recipients WHERE state = 'sent'")}
            in_flight = {r["chat_id"] for r in await db.fetch_all(
                "SELECT chat_id FROM broadcast_recipients WHERE state = 'sending'")}
        async with coordinator_bot(tmp_path, api, fast=False,
                                   broadcast={"rate_per_second": 30}) as bot:
            db = await bot.services.storage()

            async def finished() -> bool:
                return (await engine.broadcast_status(db, bid)).status == "done"

            for _ in range(1200):
                if await finished():
                    break
                await asyncio.sleep(0.1)
            report = await engine.broadcast_status(db, bid)
            assert report.status == "done", engine.format_report(report)
            assert report.blocked == len(blocked)
            assert report.sent == n - len(blocked)
            for chat in blocked:
                assert not await db.is_subscribed(chat)
            # The coordinator who created it hears how the resumed broadcast ended.
            assert await api.wait_until(
                lambda: any("Finished" in m.plain_text for m in api.messages(COORD)))
        per_chat = Counter(m.chat_id for m in api.all_sent if m.chat_id != COORD)
        assert set(per_chat) == set(chats) - set(blocked)
        repeated = {c for c, k in per_chat.items() if k > 1}
        assert not repeated & confirmed, "no confirmed delivery is sent twice"
        assert repeated <= in_flight
        assert api.max_overall_rate() <= 30
        assert api.max_per_chat_rate() <= 1



async def test_scheduled_april_broadcast_once_with_reminder_the_day_before(
    tmp_path: Path,
) -> None:
    import datetime as dt

    schedule = {"schedule": {"month": 4, "day": 15, "time": "10:00"}}
    async with coordinator_bot(tmp_path, broadcast=schedule) as bot:
        db = await bot.services.storage()
        await seed_updates(db)
        bot.api.add_chat(4000)
        bot.api.add_chat(COORD)  # the coordinator has started the bot
        await db.subscribe(4000)
        assert await publishing.run_schedule(bot.app, dt.date(2025, 4, 14)) is None
        reminder = await bot.api.wait_for_messages(COORD, 1)
        assert "tomorrow" in reminder[-1].plain_text
        # Nothing published yet: the day passes without a broadcast.
        assert await publishing.run_schedule(bot.app, dt.date(2025, 4, 15)) is None
        await bot.say(COORD, "/publish 2024-25")
        year = dt.datetime.now(dt.UTC).year
        first = await publishing.run_schedule(bot.app, dt.date(year, 4, 15))
        assert first is not None
        assert await bot.api.wait_until(lambda: bool(bot.api.messages(4000)), timeout=10)
        assert await publishing.run_schedule(bot.app, dt.date(year, 4, 15)) is None, "once"
        assert await publishing.run_schedule(bot.app, dt.date(year, 5, 1)) is None
