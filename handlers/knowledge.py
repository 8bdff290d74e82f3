"""Picking up knowledge-base edits while the bot runs, without ever serving a broken one.

A job checks the YAML files every minute; ``/reload`` (coordinators) does it at once and
says what is wrong. A file with a mistake is reported with its file and line, to the log
and to coordinators, and the previous knowledge keeps answering residents.
"""

from __future__ import annotations

import html
import logging

from telegram import BotCommand, Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.errors import Problem
from handlers.common import Context, coordinator_or_refuse, services

logger = logging.getLogger(__name__)

COORDINATOR_COMMANDS = [BotCommand("reload", "Reload the knowledge base now")]
CHECK_EVERY = 60.0  # seconds


def describe(problems: list[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return "Knowledge base reloaded." + (
            f" {len(problems)} warning(s): entries due for review." if problems else "")
    lines = "\n".join(f"• {p}" for p in errors[:15])
    more = f"\n…and {len(errors) - 15} more" if len(errors) > 15 else ""
    return ("The knowledge base has errors, so the previous version is still answering:\n"
            f"{lines}{more}\nRun csp-bot kb check for the full list.")


async def reload_command(update: Update, context: Context) -> None:
    assert update.effective_chat
    if await coordinator_or_refuse(update, context, "/reload") is None:
        return
    svc = services(context)
    problems = svc.reload_knowledge()
    await context.bot.send_message(update.effective_chat.id, html.escape(describe(problems)))


async def watch_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reload when the files change; tell coordinators if the edit broke something."""
    svc = services(context)
    if not svc.knowledge.changed():
        return
    problems = svc.reload_knowledge()
    if any(p.severity == "error" for p in problems):
        logger.warning("knowledge edit has errors; still serving the previous version")
        for coordinator in svc.config.roles.coordinators:
            await context.bot.send_message(coordinator, html.escape(describe(problems)))
    else:
        logger.info("knowledge base reloaded: %d topics", len(svc.kb.topics))


async def on_startup(application: Application) -> None:  # type: ignore[type-arg]
    if application.job_queue is not None:
        application.job_queue.run_repeating(watch_job, CHECK_EVERY, first=CHECK_EVERY,
                                            name="knowledge-watch")


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        CommandHandler("reload", reload_command, filters=filters.ChatType.PRIVATE))
