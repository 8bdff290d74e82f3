"""What residents get: /start and its menu, free-text answers, and the resident commands.

Callback data (all under 64 bytes, no server-side state, so buttons survive restarts):

* ``m:<menu>``  a menu: report, support, priorities, ward, progress, subscribe, home
* ``t:<id>``    a topic, ``t:ward:<id>`` a ward, ``t:place:<slug>`` a place
* ``s:on`` / ``s:off``  subscribe / unsubscribe
"""

from __future__ import annotations

import html
import logging

from telegram import BotCommand, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.answering.answer import Reply
from bot.answering.render import CAPTION_LIMIT, truncate_caption
from bot.errors import StorageError
from bot.publishing.charts import ChartCache
from bot.publishing.publishing import latest_published
from bot.texts import CONSENT, HELP, NO_PROGRESS, PRIVACY, SAFETY_NOTE, WELCOME
from handlers.common import (
    Context,
    args_text,
    button,
    edit_or_send,
    keyboard,
    send_html,
    services,
    topic_buttons,
)
from handlers.language import chat_language

logger = logging.getLogger(__name__)

CHARTS_KEY = "ward_charts"

#: What a resident is told when a change they asked for could not be saved.
SAVE_FAILED = ("Sorry, I couldn't save that just now. Please try again later. "
               "In an emergency call 999.")

#: Commands shown in Telegram's menu (set in post_init).
COMMANDS = [
    BotCommand("start", "Welcome and menu"),
    BotCommand("report", "Where to report something"),
    BotCommand("support", "Where to get support"),
    BotCommand("priorities", "The partnership's priorities"),
    BotCommand("ward", "Figures for your ward"),
    BotCommand("progress", "The latest progress summary"),
    BotCommand("subscribe", "Get the yearly progress summary"),
    BotCommand("unsubscribe", "Stop the progress summary"),
    BotCommand("privacy", "What this bot stores"),
    BotCommand("forget", "Remove everything stored about you"),
    BotCommand("language", "Polski / اردو / ਪੰਜਾਬੀ / English"),
    BotCommand("haveyoursay", "Open consultations: have your say"),
    BotCommand("help", "How to use this bot"),
    BotCommand("cancel", "Stop what you are doing"),
]

REPORT_KINDS = frozenset({"report"})
SUPPORT_KINDS = frozenset({"support"})


def main_menu() -> InlineKeyboardMarkup:
    markup = keyboard(
        [
            button("Report something", "m:report"),
            button("Get support", "m:support"),
            button("Our priorities", "m:priorities"),
            button("My ward", "m:ward"),
            button("Progress", "m:progress"),
            button("Subscribe", "m:subscribe"),
        ],
        per_row=2,
    )
    assert markup is not None
    return markup


def reply_markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """Suggestion buttons first (when unsure), then related topics; none in a crisis."""
    if reply.crisis:
        return None
    if reply.small_talk in ("greeting", "help"):
        return main_menu()  # "hi", "menu" or "help": the same buttons as /start
    return keyboard(topic_buttons(reply.suggestions, 3) + topic_buttons(reply.related, 4))


# --------------------------------------------------------------------------- commands


async def start(update: Update, context: Context) -> None:
    assert update.effective_chat
    text = f"{html.escape(WELCOME)}\n\n<b>{html.escape(SAFETY_NOTE)}</b>"
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=main_menu())


async def help_command(update: Update, context: Context) -> None:
    assert update.effective_chat
    await send_html(context, update.effective_chat.id, html.escape(HELP))


async def privacy(update: Update, context: Context) -> None:
    assert update.effective_chat
    await send_html(context, update.effective_chat.id, html.escape(PRIVACY))


async def cancel(update: Update, context: Context) -> None:
    assert update.effective_chat
    await context.bot.send_message(
        update.effective_chat.id, "Nothing to cancel. Ask me a question any time.",
        reply_markup=main_menu(),
    )


async def send_reply(context: Context, chat_id: int, reply: Reply) -> None:
    """Send an answer; for a ward with figures, the chart comes after the text."""
    await send_html(context, chat_id, reply.html(), reply_markup(reply))
    if reply.topic and reply.topic.startswith("ward:"):
        await send_ward_chart(context, chat_id, reply.topic.removeprefix("ward:"))


async def answer_text(update: Update, context: Context) -> None:
    """Free text, or a photo's caption: the same answer as ``csp-bot ask``.

    An edited message is answered again, but never counted again as unanswered: an edit
    repeats no side effect.
    """
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    text = message.text if message.text is not None else message.caption
    if text is None:
        return
    svc = services(context)
    # A chat that chose a language (/language) is answered in it; otherwise the message's own.
    chosen = await chat_language(context, update.effective_chat.id)
    reply = svc.responder.answer(text, language=chosen)
    # Logged without who asked: what was matched, to see how the bot is doing, and the
    # text itself only when an operator turned logging.log_message_text on.
    logger.info("answered topic=%s confidence=%.2f crisis=%s", reply.topic, reply.confidence,
                bool(reply.crisis))
    if svc.config.logging.log_message_text:
        logger.info("question text: %r", text)
    edited = update.edited_message is not None
    if (not reply.matched and not reply.crisis and not reply.declined and not reply.small_talk
            and not edited):
        # Counted in memory and written in the background: the answer never waits for the
        # database, and only the words bot.privacy allows are kept.
        svc.note_unanswered(text)
    await send_reply(context, update.effective_chat.id, reply)


MEDIA_REPLY = (
    "I can only read text, so I can't see or hear that. Please type your question in your "
    "own words. In an emergency call 999."
)


async def other_media(update: Update, context: Context) -> None:
    """A voice note, location, contact, sticker, photo without a caption...: say so."""
    assert update.effective_chat
    await context.bot.send_message(update.effective_chat.id, html.escape(MEDIA_REPLY))


async def _kind_command(update: Update, context: Context, kinds: frozenset[str],
                        verb: str, menu: str) -> None:
    assert update.effective_chat
    svc = services(context)
    what = args_text(context)
    if what:
        reply = svc.responder.answer(f"{verb} {what}", kinds=kinds)
        if reply.matched or reply.crisis:
            await send_reply(context, update.effective_chat.id, reply)
            return
    text, markup = menu_content(context, menu)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def report(update: Update, context: Context) -> None:
    await _kind_command(update, context, REPORT_KINDS, "report", "report")


async def support(update: Update, context: Context) -> None:
    await _kind_command(update, context, SUPPORT_KINDS, "support for", "support")


async def priorities(update: Update, context: Context) -> None:
    assert update.effective_chat
    text, markup = menu_content(context, "priorities")
    await send_html(context, update.effective_chat.id, text, markup)


async def ward(update: Update, context: Context) -> None:
    assert update.effective_chat
    chat_id = update.effective_chat.id
    name = args_text(context)
    svc = services(context)
    if not name:
        text, markup = menu_content(context, "ward")
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        return
    reply = svc.responder.area_reply(name) or svc.responder.unknown_area_reply(name)
    await send_reply(context, chat_id, reply)


async def send_ward_chart(context: Context, chat_id: int, ward_id: str) -> None:
    """A bar chart as a photo, numbers in the caption, for each figure the plan gives."""
    from bot.answering.answer import format_value

    kb = services(context).kb
    w = kb.wards.get(ward_id)
    if w is None:
        return
    for fig, png in await chart_cache(context.application).ward_charts(kb, ward_id):
        parts = [f"{fig.area or w.name}: {format_value(fig.value)} {fig.unit}"]
        parts += [f"{k}: {format_value(v)}" for k, v in fig.comparison.items()]
        caption = truncate_caption(
            f"<b>{html.escape(fig.name.capitalize())}</b>\n" +
            html.escape("\n".join(parts)), CAPTION_LIMIT)
        await context.bot.send_photo(chat_id, InputFile(png, filename="ward.png"),
                                     caption=caption)


def chart_cache(application: Application) -> ChartCache:  # type: ignore[type-arg]
    """The application's ward charts (drawn off the event loop, cached per knowledge)."""
    cache = application.bot_data.get(CHARTS_KEY)
    if not isinstance(cache, ChartCache):
        cache = application.bot_data[CHARTS_KEY] = ChartCache()
    return cache


async def progress(update: Update, context: Context) -> None:
    assert update.effective_chat
    await send_progress(context, update.effective_chat.id)


async def send_progress(context: Context, chat_id: int) -> None:
    """The latest published summary, message by message, or a plain "not yet"."""
    latest = await latest_published(await services(context).storage())
    if latest is None:
        await context.bot.send_message(
            chat_id, NO_PROGRESS)
        return
    for message in latest.messages:
        await send_html(context, chat_id, message)


async def subscribe(update: Update, context: Context) -> None:
    assert update.effective_chat
    chat_id = update.effective_chat.id
    try:
        db = await services(context).storage()
        new = await db.subscribe(chat_id)
    except StorageError:
        logger.exception("could not save a subscription")
        await context.bot.send_message(chat_id, html.escape(SAVE_FAILED))
        return
    first = "Subscribed." if new else "You're already subscribed."
    await context.bot.send_message(chat_id, html.escape(f"{first} {CONSENT}"))


async def unsubscribe(update: Update, context: Context) -> None:
    assert update.effective_chat
    chat_id = update.effective_chat.id
    try:
        db = await services(context).storage()
        was = await db.unsubscribe(chat_id)
    except StorageError:
        logger.exception("could not save an unsubscription")
        await context.bot.send_message(chat_id, html.escape(SAVE_FAILED))
        return
    text = "Unsubscribed: you won't get progress summaries." if was else (
        "You weren't subscribed.")
    await context.bot.send_message(chat_id, text)


async def forget(update: Update, context: Context) -> None:
    """Remove everything stored about this chat (and this user's drafts)."""
    assert update.effective_chat
    chat_id = update.effective_chat.id
    user = update.effective_user
    try:
        db = await services(context).storage()
        removed = await db.forget_chat(chat_id)
        if user is not None and user.id != chat_id:
            await db.forget_chat(user.id)
    except StorageError:
        logger.exception("could not forget a chat")
        await context.bot.send_message(chat_id, html.escape(SAVE_FAILED))
        return
    if user is not None:
        # In memory too, or the next persistence flush would write it back.
        context.application.drop_user_data(user.id)
    logger.info("forgot a chat (%d rows)", removed)
    await context.bot.send_message(
        chat_id,
        "Done: I've removed everything this bot stored about this chat. You're no longer "
        "subscribed. Telegram keeps this chat itself: delete it in Telegram if you want it "
        "gone from your phone.",
    )


# --------------------------------------------------------------------------- buttons


def menu_content(context: Context, name: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """(HTML text, buttons) of a menu."""
    responder = services(context).responder
    if name == "report":
        return ("<b>What do you want to report?</b>\nIn an emergency call 999.",
                keyboard(topic_buttons(responder.topics_of("report"), 40), per_row=2))
    if name == "support":
        return ("<b>What do you need support with?</b>\nIf you are in danger now, call 999.",
                keyboard(topic_buttons(responder.topics_of("support"), 40), per_row=2))
    if name == "priorities":
        overview = responder.topic_reply("priorities-overview")
        text = overview.html() if overview else "<b>The partnership's priorities</b>"
        return text, keyboard(topic_buttons(responder.topics_of("priority", "theme"), 12))
    if name == "ward":
        wards = [w for w in responder.kb.wards.values()]
        buttons = [button(w.name, f"t:ward:{w.id}") for w in wards]
        return ("<b>Your ward</b>\nSend /ward and your ward's name, for example "
                "<code>/ward Stapenhill</code>, or choose one the plan names:",
                keyboard(buttons, per_row=2))
    return html.escape(WELCOME), main_menu()


async def on_menu(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query and query.data
    await query.answer()
    name = query.data.removeprefix("m:")
    chat_id = query.message.chat.id if query.message else query.from_user.id
    if name == "progress":
        await send_progress(context, chat_id)
        return
    if name == "subscribe":
        db = await services(context).storage()
        on = await db.is_subscribed(chat_id)
        status = "You're subscribed." if on else "You're not subscribed."
        markup = keyboard([button("Unsubscribe", "s:off")] if on else
                          [button("Subscribe", "s:on")])
        await edit_or_send(query, context, html.escape(f"{status}\n\n{CONSENT}"), markup)
        return
    text, markup = menu_content(context, name)
    await edit_or_send(query, context, text, markup)


async def on_topic(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query and query.data
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    reply = services(context).responder.topic_reply(query.data.removeprefix("t:"))
    if reply is None:
        # An old button for a topic since removed from the knowledge base.
        await context.bot.send_message(chat_id, "Sorry, that topic is no longer available. "
                                       "Ask me in your own words.", reply_markup=main_menu())
        return
    await send_reply(context, chat_id, reply)


async def on_subscription(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query and query.data
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    db = await services(context).storage()
    if query.data == "s:on":
        await db.subscribe(chat_id)
        text = "Subscribed. " + CONSENT
        markup = keyboard([button("Unsubscribe", "s:off")])
    else:
        await db.unsubscribe(chat_id)
        text = "Unsubscribed: you won't get progress summaries."
        markup = keyboard([button("Subscribe", "s:on")])
    await edit_or_send(query, context, html.escape(text), markup)


async def on_unknown_button(update: Update, context: Context) -> None:
    """Every callback query is answered, even a stale or forged one."""
    query = update.callback_query
    assert query
    await query.answer("This button is no longer in use.")


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the residents' handlers. Partner conversations are registered before these."""
    # The flood guard runs in handlers.serial, as updates arrive.
    private = filters.ChatType.PRIVATE
    for name, callback in [
        ("start", start), ("help", help_command), ("privacy", privacy),
        ("report", report), ("support", support), ("priorities", priorities),
        ("ward", ward), ("progress", progress), ("subscribe", subscribe),
        ("unsubscribe", unsubscribe), ("forget", forget), ("cancel", cancel),
    ]:
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(on_menu, pattern=r"^m:"))
    application.add_handler(CallbackQueryHandler(on_topic, pattern=r"^t:"))
    application.add_handler(CallbackQueryHandler(on_subscription, pattern=r"^s:(on|off)$"))
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & private, answer_text)
    )
    # A photo's caption is read like text (it may be someone in danger); anything else
    # without text gets a short reply rather than silence. Edits are handled in
    # handlers.inputs, before any of these.
    new = filters.UpdateType.MESSAGE & private & ~filters.TEXT
    application.add_handler(MessageHandler(new & filters.CAPTION, answer_text))
    application.add_handler(
        MessageHandler(new & ~filters.CAPTION & ~filters.StatusUpdate.ALL, other_media))


def register_fallbacks(application: Application) -> None:  # type: ignore[type-arg]
    """Last of all: answer any button no other handler took."""
    application.add_handler(CallbackQueryHandler(on_unknown_button))
