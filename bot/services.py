"""The core services one running bot uses, in one Telegram-free object.

Handlers get it from the application and only translate between Telegram and these.
The database opens lazily on first use, because python-telegram-bot asks its persistence
for data before ``post_init`` runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path

from bot.answering.answer import Responder
from bot.answering.text import stem
from bot.config import Config
from bot.errors import Problem, StorageError
from bot.flood import FloodGuard
from bot.knowledge import KnowledgeBase, KnowledgeStore
from bot.privacy import unanswered_words
from bot.storage import Storage

logger = logging.getLogger(__name__)

#: Distinct unanswered questions held in memory while the database refuses writes; beyond
#: this, new ones are dropped (counted in the log), so an outage cannot grow memory.
MAX_PENDING_UNANSWERED = 1000


class Services:
    """Config, knowledge, answering, storage and flood control for one bot."""

    def __init__(self, config: Config, knowledge_dir: str | Path) -> None:
        self.config = config
        self.knowledge = KnowledgeStore(knowledge_dir)
        self.responder = self._responder()
        self.flood = FloodGuard(
            limit=config.residents.flood_messages,
            window=config.residents.flood_window_seconds,
        )
        self._storage: Storage | None = None
        self._lock = asyncio.Lock()
        # Unanswered questions are counted here and written by one background task, so an
        # answer never waits for the database (locked by a backup, read-only, full).
        self._unanswered: Counter[str] = Counter()
        self._flusher: asyncio.Task[None] | None = None
        #: Seconds between attempts to write unanswered counts while the database fails.
        self.unanswered_retry_seconds = 30.0

    def _responder(self) -> Responder:
        return Responder(
            self.knowledge.current,
            threshold=self.config.matching.threshold,
            suggest_margin=self.config.matching.suggest_margin,
            topic_model=self.config.matching.topic_model,
        )

    @property
    def kb(self) -> KnowledgeBase:
        return self.knowledge.current

    def reload_knowledge(self) -> list[Problem]:
        """Reload the YAML; on errors the previous knowledge keeps serving."""
        before = self.knowledge.current
        problems = self.knowledge.reload()
        if self.knowledge.current is not before:
            self.responder = self._responder()
        return problems

    def known_word(self, word: str) -> bool:
        """Whether the knowledge base uses this (normalised) word: read-only, no side effect."""
        matcher = self.responder.matcher
        return stem(word) in matcher.idf or word in matcher.area_names

    def note_unanswered(self, text: str) -> None:
        """Count a question the bot could not answer, keeping only what bot.privacy allows.

        Returns at once; the count is written in the background (see flush_unanswered).
        """
        kept = unanswered_words(text, self.known_word)
        if kept not in self._unanswered and len(self._unanswered) >= MAX_PENDING_UNANSWERED:
            logger.warning("unanswered questions: database unavailable, one dropped")
            return
        self._unanswered[kept] += 1
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush_loop(), name="unanswered-writer")

    async def _flush_loop(self) -> None:
        while self._unanswered:
            if await self.flush_unanswered():
                continue
            await asyncio.sleep(self.unanswered_retry_seconds)

    async def flush_unanswered(self) -> bool:
        """Write the counted unanswered questions; False (logged, kept) if the write fails."""
        batch, self._unanswered = self._unanswered, Counter()
        if not batch:
            return True
        try:
            await (await self.storage()).record_unanswered_counts(batch)
        except StorageError as exc:
            batch.update(self._unanswered)  # noted while this write waited
            self._unanswered = batch
            logger.warning("could not record %d unanswered question(s), will retry: %s",
                           sum(batch.values()), exc)
            return False
        return True

    async def flush_pending(self) -> None:
        """Wait for the background writer (tests, shutdown)."""
        task = self._flusher
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=None)
        await self.flush_unanswered()

    async def storage(self) -> Storage:
        """The database, opened (and migrated) on first use."""
        async with self._lock:
            if self._storage is None or self._storage.closed:
                self._storage = await Storage.open(self.config.storage.path)
            return self._storage

    async def close(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
        if self._unanswered and self._storage is not None and not self._storage.closed:
            await self.flush_unanswered()  # best effort: a failure is logged, not raised
        async with self._lock:
            if self._storage is not None and not self._storage.closed:
                await self._storage.close()
            self._storage = None
