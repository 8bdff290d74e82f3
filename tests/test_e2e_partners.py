"""Partners and coordinators on Telegram, end to end, through the strict fake Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from bot.partners import partners as core
from bot.partners.periods import quarter_of
from bot.partners.updates import priority_title
from handlers import review
from handlers.partners import DRAFT_KEY
from tests.fakebotapi import FakeBotAPI, SentMessage
from tests.harness import RunningBot, running_bot

pytestmark = pytest.mark.e2e

COORD = 500
PARTNER = 601  # Staffordshire Police
PARTNER2 = 602  # Trent & Dove
RESIDENT = 1001

CURRENT = quarter_of(dt.datetime.now(dt.UTC).date())
ASB = "Anti-social behaviour (ASB)"
NARRATIVE = "Extra patrols in Stapenhill; two dispersal orders."


def bot_with_coordinator(tmp_path: Path, api: FakeBotAPI | None = None,
                         **sections: dict[str, Any]) -> AbstractAsyncContextManager[RunningBot]:
    # A whole update flow is a burst of ~15 updates from one chat: faster than a person,
    # so the residents' flood guard is loosened to keep these tests about the flow.
    sections.setdefault("residents", {"flood_messages": 200})
    # mypy cannot tell the sections apart from running_bot's ``fast`` flag.
    return running_bot(tmp_path, api, coordinators=(COORD,), **sections)  # type: ignore[arg-type]


async def join(bot: RunningBot, user: int, org: str = "police") -> None:
    [reply] = await bot.say(COORD, f"/invite {org}")
    code = re.search(r"/register (\S+)", reply.plain_text)
    assert code, reply.plain_text
    [welcome] = await bot.say(user, f"/register {code.group(1)}")
    assert "registered as a partner" in welcome.plain_text


async def to_narrative(bot: RunningBot, chat: int = PARTNER) -> SentMessage:
    """/update, ASB, the current quarter, Green: returns the narrative prompt."""
    [priorities] = await bot.say(chat, "/update")
    [quarter] = await bot.press(chat, priorities, ASB)
    [rag] = await bot.press(chat, quarter, f"✓ {CURRENT.label} (current)")
    [narrative] = await bot.press(chat, rag, "Green – on track")
    return narrative


async def to_preview(bot: RunningBot, chat: int = PARTNER, narrative: str = NARRATIVE,
                     figures: str = "ASB incidents: 480") -> SentMessage:
    await to_narrative(bot, chat)
    [ask_figures] = await bot.say(chat, narrative)
    assert "figures" in ask_figures.plain_text
    [preview] = await bot.say(chat, figures)
    return preview


async def submit(bot: RunningBot, chat: int = PARTNER, **kw: str) -> tuple[int, SentMessage]:
    """A full update, submitted: returns its id and the coordinator's notice."""
    preview = await to_preview(bot, chat, **kw)
    before = len(bot.api.messages(COORD))
    [done] = await bot.press(chat, preview, "Submit")
    assert "Submitted" in done.plain_text
    notices = await bot.api.wait_for_messages(COORD, before + 1)
    notice = notices[before]
    db = await bot.services.storage()
    update_id = int(await db.fetch_value("SELECT MAX(id) FROM updates"))
    return update_id, notice


async def status_of(bot: RunningBot, update_id: int) -> str:
    db = await bot.services.storage()
    return str(await db.fetch_value("SELECT status FROM updates WHERE id = ?", (update_id,)))


async def poll(predicate: Callable[[], Awaitable[bool]]) -> None:
    """Wait (up to 5 s) for a condition the fake API cannot see, e.g. a database write."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5.0
    while not await predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def all_callback_data(api: FakeBotAPI) -> list[str]:
    out = [b["callback_data"] for m in api.all_sent for b in m.buttons() if "callback_data" in b]
    out += [b["callback_data"] for m in api.all_sent for e in m.edits
            for row in (e.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
            if "callback_data" in b]
    return out


# --------------------------------------------------------------------------- invites


async def test_invite_register_and_list(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        [refused] = await bot.say(RESIDENT, "/invite police")
        assert "only the partnership's coordinators" in refused.plain_text
        [listing] = await bot.say(COORD, "/invite")
        assert "police – Staffordshire Police" in listing.plain_text
        assert "trent-dove – Trent & Dove Housing" in listing.plain_text
        [unknown] = await bot.say(COORD, "/invite mi5")
        assert "no organisation mi5" in unknown.plain_text and "police" in unknown.plain_text

        [reply] = await bot.say(COORD, "/invite Police")
        code = re.search(r"/register (\S+)", reply.plain_text)
        assert code and "works once" in reply.plain_text
        [welcome] = await bot.say(PARTNER, f"/register {code.group(1)}")
        assert "Staffordshire Police" in welcome.plain_text and "/update" in welcome.plain_text
        [again] = await bot.say(PARTNER2, f"/register {code.group(1)}")
        assert "already been used" in again.plain_text
        [bad] = await bot.say(PARTNER2, "/register not-a-code")
        assert "isn't recognised" in bad.plain_text
        [empty] = await bot.say(PARTNER2, "/register")
        assert "/register followed by the code" in empty.plain_text

        [members] = await bot.say(COORD, "/partners")
        assert f"id {PARTNER}" in members.plain_text and "nobody yet" in members.plain_text
        [refused] = await bot.say(PARTNER, "/partners")
        assert "only the partnership's coordinators" in refused.plain_text
        # The partner got their own command menu.
        scopes = [c.get("scope") for c in bot.api.calls_of("setMyCommands")]
        assert any(str(PARTNER) in json.dumps(s) for s in scopes if s)


async def test_expired_code_refused(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        [reply] = await bot.say(COORD, "/invite esbc")
        code = re.search(r"/register (\S+)", reply.plain_text)
        assert code
        db = await bot.services.storage()
        # A week has passed.
        await db.execute("UPDATE invites SET expires_at = '2020-01-01T00:00:00+00:00'")
        [refused] = await bot.say(PARTNER, f"/register {code.group(1)}")
        assert "expired on 2020-01-01" in refused.plain_text
        assert await db.fetch_value("SELECT COUNT(*) FROM members") == 0


# --------------------------------------------------------------------------- the flow


async def test_full_update_flow_review_and_approval(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        [priorities] = await bot.say(PARTNER, "/update")
        labels = [b["text"] for b in priorities.buttons()]
        assert labels[0] == ASB and len(labels) == len(bot.services.kb.priorities())
        assert "Staffordshire Police reports on" in priorities.plain_text
        [quarter] = await bot.press(PARTNER, priorities, ASB)
        assert not bot.api.message(PARTNER, priorities.message_id).buttons(), "pressed once"
        assert [b["text"] for b in quarter.buttons()] == [
            f"✓ {CURRENT.label} (current)", CURRENT.previous().label]
        [rag] = await bot.press(PARTNER, quarter, f"✓ {CURRENT.label} (current)")
        assert "Amber – some concern" in rag.plain_text and "slipping" in rag.plain_text
        [narrative] = await bot.press(PARTNER, rag, "Amber – some concern")
        assert "2,000 characters" in narrative.plain_text
        [figures] = await bot.say(PARTNER, NARRATIVE)
        [preview] = await bot.say(PARTNER, "ASB incidents: 480\nDispersal orders: 2")

        draft = core.UpdateDraft("police", "asb", CURRENT.label, "amber", NARRATIVE,
                                 [("ASB incidents", "480"), ("Dispersal orders", "2")])
        assert preview.text is not None
        assert preview.text.endswith(core.format_update_preview(draft, bot.services.kb))
        assert "ASB incidents: 480" in preview.plain_text  # figures echoed back
        assert [b["text"] for b in preview.buttons()] == ["Submit", "Edit a step", "Cancel"]

        [done] = await bot.press(PARTNER, preview, "Submit")
        assert "Submitted" in done.plain_text and "/myupdates" in done.plain_text
        notice = (await bot.api.wait_for_messages(COORD, 2))[1]  # after the /invite reply
        assert "New update to review" in notice.plain_text
        assert NARRATIVE in notice.plain_text
        assert [b["text"] for b in notice.buttons()] == ["Approve", "Return with a comment"]
        db = await bot.services.storage()
        update_id = int(await db.fetch_value("SELECT id FROM updates"))
        assert await status_of(bot, update_id) == "submitted"
        assert DRAFT_KEY not in bot.app.user_data[PARTNER]

        heading, pending = await bot.say(COORD, "/pending", count=2)
        assert "1 update(s) waiting" in heading.plain_text
        assert NARRATIVE in pending.plain_text
        before = len(bot.api.messages(PARTNER))
        [approved] = await bot.press(COORD, pending, "Approve")
        assert "Approved" in approved.plain_text
        [told] = (await bot.api.wait_for_messages(PARTNER, before + 1))[before:]
        assert "Your update was approved" in told.plain_text
        assert await status_of(bot, update_id) == "approved"
        # The other notice's button is now stale: answered, nothing changes.
        qid = bot.api.inject_callback(COORD, notice.message_id, f"rv:a:{update_id}")
        answer = await bot.api.wait_for_callback_answer(qid)
        assert "already been approved" in answer.get("text", "")
        [nothing] = await bot.say(COORD, "/pending")
        assert "Nothing is waiting" in nothing.plain_text

        assert all(len(d.encode()) <= 64 for d in all_callback_data(bot.api))
        actions = [e.action for e in await core.audit_log(db)]
        assert actions == ["invite", "register", "submit", "approve"]


async def test_restart_mid_flow_resumes_at_the_same_step(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        async with bot_with_coordinator(tmp_path, api) as bot:
            await join(bot, PARTNER)
            [priorities] = await bot.say(PARTNER, "/update")
            [quarter] = await bot.press(PARTNER, priorities, ASB)
            [rag] = await bot.press(PARTNER, quarter, f"✓ {CURRENT.label} (current)")
            db = await bot.services.storage()

            async def saved_at_rag() -> bool:
                # Written as the step happens, not only at a clean shutdown (a crash).
                state = await db.kv_all("conversations")
                users = await db.kv_all("user_data")
                return ('"rag"' in state.values() and
                        '"step": "rag"' in users.get(str(PARTNER), ""))

            await poll(saved_at_rag)

        async with bot_with_coordinator(tmp_path, api) as bot:
            # The old RAG buttons still work: the conversation is where it was.
            [narrative] = await bot.press(PARTNER, rag, "Red – off track")
            assert "what was done" in narrative.plain_text

        async with bot_with_coordinator(tmp_path, api) as bot:
            [figures] = await bot.say(PARTNER, NARRATIVE)
            assert "any figures" in figures.plain_text

        async with bot_with_coordinator(tmp_path, api) as bot:
            # /update after a restart carries on instead of starting again.
            carry, again = await bot.say(PARTNER, "/update", count=2)
            assert "carrying on where you were" in carry.plain_text
            assert "any figures" in again.plain_text
            [preview] = await bot.press(PARTNER, again, "No figures")
            assert "Off track (red)" in preview.plain_text and NARRATIVE in preview.plain_text
            assert "•" not in preview.plain_text, "no figures"
            [done] = await bot.press(PARTNER, preview, "Submit")
            assert "Submitted" in done.plain_text
            [record] = await core.pending(await bot.services.storage())
            assert (record.priority, record.rag, record.narrative) == ("asb", "red", NARRATIVE)


async def test_cancel_at_any_step(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        await to_narrative(bot)
        [cancelled] = await bot.say(PARTNER, "/cancel")
        assert "Cancelled: nothing was submitted" in cancelled.plain_text
        assert DRAFT_KEY not in bot.app.user_data[PARTNER]
        # Text is a resident's question again, not a narrative.
        [answer] = await bot.say(PARTNER, "how do I report anti-social behaviour")
        assert "101" in answer.plain_text
        [nothing] = await bot.say(PARTNER, "/cancel")
        assert "Nothing to cancel" in nothing.plain_text

        preview = await to_preview(bot)
        [cancelled] = await bot.press(PARTNER, preview, "Cancel")
        assert "Cancelled" in cancelled.plain_text
        assert await (await bot.services.storage()).fetch_value(
            "SELECT COUNT(*) FROM updates") == 0


async def test_forget_mid_flow_ends_it_politely(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        # /forget mid-flow removes the draft: the next step says so instead of failing.
        await to_narrative(bot)
        await bot.say(PARTNER, "/forget")
        [gone] = await bot.say(PARTNER, NARRATIVE)
        assert "no longer in progress" in gone.plain_text


async def test_text_where_a_button_is_expected(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        [priorities] = await bot.say(PARTNER, "/update")
        [hint] = await bot.say(PARTNER, "asb please")
        assert "choose with the buttons" in hint.plain_text
        await bot.press(PARTNER, priorities, ASB)
        # A quarter may be typed; a future one or nonsense is refused.
        [refused] = await bot.say(PARTNER, CURRENT.next().label)
        assert "hasn't started yet" in refused.plain_text
        [refused] = await bot.say(PARTNER, "last quarter")
        assert "type one like" in refused.plain_text
        [rag] = await bot.say(PARTNER, CURRENT.previous().previous().label)
        assert "how is it going" in rag.plain_text
        assert bot.app.user_data[PARTNER][DRAFT_KEY]["draft"]["period"] == \
            CURRENT.previous().previous().label


# --------------------------------------------------------------------------- limits


async def test_html_in_narrative_arrives_escaped(tmp_path: Path) -> None:
    nasty = "<b>not bold</b> & <script>alert(1)</script> <a href='x'>link</a>"
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        # The fake Bot API answers 400 to malformed HTML: an unescaped <script> would fail.
        update_id, notice = await submit(bot, narrative=nasty, figures="<i>ASB</i>: 4 < 5")
        for message in (bot.api.messages(PARTNER)[-2], notice):
            assert nasty in message.plain_text
            assert "<i>ASB</i>: 4 < 5" in message.plain_text
        assert not any(e["type"] == "text_link" for e in notice.entities)
        assert await status_of(bot, update_id) == "submitted"


async def test_overlong_narrative_refused_nothing_lost(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        await to_narrative(bot)
        [refused] = await bot.say(PARTNER, "x" * 2001)
        assert "2,001 characters; the limit is 2,000" in refused.plain_text
        assert bot.app.user_data[PARTNER][DRAFT_KEY]["step"] == "narrative"
        [figures] = await bot.say(PARTNER, "y" * 2000)  # exactly the limit is fine
        assert "any figures" in figures.plain_text
        [preview] = await bot.press(PARTNER, figures, "No figures")

        # Editing it: an over-long replacement is refused and the old text stays.
        [steps] = await bot.press(PARTNER, preview, "Edit a step")
        [ask] = await bot.press(PARTNER, steps, "What was done")
        assert "y" * 100 in ask.plain_text, "the current text is shown to copy"
        [refused] = await bot.say(PARTNER, "z" * 3000)
        assert "limit is 2,000" in refused.plain_text
        draft = bot.app.user_data[PARTNER][DRAFT_KEY]["draft"]
        assert draft["narrative"] == "y" * 2000
        [preview] = await bot.say(PARTNER, "Shorter now.")
        assert "Shorter now." in preview.plain_text and "Submit" in str(preview.buttons())


async def test_malformed_figures_named_and_reasked(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        await to_narrative(bot)
        await bot.say(PARTNER, NARRATIVE)
        [again] = await bot.say(PARTNER, "ASB incidents: 480\nwe did lots\nMood: good")
        assert "Line 2 “we did lots”" in again.plain_text
        assert "Line 3 “Mood: good”" in again.plain_text and "number" in again.plain_text
        assert "Line 1" not in again.plain_text
        assert bot.app.user_data[PARTNER][DRAFT_KEY]["step"] == "figures"
        [preview] = await bot.say(PARTNER, "ASB incidents: 480\nArrests: 12")
        assert "• ASB incidents: 480" in preview.plain_text
        assert "• Arrests: 12" in preview.plain_text


# --------------------------------------------------------------------------- review


async def test_returned_update_amended_and_approved(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        first_id, notice = await submit(bot, figures="ASB incidents: 480")
        [ask] = await bot.press(COORD, notice, "Return with a comment")
        assert "What should the partner change" in ask.plain_text
        before = len(bot.api.messages(PARTNER))
        [confirm] = await bot.say(COORD, "Please add <b>repeat</b> victims & dates")
        assert "Returned to the partner" in confirm.plain_text
        [told] = (await bot.api.wait_for_messages(PARTNER, before + 1))[before:]
        assert "Please add <b>repeat</b> victims & dates" in told.plain_text
        assert await status_of(bot, first_id) == "returned"

        [mine] = await bot.say(PARTNER, "/myupdates")
        assert "returned for changes" in mine.plain_text and "repeat" in mine.plain_text
        assert mine.buttons()[0]["callback_data"] == f"u:a:{first_id}"

        [preview] = await bot.press(PARTNER, told, "Amend")
        assert "Amending revision 1" in preview.plain_text and "repeat" in preview.plain_text
        [steps] = await bot.press(PARTNER, preview, "Edit a step")
        [ask_figures] = await bot.press(PARTNER, steps, "Figures")
        assert "ASB incidents: 480" in ask_figures.plain_text
        [preview] = await bot.say(PARTNER, "ASB incidents: 480\nRepeat victims: 31")
        before = len(bot.api.messages(COORD))
        [done] = await bot.press(PARTNER, preview, "Submit")
        assert "revision 2" in done.plain_text
        [notice2] = (await bot.api.wait_for_messages(COORD, before + 1))[before:]
        assert "Repeat victims: 31" in notice2.plain_text
        [approved] = await bot.press(COORD, notice2, "Approve")
        assert "revision 2" in approved.plain_text

        db = await bot.services.storage()
        revisions = await core.history(db, "police", "asb", CURRENT.label)
        assert [(u.revision, u.status) for u in revisions] == [(1, "superseded"),
                                                               (2, "approved")]
        assert revisions[0].review_comment == "Please add <b>repeat</b> victims & dates"
        [mine] = await bot.say(PARTNER, "/myupdates")
        assert "approved" in mine.plain_text and not mine.buttons()
        assert [e.action for e in await core.audit_log(db)][-4:] == [
            "submit", "return", "submit", "approve"]


async def test_forged_review_buttons_refused_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        update_id, _ = await submit(bot)
        await bot.say(RESIDENT, "/start")
        bot.api.strict_callbacks = False
        for user, action in ((RESIDENT, "a"), (PARTNER, "a"), (RESIDENT, "r"), (PARTNER, "r")):
            qid = bot.api.inject_callback(user, 1, f"rv:{action}:{update_id}", user_id=user)
            answer = await bot.api.wait_for_callback_answer(qid)
            assert "only the partnership's coordinators" in answer.get("text", "")
        assert await status_of(bot, update_id) == "submitted"
        refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
        for who in (RESIDENT, PARTNER):
            assert f"refused approve by user {who}" in " ".join(refusals)
            assert f"refused return by user {who}" in " ".join(refusals)
        assert NARRATIVE not in caplog.text
        # A forged Amend from another organisation's partner is refused too.
        await join(bot, PARTNER2, "trent-dove")
        qid = bot.api.inject_callback(PARTNER2, 1, f"u:a:{update_id}", user_id=PARTNER2)
        answer = await bot.api.wait_for_callback_answer(qid)
        assert "isn't one of your organisation's" in answer.get("text", "")


async def test_revoked_partner_is_stopped_mid_flow(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        await to_narrative(bot)
        [removed] = await bot.say(COORD, f"/revoke {PARTNER}")
        assert "Removed" in removed.plain_text
        # The partner is told, then their next step is refused.
        await bot.api.wait_until(
            lambda: "removed your partner access" in bot.api.messages(PARTNER)[-1].plain_text)
        [refused] = await bot.say(PARTNER, NARRATIVE)
        assert "no longer registered as a partner" in refused.plain_text
        assert await (await bot.services.storage()).fetch_value(
            "SELECT COUNT(*) FROM updates") == 0
        [refused] = await bot.say(PARTNER, "/update")
        assert "only registered partners" in refused.plain_text
        [unknown] = await bot.say(COORD, f"/revoke {PARTNER}")
        assert "No partner has id" in unknown.plain_text


# --------------------------------------------------------------------------- reminders


async def test_reminders_only_to_those_not_submitted(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path, partners={"reminder_days": [7],
                                                        "deadline_days_after_quarter": 30}) \
            as bot:
        await join(bot, PARTNER, "police")
        await join(bot, PARTNER2, "trent-dove")
        quarter = CURRENT.previous()
        db = await bot.services.storage()
        await core.submit_update(db, org="trent-dove", priority="asb", period=quarter.label,
                                 rag="green", narrative="Done.", by=PARTNER2)
        before = {u: len(bot.api.messages(u)) for u in (PARTNER, PARTNER2)}
        today = quarter.deadline(30) - dt.timedelta(days=7)
        sent = await review.send_reminders(bot.app, today)
        assert sent == 1
        [reminder] = (await bot.api.wait_for_messages(PARTNER, before[PARTNER] + 1))[-1:]
        text = reminder.plain_text
        assert quarter.label in text and "in 7 days" in text and "/update" in text
        for owned in bot.services.kb.partners["police"].owns:
            assert priority_title(bot.services.kb, owned) in text
        assert len(bot.api.messages(PARTNER2)) == before[PARTNER2]
        # Not a reminder day: nothing at all.
        assert await review.send_reminders(bot.app, today + dt.timedelta(days=1)) == 0
        # The daily job is scheduled once.
        jobs = bot.app.job_queue.get_jobs_by_name(review.REMINDER_JOB)  # type: ignore[union-attr]
        assert len(jobs) == 1
