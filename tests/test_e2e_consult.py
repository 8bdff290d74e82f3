"""A consultation's whole cycle through the fake Bot API (issue 14's acceptance test).

A coordinator creates a consultation with a ward question; it goes to 300 subscribers at
the broadcast pace; the bot is killed mid-send and restarted, and the send resumes; every
resident answers (one tries twice); the results count right, a ward with fewer than 10
answers is folded into "Other areas"; the database, read directly, holds no chat id beside
any answer; the progress summary has "What residents told us" (with a trend for the
question asked again) and its page passes the headless Chromium check.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.consult import core, results
from bot.partners.periods import quarter_of
from bot.publishing.summary import render_html, render_text, summary_for
from handlers import publishing
from tests.fakebotapi import FakeBotAPI, SentMessage
from tests.harness import running_bot
from tests.test_summary_browser import chromium, png_size

pytestmark = pytest.mark.e2e

COORD = 500
FIRST = 20_000
N = 300
#: Ward index (in the consultation's list) -> how many residents answer from it.
PLAN = {"Anglesey": 80, "Burton Town": 70, "Eton Park": 60, "Horninglow": 50,
        "Shobnall": 4}  # the rest (36) answer "elsewhere"
TWICE = FIRST + 7  # answers, then tries again from a second copy of the question


def coordinator_bot(tmp_path: Path, api: FakeBotAPI) -> Any:
    return running_bot(tmp_path, api, coordinators=(COORD,),  # type: ignore[arg-type]
                       residents={"flood_messages": 200},
                       broadcast={"rate_per_second": 30, "per_chat_interval": 1.0})


def ward_of(index: int) -> str:
    """Which ward resident ``index`` (0..N-1) lives in."""
    for name, count in PLAN.items():
        if index < count:
            return name
        index -= count
    return core.ELSEWHERE_LABEL


def question_of(api: FakeBotAPI, chat: int) -> SentMessage | None:
    return next((m for m in api.messages(chat) if m.buttons()
                 and m.callback_data(m.buttons()[0]["text"]).startswith("cs:a:")), None)


async def press(api: FakeBotAPI, chat: int, message: SentMessage, label: str) -> str:
    return api.inject_callback(chat, message.message_id, message.callback_data(label))


async def test_consultation_cycle(tmp_path: Path, profile: Path) -> None:
    chats = list(range(FIRST, FIRST + N))
    today = dt.date.today()
    spec = (f"/consult How safe do you feel in your area after dark?\noptions: scale\n"
            f"ward: yes\nopen: {today}\nclose: {today + dt.timedelta(days=14)}")
    async with FakeBotAPI(require_known_chats=False) as api:
        # ----------------------------------------------------------- create, send, kill
        async with coordinator_bot(tmp_path, api) as bot:
            db = await bot.services.storage()
            await db.execute_many("INSERT INTO subscribers (chat_id, subscribed_at) "
                                  "VALUES (?, '2025-04-01T00:00:00+00:00')",
                                  [(c,) for c in chats])
            [preview] = await bot.say(COORD, spec)
            assert "300" in preview.plain_text and "1 - not at all" in preview.plain_text
            await bot.press(COORD, preview, "Confirm", count=0)
            cid = int(await db.fetch_value("SELECT id FROM consultations"))
            bid = int(await db.fetch_value("SELECT broadcast_id FROM consultations"))
            assert await api.wait_until(
                lambda: sum(1 for c in chats if api.messages(c)) >= 100, timeout=30)
            task = bot.app.bot_data[publishing.RUNNING_KEY][bid]
            task.cancel()  # killed mid-send
            await asyncio.gather(task, return_exceptions=True)
            confirmed = {r["chat_id"] for r in await db.fetch_all(
                "SELECT chat_id FROM broadcast_recipients WHERE state = 'sent'")}
            assert 100 <= len(confirmed) < N
        # ----------------------------------------------------------- restart, resume
        async with coordinator_bot(tmp_path, api) as bot:
            db = await bot.services.storage()
            assert await api.wait_until(
                lambda: all(question_of(api, c) for c in chats), timeout=40)
            per_chat = Counter(m.chat_id for m in api.all_sent if m.chat_id in set(chats))
            assert not {c for c, k in per_chat.items() if k > 1} & confirmed

            # One resident asks for it again before answering: a second copy arrives.
            [again] = await bot.say(TWICE, "/haveyoursay")
            assert again.buttons()

            # ------------------------------------------------------- 300 answer
            questions = {c: question_of(api, c) for c in chats}
            for i, chat in enumerate(chats):
                message = questions[chat]
                assert message is not None
                label = message.buttons()[i % 5]["text"]
                await press(api, chat, message, label)
            assert await api.wait_until(lambda: all(
                "area do you live in" in api.message(c, questions[c].message_id).plain_text
                for c in chats), timeout=40)
            ids = []
            for i, chat in enumerate(chats):
                message = api.message(chat, questions[chat].message_id)
                ids.append(await press(api, chat, message, ward_of(i)))
            assert await api.wait_until(
                lambda: all(q in api.callback_answers for q in ids), timeout=40)
            assert await api.wait_until(lambda: all(
                "answer is counted" in api.message(c, questions[c].message_id).plain_text
                for c in chats), timeout=20)

            # The second try, from the second copy: refused, not counted.
            await press(api, TWICE, again, again.buttons()[0]["text"])
            ward_step = await api.wait_until(
                lambda: bool(api.callback_answers) and any(
                    "already answered" in str(a.get("text", ""))
                    for a in api.callback_answers.values()), timeout=10)
            assert ward_step
            [told] = await bot.say(TWICE, "/haveyoursay")
            assert "already" in told.plain_text

            # ------------------------------------------------------- results
            found = await results.results_for(db, cid)
            assert found.total == N
            assert [o.n for o in found.options] == [N // 5] * 5
            names = [g.name for g in found.wards]
            assert "Shobnall" not in names
            assert names[-1] == results.OTHER_AREAS
            assert found.wards[-1].total == 4 + 36
            assert {g.name: g.total for g in found.wards[:-1]} == {
                k: v for k, v in PLAN.items() if v >= 10}
            reply = await bot.say(COORD, f"/results {cid}", count=3)
            assert "300 people answered" in reply[0].plain_text
            assert "Shobnall" not in reply[0].plain_text
            assert [m.kind for m in reply[1:]] == ["photo", "photo"]

            # A resident cannot see results.
            [refused] = await bot.say(FIRST, f"/results {cid}")
            assert "coordinators" in refused.plain_text

            # ------------------------------------------------------- close
            closes_on = await db.fetch_value("SELECT closes_on FROM consultations")
            await core.close(db, cid)
            # The same question a quarter earlier, for the trend line.
            earlier_close = dt.date.fromisoformat(closes_on) - dt.timedelta(days=92)
            earlier, _ = await core.create(db, core.parse_spec(
                f"How safe do you feel in your area after dark?\noptions: scale\nward: yes\n"
                f"open: {earlier_close - dt.timedelta(days=14)}\nclose: {earlier_close}",
                earlier_close), bot.services.kb, COORD)
            await db.execute("UPDATE consultations SET status = 'open' WHERE id = ?",
                             (earlier.id,))
            for chat in range(30):
                await core.record_answer(db, earlier.id, chat, chat % 3, "anglesey")
            await core.close(db, earlier.id)
            summary = await summary_for(db, bot.services.kb,
                                        quarter_of(dt.date.fromisoformat(closes_on)))
            kb = bot.services.kb
        database = Path(bot.config.storage.path)

    # --------------------------------------------------------------- the database, directly
    conn = sqlite3.connect(database)
    try:
        resident_ids = {str(c) for c in chats}
        answer_tables = ("consultations", "consult_counts", "consult_polls", "consult_seen",
                         "consult_keys")
        for table in answer_tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                for value in row:
                    assert str(value) not in resident_ids, f"a chat id in {table}"
        assert conn.execute("SELECT COUNT(*) FROM consult_seen").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM consult_keys").fetchone()[0] == 0
        # Where chat ids are (subscriptions, deliveries), no answer or ward is.
        ward_ids = {w for w, _ in core.ward_choices(kb)}
        for table in ("subscribers", "broadcast_recipients", "kv", "audit"):
            columns = [d[1] for d in conn.execute(f"PRAGMA table_info({table})")]
            assert not {"choice", "ward", "answer"} & set(columns)
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(v) for v in row).lower()
                assert not any(re.search(rf"\b{re.escape(w)}\b", text) for w in ward_ids), \
                    f"a ward beside a chat in {table}"
    finally:
        conn.close()

    # --------------------------------------------------------------- summary and Chromium
    assert any("What residents told us" in m for m in render_text(summary))
    page = tmp_path / "summary.html"
    page.write_text(render_html(summary), encoding="utf-8")
    html_text = page.read_text()
    assert "What residents told us" in html_text and "Over time:" in html_text
    assert "Shobnall" not in html_text.split('id="residents"', 1)[1]
    dom = chromium(profile, "--dump-dom", page.as_uri()).stdout
    assert "<title>" in dom and 'id="residents"' in dom
    shot = tmp_path / "shot.png"
    chromium(profile, f"--screenshot={shot}", "--window-size=412,900", page.as_uri())
    assert shot.is_file() and png_size(shot.read_bytes()) == (412, 900)


@pytest.fixture
def profile() -> Any:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="csp-chromium-") as directory:
        yield Path(directory)


async def test_quarterly_reminder_carries_the_unanswered_questions_of_owned_priorities(
        tmp_path: Path) -> None:
    """Police own ASB and drugs; they see those groups (anonymised words, counts), never
    the domestic abuse group, which goes to its owners."""
    from handlers import review
    from tests.test_e2e_partners import CURRENT, PARTNER, bot_with_coordinator, join

    async with bot_with_coordinator(tmp_path, partners={"reminder_days": [7],
                                                        "deadline_days_after_quarter": 30}) \
            as bot:
        await join(bot, PARTNER, "police")
        db = await bot.services.storage()
        await db.record_unanswered_counts({"graffiti vandalism": 3, "dealers": 2,
                                           "controlling coercive": 4})
        quarter = CURRENT.previous()
        before = len(bot.api.messages(PARTNER))
        assert await review.send_reminders(bot.app, quarter.deadline(30)
                                           - dt.timedelta(days=7)) == 1
        [reminder] = (await bot.api.wait_for_messages(PARTNER, before + 1))[-1:]
        text = reminder.plain_text
        assert "could not answer" in text
        assert "Anti-social behaviour (ASB): 3" in text and "graffiti vandalism" in text
        assert "Drugs and county lines: 2" in text and "dealers" in text
        assert "coercive" not in text


async def test_without_a_ward_question_it_is_an_anonymous_poll(tmp_path: Path) -> None:
    chats = list(range(30_000, 30_006))
    today = dt.date.today()
    async with FakeBotAPI(require_known_chats=False) as api, \
            coordinator_bot(tmp_path, api) as bot:
        db = await bot.services.storage()
        for chat in chats:
            await db.subscribe(chat)
        [preview] = await bot.say(COORD, f"/consult Should the park gates be locked at night?"
                                  f"\noptions: Yes | No | Not sure\nopen: {today}\n"
                                  f"close: {today + dt.timedelta(days=7)}")
        assert "anonymous Telegram poll" in preview.plain_text
        await bot.press(COORD, preview, "Confirm", count=0)
        assert await api.wait_until(
            lambda: all(any(m.kind == "poll" for m in api.messages(c)) for c in chats),
            timeout=20)
        [call] = api.calls_of("sendPoll")[:1]
        assert call["is_anonymous"] is True
        cid = int(await db.fetch_value("SELECT id FROM consultations"))
        polls = {c: next(m for m in api.messages(c) if m.kind == "poll") for c in chats}
        for i, chat in enumerate(chats):
            api.vote(chat, polls[chat].message_id, [i % 2])
        api.vote(chats[0], polls[chats[0]].message_id, [2])  # changes their mind

        async def counted() -> dict[tuple[int, str], int]:
            return await core.tallies(db, cid)

        for _ in range(100):
            if await counted() == {(0, ""): 2, (1, ""): 3, (2, ""): 1}:
                break
            await asyncio.sleep(0.05)
        assert await counted() == {(0, ""): 2, (1, ""): 3, (2, ""): 1}
        # No second poll to vote in again.
        [again] = await bot.say(chats[1], "/haveyoursay")
        assert "already" in again.plain_text
        assert len([m for m in api.messages(chats[1]) if m.kind == "poll"]) == 1
        # A resident who is not subscribed finds it with /haveyoursay.
        [poll] = await bot.say(31_000, "/haveyoursay")
        assert poll.kind == "poll"
        await core.close(db, cid)
        assert (await results.results_for(db, cid)).total == 6
        assert await db.fetch_value("SELECT COUNT(*) FROM consult_polls") == 0


async def test_fake_bot_api_refuses_polls_telegram_refuses() -> None:
    from telegram import Bot
    from telegram.error import BadRequest

    async with FakeBotAPI() as api:
        api.add_chat(1)
        async with Bot(api.token, base_url=api.base_url) as tg:
            with pytest.raises(BadRequest, match="2-10 options"):
                await tg.send_poll(1, "Q?", [str(i) for i in range(11)])
            with pytest.raises(BadRequest, match="300"):
                await tg.send_poll(1, "Q" * 301, ["a", "b"])
            with pytest.raises(BadRequest, match="100"):
                await tg.send_poll(1, "Q?", ["a", "b" * 101])
            message = await tg.send_poll(1, "Q?", ["a", "b"])
            assert message.poll is not None and message.poll.is_anonymous
            await tg.stop_poll(1, message.message_id)
            with pytest.raises(BadRequest, match="already been closed"):
                await tg.stop_poll(1, message.message_id)
