"""Running the real application against the strict fake Bot API, over HTTP, for e2e tests.

    async with running_bot(tmp_path) as bot:
        bot.api.inject_message(1001, "/start")
        [welcome] = await bot.api.wait_for_messages(1001, 1)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.config import Config, load_config
from bot.services import Services
from handlers.ratelimit import PacedRateLimiter
from tests.conftest import KNOWLEDGE
from tests.fakebotapi import FakeBotAPI, SentMessage


def make_config(api: FakeBotAPI, db: Path, coordinators: Sequence[int] = (),
                **sections: dict[str, Any]) -> Config:
    """A config pointing at the fake API and a test database, as a YAML file would."""
    raw: dict[str, Any] = {
        "telegram": {"base_url": api.base_url, "base_file_url": api.base_file_url},
        "storage": {"path": str(db)},
        "knowledge": {"dir": str(KNOWLEDGE)},
        "roles": {"coordinators": list(coordinators)},
    }
    for key, value in sections.items():
        raw.setdefault(key, {}).update(value)
    import yaml

    path = db.parent / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return load_config(path, env={"TELEGRAM_BOT_TOKEN": api.token})


@dataclass
class RunningBot:
    api: FakeBotAPI
    app: Application  # type: ignore[type-arg]
    config: Config

    @property
    def services(self) -> Services:
        svc = self.app.bot_data["services"]
        assert isinstance(svc, Services)
        return svc

    async def say(self, chat_id: int, text: str, count: int = 1,
                  user_id: int | None = None) -> list[SentMessage]:
        """Send ``text`` as the user and return the ``count`` new messages the bot sends."""
        before = len(self.api.messages(chat_id))
        self.api.inject_message(chat_id, text, user_id=user_id)
        got = await self.api.wait_for_messages(chat_id, before + count)
        return got[before:]

    async def press(self, chat_id: int, message: SentMessage, button_text: str,
                    count: int = 1, user_id: int | None = None) -> list[SentMessage]:
        """Press a button and return the ``count`` new messages.

        With ``count=0`` the button is expected to edit ``message`` in place: wait for that
        edit and return the edited message.
        """
        before = len(self.api.messages(chat_id))
        edits = len(self.api.message(chat_id, message.message_id).edits)
        qid = self.api.inject_callback(chat_id, message.message_id,
                                       message.callback_data(button_text), user_id=user_id)
        await self.api.wait_for_callback_answer(qid)
        if count:
            got = await self.api.wait_for_messages(chat_id, before + count)
            return got[before:]
        edited = await self.api.wait_until(
            lambda: len(self.api.message(chat_id, message.message_id).edits) > edits)
        assert edited, f"pressing {button_text!r} did not edit the message"
        return [self.api.message(chat_id, message.message_id)]


async def start_app(config: Config, fast: bool = True) -> Application:  # type: ignore[type-arg]
    limiter = PacedRateLimiter(overall_per_second=1000, per_chat_interval=0.0) if fast else None
    app = build_application(config, rate_limiter=limiter)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    return app


async def stop_app(app: Application) -> None:  # type: ignore[type-arg]
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


@contextlib.asynccontextmanager
async def running_bot(tmp_path: Path, api: FakeBotAPI | None = None, *, fast: bool = True,
                      coordinators: Sequence[int] = (),
                      **sections: dict[str, Any]) -> AsyncIterator[RunningBot]:
    """The bot, polling the fake API, with a database in ``tmp_path``."""
    own_api = api is None
    api = api or FakeBotAPI()
    if own_api:
        await api.start()
    config = make_config(api, tmp_path / "bot.sqlite3", coordinators, **sections)
    app = await start_app(config, fast=fast)
    try:
        yield RunningBot(api, app, config)
    finally:
        await stop_app(app)
        if own_api:
            await api.stop()
