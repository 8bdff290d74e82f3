"""The core services one running bot uses, in one Telegram-free object.

Handlers get it from the application and only translate between Telegram and these.
The database opens lazily on first use, because python-telegram-bot asks its persistence
for data before ``post_init`` runs.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.answering.answer import Responder
from bot.config import Config
from bot.errors import Problem
from bot.flood import FloodGuard
from bot.knowledge import KnowledgeBase, KnowledgeStore
from bot.storage import Storage

logger = logging.getLogger(__name__)


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

    def _responder(self) -> Responder:
        return Responder(
            self.knowledge.current,
            threshold=self.config.matching.threshold,
            suggest_margin=self.config.matching.suggest_margin,
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

    async def storage(self) -> Storage:
        """The database, opened (and migrated) on first use."""
        async with self._lock:
            if self._storage is None or self._storage.closed:
                self._storage = await Storage.open(self.config.storage.path)
            return self._storage

    async def close(self) -> None:
        async with self._lock:
            if self._storage is not None and not self._storage.closed:
                await self._storage.close()
            self._storage = None
