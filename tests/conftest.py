"""Shared fixtures: the shipped knowledge base, a clock tests move by hand, a database."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answering.answer import Responder
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.storage import Storage

# The matcher caches its index on disk (bot.answering.matching): the suite, and the bots and
# commands it starts, use a folder of their own, never the developer's ~/.cache.
os.environ.setdefault("CSP_BOT_CACHE_DIR", tempfile.mkdtemp(prefix="csp-bot-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


@pytest.fixture(scope="session")
def responder(kb: KnowledgeBase) -> Responder:
    return Responder(kb)


class FakeClock:
    """A clock the test moves by hand: ``advance(60)`` or ``advance(days=2)``."""

    def __init__(self, start: datetime = datetime(2025, 4, 15, 10, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 0, **kwargs: float) -> None:
        self.now += timedelta(seconds=seconds, **kwargs)


@pytest.fixture
def clock() -> FakeClock:
    """Override in a module for another start date."""
    return FakeClock()


@pytest.fixture
async def db(clock: FakeClock) -> AsyncIterator[Storage]:
    """An in-memory database on the test's clock."""
    async with Storage.open(":memory:", clock=clock) as storage:
        yield storage
