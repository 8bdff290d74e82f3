"""Availability under abuse: one chat cannot hold back others, a partner's quick messages
are handled in order, and ward charts never stall the event loop.

The real application runs against the strict fake Bot API over HTTP (tests/harness.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import PER_CHAT_INTERVAL, build_application
from bot.config import Config
from handlers.ratelimit import PacedRateLimiter
from tests.fakebotapi import FakeBotAPI
from tests.harness import RunningBot, make_config, running_bot, stop_app
from tests.test_e2e_partners import NARRATIVE, bot_with_coordinator, join, to_narrative

pytestmark = pytest.mark.e2e

ATTACKER = 1001
NEIGHBOUR = 1002
PARTNER = 601

QUESTION = "how do I report anti-social behaviour"
CRISIS = "he is hitting me right now"


@contextlib.asynccontextmanager
async def paced_bot(tmp_path: Path, per_chat_interval: float,
                    **sections: dict[str, Any]) -> AsyncIterator[RunningBot]:
    """The real bot with real per-chat pacing (shorter than Telegram's, same principle)."""
    async with FakeBotAPI() as api:
        config = make_config(api, tmp_path / "bot.sqlite3", **sections)
        limiter = PacedRateLimiter(overall_per_second=1000, per_chat_interval=per_chat_interval)
        app = build_application(config, rate_limiter=limiter)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield RunningBot(api, app, config)
        finally:
            await stop_app(app)


def notes(bot: RunningBot, chat: int) -> list[str]:
    return [m.plain_text for m in bot.api.messages(chat) if "999" in m.plain_text
            and ("quickly" in m.plain_text or "earlier messages" in m.plain_text)]


# --------------------------------------------------------------------------- item 1


async def test_one_chat_flooding_cannot_hold_back_another_residents_answer(
    tmp_path: Path,
) -> None:
    # The flood guard is opened wide so only the per-chat backlog bound stands between the
    # attacker and the bot's update slots (256 of them).
    async with paced_bot(tmp_path, 0.3, residents={"flood_messages": 10_000,
                                                   "flood_window_seconds": 10}) as bot:
        for _ in range(300):
            bot.api.inject_message(ATTACKER, QUESTION)
        [answer] = await bot.say(NEIGHBOUR, QUESTION)
        assert "101" in answer.plain_text
        # The neighbour was answered while the attacker's few admitted replies were still
        # going out at the per-chat pace, not after hundreds of them.
        assert len(bot.api.messages(ATTACKER)) < 10
        # The attacker's extra messages were dropped with one polite note.
        assert await bot.api.wait_until(lambda: len(notes(bot, ATTACKER)) == 1, timeout=10)
        await asyncio.sleep(0.5)
        answers = [m for m in bot.api.messages(ATTACKER) if "101" in m.plain_text]
        assert 1 <= len(answers) <= 6
        assert len(notes(bot, ATTACKER)) == 1


async def test_crisis_reply_jumps_a_chats_backlog_and_the_flood_guard(tmp_path: Path) -> None:
    async with paced_bot(tmp_path, 0.3, residents={"flood_messages": 5,
                                                   "flood_window_seconds": 60}) as bot:
        for _ in range(10):
            bot.api.inject_message(ATTACKER, QUESTION)
        # Wait until the chat is flooded: the note is out.
        assert await bot.api.wait_until(lambda: len(notes(bot, ATTACKER)) == 1)
        bot.api.inject_message(ATTACKER, CRISIS)
        assert await bot.api.wait_until(
            lambda: any(is_crisis_reply(m.plain_text) for m in bot.api.messages(ATTACKER)),
            timeout=10), "the crisis message got no emergency reply"
        sent = bot.api.messages(ATTACKER)
        crisis_at = next(i for i, m in enumerate(sent) if is_crisis_reply(m.plain_text))
        answered_before = sum("101" in m.plain_text for m in sent[:crisis_at])
        # It went ahead of the queued answers (at most the one being sent was ahead of it).
        assert answered_before <= 2, [m.plain_text[:40] for m in sent]


def is_crisis_reply(text: str) -> bool:
    return text.startswith("If you or someone else is in danger now, call 999")


def test_default_flood_limit_is_below_the_per_chat_send_rate() -> None:
    residents = Config().residents
    assert residents.flood_messages / residents.flood_window_seconds < 1 / PER_CHAT_INTERVAL


# --------------------------------------------------------------------------- item 5


async def test_narrative_then_figures_sent_at_once_are_handled_in_order(tmp_path: Path) -> None:
    async with bot_with_coordinator(tmp_path) as bot:
        await join(bot, PARTNER)
        await to_narrative(bot, PARTNER)
        before = len(bot.api.messages(PARTNER))
        # Both arrive before the bot answers either.
        bot.api.inject_message(PARTNER, NARRATIVE)
        bot.api.inject_message(PARTNER, "ASB incidents: 480")
        got = await bot.api.wait_for_messages(PARTNER, before + 2)
        await asyncio.sleep(0.3)  # anything else that was going to come
        new = bot.api.messages(PARTNER)[before:]
        assert len(new) == 2, [m.plain_text[:50] for m in new]
        figures_prompt, preview = got[before:before + 2]
        assert "figures" in figures_prompt.plain_text.lower()
        assert "Preview" in preview.plain_text
        assert "two dispersal orders" in preview.plain_text
        assert "480" in preview.plain_text


async def test_other_chats_stay_concurrent_while_one_chat_is_busy(tmp_path: Path) -> None:
    """A handler stuck in one chat does not stop another chat's answer."""
    release = asyncio.Event()
    async with running_bot(tmp_path) as bot:
        from handlers import residents

        original = residents.send_reply
        calls = 0

        async def slow_first(context: Any, chat_id: int, reply: Any) -> None:
            nonlocal calls
            calls += 1
            if chat_id == ATTACKER:
                await release.wait()
            await original(context, chat_id, reply)

        residents.send_reply = slow_first  # type: ignore[assignment]
        try:
            bot.api.inject_message(ATTACKER, QUESTION)
            await bot.api.wait_until(lambda: calls == 1)
            [answer] = await bot.say(NEIGHBOUR, QUESTION)
            assert "101" in answer.plain_text
            assert bot.api.messages(ATTACKER) == []
            release.set()
            await bot.api.wait_for_messages(ATTACKER, 1)
        finally:
            release.set()
            residents.send_reply = original  # type: ignore[assignment]


# --------------------------------------------------------------------------- item 2


async def test_ward_chart_drawing_does_not_stall_other_answers_and_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.publishing import charts

    drawing = threading.Event()
    drawn = threading.Event()
    others_answered = threading.Event()
    draws: list[str] = []
    real = charts.ward_chart_png

    def slow_draw(ward: Any, figure: Any) -> bytes:
        draws.append(ward.id)
        drawing.set()
        # Held until another resident has had an answer: if drawing ran on the event loop,
        # that answer could not arrive while we wait here (the wait ends after 10 s).
        others_answered.wait(timeout=10)
        try:
            return real(ward, figure)
        finally:
            drawn.set()

    monkeypatch.setattr(charts, "ward_chart_png", slow_draw)
    async with running_bot(tmp_path) as bot:
        ward = next(w for w in bot.services.kb.wards.values()
                    if any(f.comparison for f in w.figures))
        bot.api.inject_message(ATTACKER, f"/ward {ward.name}")
        assert await bot.api.wait_until(drawing.is_set)
        [answer] = await bot.say(NEIGHBOUR, QUESTION, count=1)
        assert "101" in answer.plain_text
        assert not drawn.is_set(), "another resident waited for a chart to be drawn"
        others_answered.set()
        assert await bot.api.wait_until(
            lambda: any(m.kind == "photo" for m in bot.api.messages(ATTACKER)))
        await asyncio.sleep(0.3)
        photos = sum(m.kind == "photo" for m in bot.api.messages(ATTACKER))
        first_draws = len(draws)
        assert photos == first_draws
        # The same ward again: the charts come from the cache, not new drawings.
        before = len(bot.api.messages(ATTACKER))
        bot.api.inject_message(ATTACKER, f"/ward {ward.name}")
        assert await bot.api.wait_until(
            lambda: sum(m.kind == "photo" for m in bot.api.messages(ATTACKER)[before:])
            == photos)
        assert len(draws) == first_draws


async def test_ward_charts_are_redrawn_for_a_new_knowledge_version(kb: Any) -> None:
    from bot.knowledge import load_knowledge
    from bot.publishing.charts import ChartCache
    from tests.conftest import KNOWLEDGE

    ward = next(w for w in kb.wards.values() if any(f.comparison for f in w.figures))
    cache = ChartCache()
    try:
        first = await cache.ward_charts(kb, ward.id)
        again = await cache.ward_charts(kb, ward.id)
        assert first and again == first and cache.draws == len(first)
        newer = load_knowledge(KNOWLEDGE)
        await cache.ward_charts(newer, ward.id)
        assert cache.draws == 2 * len(first)
    finally:
        cache.close()
