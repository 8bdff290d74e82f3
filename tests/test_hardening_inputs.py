"""Inputs other than plain text in a private chat: media, captions, edits and group chats.

The real application runs against the strict fake Bot API over HTTP (tests/harness.py).
"""

from __future__ import annotations

import asyncio
import copy
import re
import time
from pathlib import Path
from typing import Any

import pytest

from bot.partners import partners as core
from tests.harness import RunningBot
from tests.test_e2e_partners import COORD, bot_with_coordinator, join, to_narrative

pytestmark = pytest.mark.e2e

RESIDENT = 1001
PARTNER = 601
OTHER = 602
GROUP = -4001


def media_message(api: Any, chat_id: int, user_id: int, **fields: Any) -> dict[str, Any]:
    """Queue a non-text message (photo, voice, location ...) and return the update."""
    chat = api.chats.get(chat_id) or api.add_chat(chat_id)
    message = {
        "message_id": api._allocate_message_id(chat_id),
        "from": {"id": user_id, "is_bot": False, "first_name": "Resident"},
        "chat": chat,
        "date": int(time.time()),
        **fields,
    }
    return dict(api.inject_update({"message": message}))


def edit(api: Any, original: dict[str, Any], new_text: str) -> None:
    """Queue an edit of a message the user sent earlier."""
    message = copy.deepcopy(original["message"])
    message["text"] = new_text
    message["edit_date"] = int(time.time()) + 1
    if new_text.startswith("/"):
        command = new_text.split(maxsplit=1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    else:
        message.pop("entities", None)
    api.inject_update({"edited_message": message})


async def settle(bot: RunningBot) -> None:
    """Let anything the bot was going to send arrive (negative checks only)."""
    await asyncio.sleep(0.4)


PHOTO = [{"file_id": "AgAD-photo", "file_unique_id": "p1", "width": 90, "height": 90}]


# --------------------------------------------------------------------------- item 15


async def test_photo_caption_in_danger_gets_the_emergency_reply(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        media_message(bot.api, RESIDENT, RESIDENT, photo=PHOTO,
                      caption="someone is following me what do i do")
        [reply] = await bot.api.wait_for_messages(RESIDENT, 1)
        assert "999" in reply.plain_text
        assert reply.plain_text.startswith("If you or someone else is in danger now")


async def test_photo_caption_question_is_answered_like_text(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        media_message(bot.api, RESIDENT, RESIDENT, photo=PHOTO,
                      caption="how do I report anti-social behaviour")
        [reply] = await bot.api.wait_for_messages(RESIDENT, 1)
        assert "101" in reply.plain_text


@pytest.mark.parametrize("fields", [
    {"voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3}},
    {"location": {"latitude": 52.8, "longitude": -1.64}},
    {"contact": {"phone_number": "+440000", "first_name": "Sam"}},
    {"sticker": {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 512,
                 "height": 512, "is_animated": False, "is_video": False}},
    {"photo": PHOTO},
], ids=["voice", "location", "contact", "sticker", "photo-without-caption"])
async def test_other_media_get_a_short_reply_with_the_emergency_line(
    tmp_path: Path, fields: dict[str, Any],
) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        media_message(bot.api, RESIDENT, RESIDENT, **fields)
        [reply] = await bot.api.wait_for_messages(RESIDENT, 1)
        assert "text" in reply.plain_text and "999" in reply.plain_text
        await settle(bot)
        assert len(bot.api.messages(RESIDENT)) == 1


# --------------------------------------------------------------------------- item 16


async def invite_code(bot: RunningBot, org: str = "police") -> str:
    [reply] = await bot.say(COORD, f"/invite {org}")
    found = re.search(r"/register (\S+)", reply.plain_text)
    assert found
    return found.group(1)


async def test_an_edited_register_command_registers_nobody(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        used = await invite_code(bot)
        fresh = await invite_code(bot, "trent-dove")
        sent = bot.api.inject_message(PARTNER, f"/register {used}")
        [welcome] = await bot.api.wait_for_messages(PARTNER, 1)
        assert "registered as a partner" in welcome.plain_text
        # The same person edits the command to another code; and someone else's edit too.
        edit(bot.api, sent, f"/register {fresh}")
        other = bot.api.inject_message(OTHER, "/start")
        await bot.api.wait_for_messages(OTHER, 1)
        edit(bot.api, other, f"/register {fresh}")
        await settle(bot)
        db = await bot.services.storage()
        members = await core.list_members(db)
        assert [(m.user_id, m.org) for m in members] == [(PARTNER, "police")]
        [refused] = await bot.say(OTHER, f"/register {fresh}")
        assert "registered as a partner" in refused.plain_text, "the fresh code still works"


async def test_an_edited_update_command_does_not_restart_the_flow(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        await to_narrative(bot, PARTNER)
        before = len(bot.api.messages(PARTNER))
        sent = bot.api.inject_message(PARTNER, "Extra patrols.")
        await bot.api.wait_for_messages(PARTNER, before + 1)  # the figures prompt
        edit(bot.api, sent, "/update")
        await settle(bot)
        new = bot.api.messages(PARTNER)[before + 1:]
        assert all("Step 1 of 5" not in m.plain_text for m in new)
        assert all("Step 5 of 5" not in m.plain_text for m in new)
        [preview] = await bot.say(PARTNER, "ASB incidents: 480")
        assert "Preview" in preview.plain_text and "Extra patrols." in preview.plain_text


async def test_an_edited_question_is_answered_again_but_not_counted_twice(
    tmp_path: Path,
) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        sent = bot.api.inject_message(RESIDENT, "xyzzy plugh frobnicate")
        await bot.api.wait_for_messages(RESIDENT, 1)
        db = await bot.services.storage()
        counted = await db.fetch_all("SELECT * FROM unanswered")
        edit(bot.api, sent, "how do I report anti-social behaviour")
        [_, answer] = await bot.api.wait_for_messages(RESIDENT, 2)
        assert "101" in answer.plain_text
        edit(bot.api, sent, "xyzzy plugh frobnicate")
        await bot.api.wait_for_messages(RESIDENT, 3)
        assert await db.fetch_all("SELECT * FROM unanswered") == counted


# --------------------------------------------------------------------------- item 17


async def test_subscribe_and_forget_in_a_group_only_work_in_private(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        db = await bot.services.storage()
        await db.subscribe(GROUP)
        for command in ("/subscribe", "/unsubscribe", "/forget"):
            before = len(bot.api.messages(GROUP))
            bot.api.inject_message(GROUP, command, user_id=RESIDENT)
            [reply] = (await bot.api.wait_for_messages(GROUP, before + 1))[before:]
            assert "private chat" in reply.plain_text, command
        assert await db.is_subscribed(GROUP), "a group member could not unsubscribe the group"
        await db.unsubscribe(GROUP)
        # Nor with the menu's buttons.
        [menu] = await bot.say(GROUP, "/start", user_id=RESIDENT)
        qid = bot.api.inject_callback(GROUP, menu.message_id, "m:subscribe", user_id=RESIDENT)
        answer = await bot.api.wait_for_callback_answer(qid)
        assert "private chat" in answer.get("text", "")
        bot.api.strict_callbacks = False
        qid = bot.api.inject_callback(GROUP, menu.message_id, "s:on", user_id=RESIDENT)
        await bot.api.wait_for_callback_answer(qid)
        assert not await db.is_subscribed(GROUP)


async def test_a_code_posted_in_a_group_is_revoked_and_its_coordinator_told(
    tmp_path: Path,
) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        code = await invite_code(bot)
        coordinator_before = len(bot.api.messages(COORD))
        bot.api.inject_message(GROUP, f"/register {code}", user_id=PARTNER)
        [reply] = await bot.api.wait_for_messages(GROUP, 1)
        assert "private chat" in reply.plain_text and "cancelled" in reply.plain_text
        assert code not in reply.plain_text
        notices = await bot.api.wait_for_messages(COORD, coordinator_before + 1)
        notice = notices[coordinator_before].plain_text
        assert "group" in notice and "/invite police" in notice and code not in notice
        # The code no longer works, even in private.
        [refused] = await bot.say(PARTNER, f"/register {code}")
        assert "registered as a partner" not in refused.plain_text
        db = await bot.services.storage()
        assert await core.list_members(db) == []
