"""Partners' and coordinators' flows under double taps and failures (issue 10, items 4, 6
and 9), end to end: the real application against the fake Bot API over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.partners import partners as core
from tests.test_e2e_partners import (
    COORD,
    PARTNER,
    bot_with_coordinator,
    join,
    submit,
    to_preview,
)

pytestmark = pytest.mark.e2e

TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def count(bot: object, sql: str) -> int:
    db = await bot.services.storage()  # type: ignore[attr-defined]
    return int(await db.fetch_value(sql))


# --------------------------------------------------------------------------- item 4


async def test_a_double_tap_on_submit_stores_one_revision(tmp_path: Path) -> None:
    """The first tap seems to do nothing (Telegram refused its acknowledgement, as it does
    when the bot was slow), so the partner taps again, and again a moment later."""
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        preview = await to_preview(bot)
        data = preview.callback_data("Submit")
        notices, partner = len(bot.api.messages(COORD)), len(bot.api.messages(PARTNER))
        bot.api.fail_next("answerCallbackQuery", 400, TOO_OLD)
        bot.api.inject_callback(PARTNER, preview.message_id, data)
        await bot.api.wait_for_messages(PARTNER, partner + 1)  # the first tap is dealt with
        bot.api.strict_callbacks = False  # the tap may come before the buttons go
        taps = [bot.api.inject_callback(PARTNER, preview.message_id, data)]
        await bot.api.wait_for_callback_answer(taps[0])
        # Two more at once (in one batch of updates).
        taps += [bot.api.inject_callback(PARTNER, preview.message_id, data) for _ in range(2)]
        for qid in taps:
            answer = await bot.api.wait_for_callback_answer(qid)
            assert answer.get("text") == "Already submitted."
        assert await count(bot, "SELECT COUNT(*) FROM updates") == 1
        assert await count(bot, "SELECT COUNT(*) FROM audit WHERE action = 'submit'") == 1
        coordinator = bot.api.messages(COORD)[notices:]
        assert [m.plain_text.splitlines()[0] for m in coordinator] == ["New update to review"]
        told = [m for m in bot.api.messages(PARTNER) if "Submitted" in m.plain_text]
        assert len(told) == 1


async def test_an_old_preview_never_submits_a_newer_draft(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        old = await to_preview(bot, narrative="First try.")
        await bot.say(PARTNER, "/cancel")
        new = await to_preview(bot, narrative="Second try.")
        qid = bot.api.inject_callback(PARTNER, old.message_id, old.callback_data("Submit"))
        answer = await bot.api.wait_for_callback_answer(qid)
        assert "out of date" in answer.get("text", "")
        assert await count(bot, "SELECT COUNT(*) FROM updates") == 0
        [done] = await bot.press(PARTNER, new, "Submit")
        assert "Submitted" in done.plain_text
        [stored] = await core.pending(await bot.services.storage())
        assert stored.narrative == "Second try."


# --------------------------------------------------------------------------- item 9


async def test_a_failed_acknowledgement_after_submit_still_tells_everyone(
    tmp_path: Path,
) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        preview = await to_preview(bot)
        coordinator, partner = len(bot.api.messages(COORD)), len(bot.api.messages(PARTNER))
        bot.api.fail_next("answerCallbackQuery", 400, TOO_OLD)
        bot.api.inject_callback(PARTNER, preview.message_id, preview.callback_data("Submit"))
        [done] = (await bot.api.wait_for_messages(PARTNER, partner + 1))[partner:]
        assert "Submitted" in done.plain_text
        [notice] = (await bot.api.wait_for_messages(COORD, coordinator + 1))[coordinator:]
        assert "New update to review" in notice.plain_text
        assert await count(bot, "SELECT COUNT(*) FROM updates") == 1
        assert not any("Sorry" in m.plain_text for m in bot.api.messages(PARTNER))


async def test_a_failed_acknowledgement_of_approve_still_tells_the_partner(
    tmp_path: Path,
) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        update_id, notice = await submit(bot)
        partner = len(bot.api.messages(PARTNER))
        bot.api.fail_next("answerCallbackQuery", 400, TOO_OLD)
        bot.api.inject_callback(COORD, notice.message_id, notice.callback_data("Approve"))
        [told] = (await bot.api.wait_for_messages(PARTNER, partner + 1))[partner:]
        assert "Your update was approved" in told.plain_text
        db = await bot.services.storage()
        assert await db.fetch_value("SELECT status FROM updates WHERE id = ?",
                                    (update_id,)) == "approved"
        assert not any("Sorry" in m.plain_text for m in bot.api.messages(COORD))


# --------------------------------------------------------------------------- item 6


async def status(bot: object, update_id: int) -> str:
    db = await bot.services.storage()  # type: ignore[attr-defined]
    return str(await db.fetch_value("SELECT status FROM updates WHERE id = ?", (update_id,)))


async def test_a_command_ends_a_pending_return_so_broadcast_text_is_not_a_comment(
    tmp_path: Path,
) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        update_id, notice = await submit(bot)
        [ask] = await bot.press(COORD, notice, "Return with a comment")
        assert "What should the partner change" in ask.plain_text
        partner = len(bot.api.messages(PARTNER))
        [choose] = await bot.say(COORD, "/broadcast")
        await bot.press(COORD, choose, "A custom message", count=0)
        preview = await bot.say(COORD, "Bins are collected on Tuesday", count=2)
        assert preview[0].plain_text == "Bins are collected on Tuesday"
        assert "Send this to" in preview[1].plain_text
        assert await status(bot, update_id) == "submitted", "still waiting for review"
        assert len(bot.api.messages(PARTNER)) == partner, "the partner was told nothing"
        # /cancel now cancels the broadcast, the step last asked for.
        [cancelled] = await bot.say(COORD, "/cancel")
        assert "Broadcast cancelled" in cancelled.plain_text


async def test_typed_text_goes_to_the_step_last_asked_for(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        update_id, notice = await submit(bot)
        [choose] = await bot.say(COORD, "/broadcast")
        await bot.press(COORD, choose, "A custom message", count=0)
        # The coordinator turns to the review instead: the comment is the last step asked.
        await bot.press(COORD, notice, "Return with a comment")
        partner = len(bot.api.messages(PARTNER))
        [returned] = await bot.say(COORD, "Please add the dates")
        assert "Returned to the partner" in returned.plain_text
        [told] = (await bot.api.wait_for_messages(PARTNER, partner + 1))[partner:]
        assert "Please add the dates" in told.plain_text
        assert await status(bot, update_id) == "returned"
        # The broadcast step ended when the Return began: this is a question, not a preview.
        [answer] = await bot.say(COORD, "how do I report anti-social behaviour")
        assert "101" in answer.plain_text
        db = await bot.services.storage()
        assert await db.fetch_value("SELECT COUNT(*) FROM broadcasts") == 0


async def test_cancel_during_a_return_cancels_the_return(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        update_id, notice = await submit(bot)
        await bot.press(COORD, notice, "Return with a comment")
        [kept] = await bot.say(COORD, "/cancel")
        assert "stays waiting for review" in kept.plain_text
        assert await status(bot, update_id) == "submitted"
        [answer] = await bot.say(COORD, "how do I report anti-social behaviour")
        assert "101" in answer.plain_text, "text is a question again, not a comment"
