"""Edited messages and group chats, checked before any other handler (group -1).

Edits: Telegram sends an edited message as a new update, and PTB's command and message
handlers take edits too, so an edited ``/register CODE`` registered someone again and an
edit could move a partner's ``/update`` draft on. Here an edit is never a command and never
a step of a conversation: an edited question is answered again (and not counted again as
unanswered), an edited command or an edit mid-update gets a short note, and an edit
in a group is ignored.

Groups: every member of a group speaks for it, so commands that change what is stored
(``/subscribe``, ``/unsubscribe``, ``/forget``, the Subscribe buttons) and partners' and
coordinators' commands work only in a private chat; in a group the bot says so. An invite
code posted in a group is seen by everyone there, so it is withdrawn at once and the
coordinator who made it is told.
"""

from __future__ import annotations

import html
import logging

from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.partners import partners as core
from bot.partners.updates import org_name
from handlers import review
from handlers.common import Context, args_text, services, user_id_of
from handlers.partners import DRAFT_KEY
from handlers.residents import answer_text

logger = logging.getLogger(__name__)

#: Group -1: before the conversations and the residents' handlers.
GROUP = -1

#: Commands that only work in a private chat, answered in a group with PRIVATE_ONLY.
PRIVATE_COMMANDS = ("subscribe", "unsubscribe", "forget", "update", "myupdates", "invite",
                    "partners", "revoke", "pending", "summary", "publish", "broadcast",
                    "reload")
PRIVATE_ONLY = ("That only works in a private chat with me, so nobody else in this group can "
                "change it. Open a chat with me and send it there.")
BUTTON_PRIVATE_ONLY = "Subscriptions work only in a private chat with me."
EDITED_COMMAND = ("I don't act on edited commands. If you meant to send it, send it again "
                  "as a new message.")
EDITED_MID_UPDATE = ("I don't pick up edited messages while you're posting an update. "
                     "Send the corrected text as a new message.")
CODE_IN_GROUP = ("Invite codes must be sent to me in a private chat. Because this one was "
                 "seen in this group, I've cancelled it: please ask your coordinator for a "
                 "new code and send it to me privately.")
REGISTER_IN_GROUP = "Send /register CODE to me in a private chat, never in a group."


def _is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE


# --------------------------------------------------------------------------- edits


async def on_edited(update: Update, context: Context) -> None:
    """An edited message: answered as a question at most, never run as a command."""
    message = update.edited_message
    if message is None:
        raise ApplicationHandlerStop
    text = message.text if message.text is not None else message.caption
    if not _is_private(update):
        if text is not None and _command_of(text) == "register":
            await withdraw_code_seen_in_group(update, context, _code_in(text))
        raise ApplicationHandlerStop  # otherwise an edit in a group is ignored
    if text is not None and text.startswith("/"):
        await context.bot.send_message(message.chat.id, html.escape(EDITED_COMMAND))
    elif context.user_data is not None and context.user_data.get(DRAFT_KEY):
        await context.bot.send_message(message.chat.id, html.escape(EDITED_MID_UPDATE))
    elif text is not None:
        await answer_text(update, context)
    raise ApplicationHandlerStop


# --------------------------------------------------------------------------- groups


async def private_only(update: Update, context: Context) -> None:
    """A private-only command in a group: say so, change nothing."""
    assert update.effective_chat is not None
    logger.info("refused a private-only command in a group")
    await context.bot.send_message(update.effective_chat.id, html.escape(PRIVATE_ONLY))
    raise ApplicationHandlerStop


def _command_of(text: str) -> str:
    """``register`` for ``/register@csp_bot CODE``; "" for text that is no command."""
    if not text.startswith("/"):
        return ""
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()


def _code_in(text: str) -> str:
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def register_in_group(update: Update, context: Context) -> None:
    """/register CODE in a group: the code is now public, so withdraw it."""
    await withdraw_code_seen_in_group(update, context, args_text(context))
    raise ApplicationHandlerStop


async def withdraw_code_seen_in_group(update: Update, context: Context, code: str) -> None:
    """Withdraw ``code``, tell the group (never repeating the code) and its coordinator."""
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    svc = services(context)
    withdrawn = None
    if code:
        withdrawn = await core.withdraw_invite(await svc.storage(), code, user_id_of(update),
                                               "posted-in-group")
    if withdrawn is None:
        await context.bot.send_message(chat_id, html.escape(
            CODE_IN_GROUP if code else REGISTER_IN_GROUP))
        return
    logger.warning("an invite code for %s was posted in a group: withdrawn", withdrawn.org)
    message = update.effective_message
    if message is not None:
        try:
            # Take the code out of the group too, where the bot is allowed to.
            await message.delete()
        except TelegramError as exc:
            logger.debug("could not delete the message with the code: %s", exc)
    await context.bot.send_message(chat_id, html.escape(CODE_IN_GROUP))
    name = org_name(svc.kb, withdrawn.org)
    await review.send_to(context.bot, withdrawn.created_by, html.escape(
        f"An invite code you made for {name} was posted in a group chat, so I've cancelled "
        f"it and nobody can use it. Send /invite {withdrawn.org} for a new one and pass it "
        "on privately."))


async def subscription_button_in_group(update: Update, context: Context) -> None:
    """The Subscribe menu or buttons pressed in a group: refused with an alert."""
    query = update.callback_query
    assert query is not None
    chat = query.message.chat if query.message is not None else None
    if chat is None or chat.type == Chat.PRIVATE:
        return  # a private chat: the residents' handlers take it
    await query.answer(BUTTON_PRIVATE_ONLY, show_alert=True)
    raise ApplicationHandlerStop


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add these checks before every other handler."""
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, on_edited), group=GROUP)
    group_chat = ~filters.ChatType.PRIVATE
    application.add_handler(
        CommandHandler("register", register_in_group, filters=group_chat), group=GROUP)
    application.add_handler(
        CommandHandler(list(PRIVATE_COMMANDS), private_only, filters=group_chat), group=GROUP)
    application.add_handler(
        CallbackQueryHandler(subscription_button_in_group, pattern=r"^(m:subscribe|s:on|s:off)$"),
        group=GROUP)
