"""Broadcasts under abuse, double taps and crashes (issue 10, items 7, 8, 10 and 19).

The engine tests use a fake sender; the others run the real application against the fake
Bot API over HTTP. Spacing is checked as a lower bound the bot itself must wait out, so a
slow machine can only make the gaps longer, never fail the test.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from bot.partners import partners as core
from bot.publishing import broadcast as engine
from bot.publishing.broadcast import BroadcastEngine, create_broadcast, resume_unfinished
from bot.storage import Storage
from handlers import publishing
from tests.fakebotapi import FakeBotAPI, SentMessage
from tests.harness import RunningBot, running_bot

COORD = 500
FIRST = 7000


async def subscribe(db: Storage, count: int, api: FakeBotAPI | None = None) -> list[int]:
    chats = list(range(FIRST, FIRST + count))
    await db.execute_many("INSERT INTO subscribers (chat_id, subscribed_at) "
                          "VALUES (?, '2025-04-01T09:00:00+00:00')", [(c,) for c in chats])
    if api is not None:
        for chat in chats:
            api.add_chat(chat)
    return chats


# --------------------------------------------------------------------------- item 19


async def test_a_resumed_broadcast_keeps_the_per_chat_interval(tmp_path: Path) -> None:
    """Killed with sends in flight and restarted at once: the in-flight chats get their
    repeat no sooner than the per-chat interval after the first copy."""
    interval = 0.5
    path = tmp_path / "bot.sqlite3"
    storage = await Storage.open(path)
    await subscribe(storage, 60)
    broadcast_id = await create_broadcast(storage, COORD, "custom", "Hello")
    first: dict[int, float] = {}
    in_flight: set[int] = set()

    async def dying(chat_id: int, text: str) -> None:
        first[chat_id] = time.monotonic()
        if chat_id % 3 == 0:  # these never come back: in flight when the process dies
            in_flight.add(chat_id)
            await asyncio.Event().wait()

    before = BroadcastEngine(storage, dying, rate_per_second=1000,
                             per_chat_interval=interval, max_in_flight=20)
    running = asyncio.create_task(before.run(broadcast_id))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while len(in_flight) < 15:
        assert loop.time() < deadline, "the first run never got going"
        await asyncio.sleep(0.01)
    running.cancel()  # kill -9: nothing else runs
    await asyncio.gather(running, return_exceptions=True)
    # In flight is what the database still holds as being sent when the process died: the
    # senders that never return, and any whose send returned a moment before the kill but
    # whose "sent" was not yet written. Both must be sent again; nothing else may be.
    rows = await storage.fetch_all(
        "SELECT chat_id FROM broadcast_recipients WHERE broadcast_id = ? AND state = 'sending'",
        (broadcast_id,))
    unconfirmed = {int(row["chat_id"]) for row in rows} & set(first)
    assert in_flight <= unconfirmed, "a send that never returned was recorded as sent"
    await storage.close()

    storage = await Storage.open(path)  # restarted straight away
    try:
        again: list[tuple[int, float]] = []

        async def sender(chat_id: int, text: str) -> None:
            again.append((chat_id, time.monotonic()))

        resumed = await resume_unfinished(storage, lambda: BroadcastEngine(
            storage, sender, rate_per_second=1000, per_chat_interval=interval))
        assert resumed == [broadcast_id]
        repeats = [(chat, at) for chat, at in again if chat in first]
        assert {chat for chat, _ in repeats} == unconfirmed, "only the in-flight chats repeat"
        for chat, at in repeats:
            assert at - first[chat] >= interval, f"chat {chat} got its repeat too soon"
        assert (await engine.broadcast_status(storage, broadcast_id)).sent == 60
    finally:
        await storage.close()


# --------------------------------------------------------------------------- end to end


def coordinator_bot(tmp_path: Path, api: FakeBotAPI | None = None,
                    **sections: dict[str, Any]) -> Any:
    sections.setdefault("residents", {"flood_messages": 200})
    return running_bot(tmp_path, api, coordinators=(COORD,), **sections)  # type: ignore[arg-type]


async def custom_preview(bot: RunningBot, text: str) -> SentMessage:
    """/broadcast, A custom message, ``text``: returns the Confirm/Cancel message."""
    [choose] = await bot.say(COORD, "/broadcast")
    await bot.press(COORD, choose, "A custom message", count=0)
    preview = await bot.say(COORD, text, count=2)
    assert preview[0].plain_text == text
    return preview[-1]


def got(api: FakeBotAPI, chats: list[int], text: str) -> bool:
    return all(any(m.plain_text == text for m in api.messages(c)) for c in chats)


def finished(api: FakeBotAPI) -> list[SentMessage]:
    return [m for m in api.messages(COORD) if m.plain_text.startswith("Finished.")]


@pytest.mark.e2e
async def test_an_old_confirm_button_never_sends_a_newer_draft(tmp_path: Path) -> None:
    """Item 7: preview A, start B, press A's Confirm: refused, nothing sent; B's Confirm
    sends B."""
    async with coordinator_bot(tmp_path) as bot:
        db = await bot.services.storage()
        chats = await subscribe(db, 3, bot.api)
        old = await custom_preview(bot, "Message A")
        new = await custom_preview(bot, "Message B")

        qid = bot.api.inject_callback(COORD, old.message_id, old.callback_data("Confirm"),
                                      user_id=COORD)
        answer = await bot.api.wait_for_callback_answer(qid)
        assert "out of date" in answer.get("text", "")
        assert await db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 0
        assert not any(bot.api.messages(c) for c in chats)

        bot.api.inject_callback(COORD, new.message_id, new.callback_data("Confirm"),
                                user_id=COORD)
        assert await bot.api.wait_until(lambda: bool(finished(bot.api)), timeout=15)
        assert got(bot.api, chats, "Message B")
        assert not any(m.plain_text == "Message A" for c in chats for m in bot.api.messages(c))


@pytest.mark.e2e
async def test_a_failed_edit_after_confirm_still_sends_the_broadcast(tmp_path: Path) -> None:
    """Item 8: the "started" edit fails (the preview was deleted, Telegram had a moment):
    the broadcast is sent all the same, and Confirm again does not send it twice."""
    async with coordinator_bot(tmp_path) as bot:
        db = await bot.services.storage()
        chats = await subscribe(db, 3, bot.api)
        preview = await custom_preview(bot, "Road closed tomorrow")
        bot.api.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
        data = preview.callback_data("Confirm")
        bot.api.inject_callback(COORD, preview.message_id, data, user_id=COORD)
        assert await bot.api.wait_until(lambda: bool(finished(bot.api)), timeout=15)
        assert got(bot.api, chats, "Road closed tomorrow")
        assert "3 of 3 sent" in finished(bot.api)[0].plain_text
        texts = [m.plain_text for m in bot.api.messages(COORD)]
        assert any("Broadcast 1 started" in t for t in texts), "told, in a new message"
        assert not any("Sorry" in t for t in texts)

        bot.api.strict_callbacks = False  # the button may be gone by now; a client retries
        qid = bot.api.inject_callback(COORD, preview.message_id, data, user_id=COORD)
        answer = await bot.api.wait_for_callback_answer(qid)
        assert "already on its way" in answer.get("text", "")
        assert await db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 1
        assert all(len(bot.api.messages(c)) == 1 for c in chats), "sent once"
        assert [e.action for e in await core.audit_log(db)] == ["broadcast"]


@pytest.mark.e2e
async def test_a_double_tap_on_confirm_sends_once(tmp_path: Path) -> None:
    """Two presses of one Confirm, handled at once: one broadcast, one copy each."""
    async with coordinator_bot(tmp_path) as bot:
        db = await bot.services.storage()
        chats = await subscribe(db, 3, bot.api)
        preview = await custom_preview(bot, "Once only")
        data = preview.callback_data("Confirm")
        first = bot.api.inject_callback(COORD, preview.message_id, data, user_id=COORD)
        second = bot.api.inject_callback(COORD, preview.message_id, data, user_id=COORD)
        await bot.api.wait_for_callback_answer(first)
        await bot.api.wait_for_callback_answer(second)
        assert await bot.api.wait_until(lambda: bool(finished(bot.api)), timeout=15)
        assert await db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 1
        assert all(len(bot.api.messages(c)) == 1 for c in chats)
        assert len(finished(bot.api)) == 1


@pytest.mark.e2e
async def test_a_broadcast_left_by_a_crash_is_resumed_with_progress_and_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Items 8 and 10: after a restart, a broadcast confirmed but never started (pending)
    and one interrupted mid-way (running) are both sent, and the coordinator who confirmed
    them gets progress notes and a final report for each."""
    monkeypatch.setattr(publishing, "PROGRESS_EVERY", 0.3)
    async with FakeBotAPI() as api:
        api.add_chat(COORD)
        async with coordinator_bot(tmp_path, api) as bot:
            db = await bot.services.storage()
            chats = await subscribe(db, 8, api)
            # The process died between creating and starting this one...
            never_started = await create_broadcast(db, COORD, "custom", "First message")
            # ...and in the middle of this one: 3 sent, 2 in flight, 3 not yet tried.
            interrupted = await create_broadcast(db, COORD, "custom", "Second message")
            await db.execute("UPDATE broadcasts SET status = 'running', started_at = ? "
                             "WHERE id = ?", (db.now_iso(), interrupted))
            for chat, state in zip(chats[:5], ["sent"] * 3 + ["sending"] * 2, strict=True):
                await db.execute("UPDATE broadcast_recipients SET state = ?, attempts = 1 "
                                 "WHERE broadcast_id = ? AND chat_id = ?",
                                 (state, interrupted, chat))
        async with coordinator_bot(tmp_path, api, broadcast={"rate_per_second": 5}) as bot:
            assert await api.wait_until(lambda: len(finished(api)) == 2, timeout=30)
            db = await bot.services.storage()
            for broadcast_id in (never_started, interrupted):
                report = await engine.broadcast_status(db, broadcast_id)
                assert (report.status, report.sent) == ("done", 8)
        assert got(api, chats, "First message")
        assert got(api, chats[3:], "Second message")
        assert not any(m.plain_text == "Second message" for c in chats[:3]
                       for m in api.messages(c)), "a confirmed delivery is never repeated"
        texts = [m.plain_text for m in api.messages(COORD)]
        assert any(t.startswith("Progress: Broadcast") for t in texts)
        reports = [t for t in texts if t.startswith("Finished.")]
        assert f"Broadcast {never_started}: 8 of 8 sent" in reports[0]
        assert f"Broadcast {interrupted}: 8 of 8 sent" in reports[1]
