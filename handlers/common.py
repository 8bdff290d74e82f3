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
from telegram.ext import Application, ContextTypes, MessageHandler, filters

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


# --------------------------------------------------------------------------- typed steps
#
# A coordinator can have two steps waiting for typed text at once (a Return's comment, a
# custom broadcast), each in its own ConversationHandler. Typed text must go only to the
# step last asked for, and any other command ends it: otherwise a broadcast message could
# be taken as a return comment and sent to a partner. So the step asked for is kept in
# user_data, each such step's text handler filters on it, and a handler in an early group
# clears it on any command but /cancel (which cancels that step).

#: user_data key: the name of the step waiting for this user's typed text.
TEXT_STEP_KEY = "text_step"
#: Before the flood guard (group -1): it only forgets a step, and must see every command.
TEXT_STEP_GROUP = -2
_REGISTERED_KEY = "text_steps_registered"


def expect_text(context: Context, step: str) -> None:
    """The user's next typed text is for ``step`` (and no earlier step)."""
    assert context.user_data is not None
    context.user_data[TEXT_STEP_KEY] = step


def end_text_step(context: Context, step: str) -> None:
    """``step`` has its text (or was cancelled): typed text is no longer for it."""
    if context.user_data is not None and context.user_data.get(TEXT_STEP_KEY) == step:
        del context.user_data[TEXT_STEP_KEY]


class AwaitingText(filters.UpdateFilter):
    """Passes updates from a user whose step waiting for text is ``step``."""

    def __init__(self, application: Application, step: str) -> None:  # type: ignore[type-arg]
        super().__init__(name=f"AwaitingText({step})")
        self._user_data = application.user_data
        self._step = step

    def filter(self, update: Update) -> bool:
        user = update.effective_user
        data = self._user_data.get(user.id) if user is not None else None
        return isinstance(data, dict) and data.get(TEXT_STEP_KEY) == self._step


async def _command_ends_text_step(update: Update, context: Context) -> None:
    if context.user_data is not None and context.user_data.pop(TEXT_STEP_KEY, None):
        logger.debug("a command ended user %s's typed step", user_id_of(update))


def register_text_steps(application: Application) -> None:  # type: ignore[type-arg]
    """Add the handler that ends a typed step on another command (once per application)."""
    if application.bot_data.get(_REGISTERED_KEY):
        return
    application.bot_data[_REGISTERED_KEY] = True
    not_cancel = ~filters.Regex(r"^/cancel(@\w+)?(\s|$)")
    application.add_handler(
        MessageHandler(filters.COMMAND & not_cancel, _command_ends_text_step),
        group=TEXT_STEP_GROUP)
