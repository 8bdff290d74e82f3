"""Thin Telegram handlers: they translate between Telegram updates and the core in ``bot``.

Registration order matters within a group: partner and coordinator conversations first,
so a partner mid-``/update`` is not answered as a resident; the catch-all button handler
last.
"""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application

from handlers import (
    consult,
    inputs,
    knowledge,
    language,
    partners,
    publishing,
    residents,
    review,
)

#: Extra commands shown in coordinators' own command menus.
COORDINATOR_COMMANDS: list[BotCommand] = [*partners.COORDINATOR_COMMANDS,
                                          *publishing.COORDINATOR_COMMANDS,
                                          *knowledge.COORDINATOR_COMMANDS,
                                          *consult.COORDINATOR_COMMANDS]


def register_all(application: Application) -> None:  # type: ignore[type-arg]
    inputs.register(application)  # group -1: edits and group chats, before everything
    partners.register(application)
    review.register(application)
    publishing.register(application)
    consult.register(application)  # before residents: its buttons start with cs:
    knowledge.register(application)
    language.register(application)  # before residents: its buttons start with lt:
    residents.register(application)
    residents.register_fallbacks(application)


async def on_startup(application: Application) -> None:  # type: ignore[type-arg]
    """Jobs that run while the bot is up (reminders, scheduled broadcasts)."""
    await review.on_startup(application)
    await publishing.on_startup(application)
    await knowledge.on_startup(application)
