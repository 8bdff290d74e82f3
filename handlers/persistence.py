"""python-telegram-bot persistence on the bot's SQLite database, as JSON (never pickle).

Conversations (a partner's half-finished ``/update``) and user data (its draft) live in the
``kv`` table, so a restart resumes exactly where the partner was. JSON rather than pickle:
the database may be read by other tools and unpickling is code execution.

Bot data and chat data are not persisted: the bot keeps its services in ``bot_data`` and
residents' chats need nothing remembered. Callback data is not used (buttons carry their
own short, re-checked data), so buttons keep working after a restart.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.storage import Storage

logger = logging.getLogger(__name__)

NS_USER = "user_data"
NS_CONV = "conversations"


class SqlitePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Stores conversations and user data as JSON rows in ``kv``."""

    def __init__(
        self, storage: Callable[[], Awaitable[Storage]], update_interval: float = 1.0
    ) -> None:
        # A short interval: a partner's draft should survive a crash, not only a clean stop.
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._storage = storage

    # ------------------------------------------------------------------ reads

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        db = await self._storage()
        rows = await db.kv_all(NS_USER)
        return {int(k): json.loads(v) for k, v in rows.items()}

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        db = await self._storage()
        rows = await db.kv_all(NS_CONV)
        out: dict[ConversationKey, object] = {}
        prefix = f"{name}:"
        for key, value in rows.items():
            if key.startswith(prefix):
                out[tuple(json.loads(key[len(prefix):]))] = json.loads(value)
        return out

    # ------------------------------------------------------------------ writes

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        db = await self._storage()
        row_key = f"{name}:{json.dumps(list(key))}"
        if new_state is None:
            await db.kv_delete(NS_CONV, row_key)
        else:
            await db.kv_set(NS_CONV, row_key, json.dumps(new_state))

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        db = await self._storage()
        if data:
            await db.kv_set(NS_USER, str(user_id), json.dumps(data, default=str))
        else:
            await db.kv_delete(NS_USER, str(user_id))

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        db = await self._storage()
        await db.kv_delete(NS_USER, str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        # Every write above is committed as it happens; nothing is buffered here.
        return None
