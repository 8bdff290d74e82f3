"""Broadcasts under abuse, double taps and crashes (issue 10, items 7, 8, 10 and 19).

The engine tests use a fake sender; the others run the real application against the fake
Bot API over HTTP. Spacing is checked as a lower bound the bot itself must wait out, so a
slow machine can only make the gaps longer, never fail the test.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

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
        assert {chat for chat, _ in repeats} == in_flight, "only the in-flight chats repeat"
        for chat, at in repeats:
            assert at - first[chat] >= interval, f"chat {chat} got its repeat too soon"
        assert (await engine.broadcast_status(storage, broadcast_id)).sent == 60
    finally:
        await storage.close()
