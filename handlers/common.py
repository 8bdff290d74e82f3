"""Shared plumbing for the Telegram handlers: services, sending within limits, roles.

Handlers stay thin: they read what Telegram sent, ask the core (``bot.*``), and send the
answer back. Everything here is about that translation.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot.answering.answer import Choice
from bot.answering.render import CALLBACK_DATA_LIMIT, split_message
from bot.services import Services

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
SERVICES_KEY = "services"


def services_of(application: Application) -> Services:  # type: ignore[type-arg]
    svc = application.bot_data[SERVICES_KEY]
    assert isinstance(svc, Services)
    return svc


def services(context: Context) -> Services:
    return services_of(context.application)


COORDINATORS_ONLY = "Only partnership coordinators can do that."


async def coordinator_or_refuse(update: Update, context: Context, action: str,
                                refusal: str = COORDINATORS_ONLY) -> int | None:
    """The sender's user id if they are a coordinator now; otherwise None, after a polite
    refusal (an alert for a button) logged with the user id only, never message text.

    Called by every privileged command and button: callback data can be forged.
    """
    user_id = user_id_of(update)
    if services(context).config.is_coordinator(user_id):
        return user_id
    logger.warning("refused %s by user %s: not a coordinator", action, user_id)
    if update.callback_query is not None:
        await update.callback_query.answer(refusal[:200], show_alert=True)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, html.escape(refusal))
    return None


def button(text: str, data: str) -> InlineKeyboardButton:
    """An inline button whose callback data is checked against Telegram's 64-byte limit."""
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return InlineKeyboardButton(text[:64], callback_data=data)


def keyboard(
    buttons: Sequence[InlineKeyboardButton], per_row: int = 1
) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [list(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(rows)


def topic_buttons(choices: Sequence[Choice], limit: int = 4) -> list[InlineKeyboardButton]:
    """Buttons that open topics; ids too long for callback data are left out, not cut."""
    out = []
    for c in choices[:limit]:
        data = f"t:{c.id}"
        if len(data.encode()) <= CALLBACK_DATA_LIMIT:
            out.append(button(c.title, data))
    return out


async def send_html(
    context: Context,
    chat_id: int,
    html_text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send ``html_text`` split under 4,096 characters; buttons go on the last part."""
    parts = split_message(html_text)
    sent = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(
            await context.bot.send_message(
                chat_id, part, reply_markup=markup if last else None,
                disable_web_page_preview=True,
            )
        )
    return sent


async def edit_or_send(
    query: CallbackQuery,
    context: Context,
    html_text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Show ``html_text`` in place of the message the button was on, if it fits."""
    parts = split_message(html_text)
    message = query.message
    if len(parts) == 1 and isinstance(message, Message) and message.text is not None:
        try:
            await query.edit_message_text(parts[0], reply_markup=markup,
                                          disable_web_page_preview=True)
            return
        except BadRequest as exc:
            # Pressing the same button twice: the content is already there.
            if "not modified" in str(exc).lower():
                return
            raise
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await send_html(context, chat_id, html_text, markup)


def user_id_of(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def args_text(context: Context) -> str:
    return " ".join(context.args or []).strip()
