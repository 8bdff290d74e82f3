"""``/language``: the language a chat is answered in, kept as a preference ``/forget`` removes.

* ``/language pl`` (``ur``, ``pa``) stores the choice and shows that language's welcome and
  menu; ``/language en`` removes it; ``/language`` alone lists the choices.
* Without a choice, each message is answered in the language it is written in.
* Menu buttons carry ``lt:<lang>:<topic>`` (under 64 bytes, no server-side state), so they
  answer in the language they were shown in, even after a restart.

The choice is one row in the key-value store, namespace ``language``, keyed by the chat id:
``Storage.forget_chat`` removes every key naming the chat, so ``/forget`` removes it too, and
no migration is needed. It stores no message text.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.answering import i18n
from bot.answering.language import ENGLISH, NAMES, SUPPORTED
from bot.errors import StorageError
from bot.texts import SAFETY_NOTE, WELCOME
from handlers.common import Context, args_text, button, keyboard, send_html, services

logger = logging.getLogger(__name__)

NAMESPACE = "language"
#: Core topics offered as buttons in a language's menu, in this order.
MENU_TOPICS = ("emergency", "non-emergency", "domestic-abuse-support", "hate-crime-report",
               "asb-report", "drugs-report", "drugs-alcohol-support",
               "child-safeguarding-report", "mental-health")
CHOICES = "\n".join(f"{NAMES[code]}: /language {code}" for code in (ENGLISH, *SUPPORTED))
PRIVATE_ONLY = "/language works in a private chat with the bot."


async def chat_language(context: Context, chat_id: int) -> str | None:
    """The chat's chosen language, or None (then each message's own language is used)."""
    try:
        db = await services(context).storage()
        value = await db.kv_get(NAMESPACE, str(chat_id))
    except StorageError:
        logger.warning("could not read a chat's language; answering by detection")
        return None
    return value if value in SUPPORTED else None


def language_menu(context: Context, language: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """(HTML text, buttons) of a language's welcome and menu."""
    directory = i18n.translations_dir(services(context).responder)
    t = i18n.translation(language, directory)
    if t is None:
        return html.escape(WELCOME), None
    reply = i18n.welcome_reply(t)
    buttons = [button(t.topics[tid].title, f"lt:{language}:{tid}")
               for tid in MENU_TOPICS if tid in t.topics]
    buttons.append(button(t.text("english_menu") or "English", "m:home"))
    return reply.html(), keyboard(buttons)


async def language_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat
    if chat.type != ChatType.PRIVATE:
        await context.bot.send_message(chat.id, html.escape(PRIVATE_ONLY))
        return
    code = args_text(context).lower()
    if code not in (ENGLISH, *SUPPORTED):
        await context.bot.send_message(chat.id, html.escape(CHOICES))
        return
    try:
        db = await services(context).storage()
        if code == ENGLISH:
            await db.kv_delete(NAMESPACE, str(chat.id))
        else:
            await db.kv_set(NAMESPACE, str(chat.id), code)
    except StorageError:
        logger.exception("could not save a chat's language")
        await context.bot.send_message(chat.id, "Sorry, I couldn't save that just now. "
                                       "In an emergency call 999.")
        return
    if code == ENGLISH:
        from handlers.residents import main_menu

        text = f"{html.escape(WELCOME)}\n\n<b>{html.escape(SAFETY_NOTE)}</b>"
        await context.bot.send_message(chat.id, text, reply_markup=main_menu())
        return
    text, markup = language_menu(context, code)
    t = i18n.translation(code, i18n.translations_dir(services(context).responder))
    confirm = html.escape(t.text("language_set")) + "\n\n" if t else ""
    await send_html(context, chat.id, confirm + text, markup)


async def on_language_topic(update: Update, context: Context) -> None:
    """A ``lt:<lang>:<topic>`` button: that topic, in that language."""
    query = update.callback_query
    assert query and query.data
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    _, language, topic_id = query.data.split(":", 2)
    responder = services(context).responder
    t = i18n.translation(language, i18n.translations_dir(responder)) \
        if language in SUPPORTED else None
    if t is None or topic_id not in t.topics or topic_id not in responder.kb.topics:
        await context.bot.send_message(chat_id, "Sorry, that topic is no longer available. "
                                       "Ask me in your own words.")
        return
    reply = i18n.topic_reply(responder, t, topic_id)
    await send_html(context, chat_id, reply.html())


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(CallbackQueryHandler(on_language_topic, pattern=r"^lt:[a-z]+:"))
