"""Consultations on Telegram: coordinators ask, residents answer anonymously.

* ``/consult`` (coordinators): the consultation as a few lines (see
  :data:`bot.consult.core.EXAMPLE`), a preview with the subscriber count, then Confirm or
  Cancel. On its opening date it is sent to subscribers by the broadcast engine (paced,
  resumed after a crash): the broadcast's message is a marker that :func:`send_special`
  turns into the consultation.
* ``/haveyoursay`` (anyone): the open consultations, to answer.
* ``/results ID`` (coordinators): counts, shares and charts, small wards folded.

A consultation without a ward question is a Telegram anonymous poll (the bot sees counts
only, as ``poll`` updates). With a ward question it has buttons: ``cs:a:ID:OPTION`` then
``cs:w:ID:OPTION:WARD`` (the answer rides in the ward buttons, so nothing about a half
answer is stored). Preview buttons: ``cs:y:KEY`` confirm, ``cs:n:KEY`` cancel, where KEY
names the draft. Every privileged command and button re-checks the sender's role. Nothing
here logs a chat id together with an answer.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import secrets
from typing import Any

from telegram import Bot, BotCommand, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    PollHandler,
    filters,
)

from bot.consult import core, results
from bot.errors import CspBotError
from bot.partners.partners import record
from bot.publishing import broadcast as engine
from bot.services import Services
from handlers import publishing
from handlers.common import (
    Context,
    button,
    coordinator_or_refuse,
    keyboard,
    services,
    services_of,
)

logger = logging.getLogger(__name__)

COORDINATOR_COMMANDS = [
    BotCommand("consult", "Ask subscribers a short anonymous question"),
    BotCommand("results", "Results of a consultation: /results 3"),
]
DRAFT_KEY = "consult_draft"
#: How often consultations due to open or close are looked for.
CHECK_EVERY = 60.0
CHECK_JOB = "consultations"

ANONYMOUS = ("Anonymous: we count answers, never who gave them, and you can answer once.")


async def _today(svc: Services) -> dt.date:
    # The partnership's date (config timezone) from the storage clock, which tests move.
    db = await svc.storage()
    return svc.config.local_now(db.clock()).date()


# --------------------------------------------------------------------------- coordinators


def _body(update: Update) -> str:
    """The text after ``/consult``, newlines kept (context.args would lose them)."""
    text = update.effective_message.text if update.effective_message else None
    first, _, rest = (text or "").partition("\n")
    head = first.split(maxsplit=1)
    return ((head[1] if len(head) > 1 else "") + "\n" + rest).strip()


def describe(spec: core.Spec) -> str:
    lines = [f"<b>{html.escape(spec.question)}</b>", ""]
    lines += [f"• {html.escape(o)}" for o in spec.options]
    lines += ["", "Also asks which ward they live in (answers stored with the ward only)."
              if spec.ask_ward else "Sent as an anonymous Telegram poll.",
              f"Open {spec.opens_on:%d %B %Y} to {spec.closes_on:%d %B %Y}."]
    return "\n".join(lines)


async def consult_command(update: Update, context: Context) -> None:
    if await coordinator_or_refuse(update, context, "/consult") is None:
        return
    assert update.effective_chat and context.user_data is not None
    chat_id = update.effective_chat.id
    body = _body(update)
    if not body:
        await context.bot.send_message(
            chat_id, "Send the consultation in one message, for example:\n\n<code>/consult "
            + html.escape(core.EXAMPLE) + "</code>\n\nOptions: up to 10, separated by |, or "
            "<code>options: scale</code> for 1 to 5. <code>ward: yes</code> also asks "
            "which ward they live in.")
        return
    svc = services(context)
    try:
        spec = core.parse_spec(body, await _today(svc))
    except CspBotError as exc:
        await context.bot.send_message(chat_id, html.escape(f"Not created: {exc}."))
        return
    key = secrets.token_urlsafe(6)
    context.user_data[DRAFT_KEY] = {"key": key, "text": body}
    count = await (await svc.storage()).count_subscribers()
    await context.bot.send_message(
        chat_id, describe(spec) + f"\n\nSend this to <b>{count:,}</b> subscriber(s) when it "
        "opens? Residents can also answer with /haveyoursay.",
        reply_markup=keyboard([button("Confirm", f"cs:y:{key}"),
                               button("Cancel", f"cs:n:{key}")], per_row=2))


async def _acknowledge(update: Update, text: str | None = None) -> None:
    query = update.callback_query
    assert query
    try:
        await query.answer(text[:200] if text else None, show_alert=bool(text))
    except TelegramError as exc:
        logger.warning("could not answer a button press: %s", exc)


async def _edit(update: Update, text: str) -> None:
    query = update.callback_query
    assert query
    try:
        await query.edit_message_text(text, disable_web_page_preview=True)
    except TelegramError as exc:  # deleted, too old, or the same text
        logger.debug("could not edit a consultation message: %s", exc)


async def confirm(update: Update, context: Context) -> None:
    user_id = await coordinator_or_refuse(update, context, "consult confirm")
    if user_id is None:
        return
    query = update.callback_query
    assert query and query.data and context.user_data is not None
    key = query.data.split(":", 2)[2]
    draft = context.user_data.get(DRAFT_KEY)
    svc = services(context)
    db = await svc.storage()
    if not isinstance(draft, dict) or draft.get("key") != key:
        existing = await db.fetch_value(
            "SELECT id FROM consultations WHERE draft_key = ?", (key,))
        await _acknowledge(update, f"Consultation {existing} was created already."
                           if existing else "That preview is out of date: nothing was created.")
        return
    try:
        spec = core.parse_spec(draft["text"], await _today(svc))
    except CspBotError as exc:  # e.g. the closing date passed since the preview
        await _acknowledge(update, f"Not created: {exc}.")
        return
    async with db.transaction():
        consultation, created = await core.create(db, spec, svc.kb, user_id, draft_key=key)
        if created:
            await record(db, user_id, "consult", f"consultation={consultation.id}")
    context.user_data.pop(DRAFT_KEY, None)
    opened = await open_and_close(context.application)
    await _acknowledge(update)
    when = ("It is being sent to subscribers now; I'll report progress here."
            if consultation.id in opened else
            f"It opens on {spec.opens_on:%d %B %Y} and is sent to subscribers then.")
    await _edit(update, f"Consultation {consultation.id} created. {when} "
                f"Results: /results {consultation.id}")


async def cancel(update: Update, context: Context) -> None:
    if await coordinator_or_refuse(update, context, "consult cancel") is None:
        return
    query = update.callback_query
    assert query and query.data and context.user_data is not None
    draft = context.user_data.get(DRAFT_KEY)
    if isinstance(draft, dict) and draft.get("key") == query.data.split(":", 2)[2]:
        context.user_data.pop(DRAFT_KEY, None)
    await _acknowledge(update)
    await _edit(update, "Consultation cancelled: nothing was created.")


async def results_command(update: Update, context: Context) -> None:
    if await coordinator_or_refuse(update, context, "/results") is None:
        return
    assert update.effective_chat
    chat_id = update.effective_chat.id
    arg = " ".join(context.args or []).strip().lstrip("#")
    svc = services(context)
    db = await svc.storage()
    if not arg.isdigit():
        listed = await db.fetch_all(
            "SELECT id, question, status FROM consultations ORDER BY id DESC LIMIT 10")
        lines = [f"{r['id']}: {html.escape(r['question'])} ({r['status']})" for r in listed]
        await context.bot.send_message(
            chat_id, "Which consultation? <code>/results ID</code>"
            + ("\n\n" + "\n".join(lines) if lines else "\n\nThere are none yet."))
        return
    try:
        found = await results.results_for(db, int(arg), svc.config.consult.min_ward_count)
    except CspBotError as exc:
        await context.bot.send_message(chat_id, html.escape(str(exc)))
        return
    await context.bot.send_message(chat_id, results.render_text(found))
    if found.total:
        await context.bot.send_photo(chat_id, InputFile(results.options_png(found),
                                                        filename="answers.png"))
        if found.wards:
            await context.bot.send_photo(chat_id, InputFile(results.wards_png(found),
                                                            filename="areas.png"))


# --------------------------------------------------------------------------- residents


def question_text(c: core.Consultation) -> str:
    return (f"<b>Have your say</b>\n\n{html.escape(c.question)}\n\n<i>{ANONYMOUS} "
            f"Open until {c.closes_on:%d %B %Y}.</i>")


def option_markup(c: core.Consultation) -> Any:
    buttons = [button(label, f"cs:a:{c.id}:{i}") for i, label in enumerate(c.options)]
    return keyboard(buttons, per_row=5 if c.scale else 1)


async def send_consultation(bot: Bot, chat_id: int, c: core.Consultation, db: Any,
                            extra: dict[str, Any] | None = None) -> bool:
    """Send ``c`` to one chat; False if it was not sent because the chat has it already."""
    extra = extra or {}
    if not c.uses_poll:
        await bot.send_message(chat_id, question_text(c), reply_markup=option_markup(c),
                               **extra)
        return True
    if not await core.claim_poll(db, c.id, chat_id):
        return False
    try:
        message = await bot.send_poll(chat_id, c.question, list(c.options), is_anonymous=True,
                                      **extra)
    except BaseException:
        await core.release_poll(db, c.id, chat_id)
        raise
    if message.poll is not None:
        await core.register_poll(db, c.id, message.poll.id, len(c.options))
    return True


def special_sender(application: Application) -> publishing.SpecialSender:  # type: ignore[type-arg]
    async def send(bot: Bot, chat_id: int, text: str, extra: dict[str, Any]) -> bool:
        consultation_id = core.consultation_of(text)
        if consultation_id is None:
            return False
        db = await services_of(application).storage()
        c = await core.get(db, consultation_id)
        if c.status != "open":
            raise engine.Rejected(f"consultation {c.id} is {c.status}")
        await send_consultation(bot, chat_id, c, db, extra)
        return True

    return send


async def haveyoursay_command(update: Update, context: Context) -> None:
    assert update.effective_chat
    chat_id = update.effective_chat.id
    db = await services(context).storage()
    open_now = await core.list_by_status(db, "open")
    if not open_now:
        await context.bot.send_message(
            chat_id, "There is no consultation open just now. Subscribers hear about the "
            "next one: /subscribe")
        return
    for c in open_now:
        if await core.has_answered(db, c.id, chat_id) or not await send_consultation(
                context.bot, chat_id, c, db):
            await context.bot.send_message(
                chat_id, f"You have had \u201c{html.escape(c.question)}\u201d already: "
                "thank you. (A poll sent to you earlier is further up this chat.)")


async def on_answer(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query and query.data
    parts = query.data.split(":")
    chat = update.effective_chat
    if chat is None or len(parts) not in (4, 5) or not all(p.isdigit() for p in parts[2:]):
        await _acknowledge(update)
        return
    db = await services(context).storage()
    consultation_id, choice = int(parts[2]), int(parts[3])
    try:
        c = await core.get(db, consultation_id)
    except CspBotError:
        await _acknowledge(update, "That consultation no longer exists.")
        return
    if c.status != "open":
        await _acknowledge(update, "That consultation has closed. Thank you all the same.")
        return
    if not 0 <= choice < len(c.options):
        await _acknowledge(update)
        return
    if c.wards is not None and len(parts) == 4:
        if await core.has_answered(db, c.id, chat.id):
            await _acknowledge(update, "You have already answered this one. Thank you!")
            return
        # The answer is carried in the ward buttons' data, not stored while they choose.
        wards = [button(name, f"cs:w:{c.id}:{choice}:{i}") for i, (_, name) in
                 enumerate(c.wards)]
        await _acknowledge(update)
        try:
            await query.edit_message_text(
                f"{html.escape(c.question)}\nYour answer: <b>"
                f"{html.escape(c.options[choice])}</b>\n\nWhich area do you live in? It is "
                "kept only with your answer, never with who you are.",
                reply_markup=keyboard(wards, per_row=2))
        except TelegramError as exc:
            logger.debug("could not show the ward question: %s", exc)
        return
    ward: str | None = None
    if c.wards is not None:
        index = int(parts[4])
        if not 0 <= index < len(c.wards):
            await _acknowledge(update)
            return
        ward = c.wards[index][0]
    outcome = await core.record_answer(db, c.id, chat.id, choice, ward)
    if outcome == "already":
        await _acknowledge(update, "You have already answered this one. Thank you!")
        await _edit(update, f"{html.escape(c.question)}\n\nYou have answered this one.")
        return
    if outcome != "counted":
        await _acknowledge(update, "That consultation has closed. Thank you all the same.")
        return
    await _acknowledge(update)
    await _edit(update, f"{html.escape(c.question)}\n\nThank you: your answer is counted. "
                "It is kept with no link to you. Results are published in the progress "
                "summary.")


async def on_poll(update: Update, context: Context) -> None:
    poll = update.poll
    if poll is None:
        return
    db = await services(context).storage()
    counts = [option.voter_count for option in poll.options]
    found = await core.record_poll(db, poll.id, counts)
    if found is None:
        logger.debug("a poll update for no open consultation")


# --------------------------------------------------------------------------- opening, closing


async def open_and_close(application: Application) -> list[int]:  # type: ignore[type-arg]
    """Close consultations past their closing date, open those due, and start sending
    each one opened; returns the ids opened."""
    svc = services_of(application)
    db = await svc.storage()
    today = await _today(svc)
    closed = await core.close_due(db, today)
    if closed:
        logger.info("consultations closed: %s", closed)
    opened = await core.open_due(db, today)
    for c in opened:
        if c.broadcast_id is not None:
            publishing.start_broadcast(application, c.broadcast_id, c.created_by or None)
    return [c.id for c in opened]


async def check_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        await open_and_close(context.application)
    except CspBotError:
        logger.exception("consultations: opening or closing failed; tried again later")


# --------------------------------------------------------------------------- wiring


def register(application: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    for handler in [
        CommandHandler("consult", consult_command, filters=private),
        CommandHandler("results", results_command, filters=private),
        CommandHandler("haveyoursay", haveyoursay_command),
        CallbackQueryHandler(confirm, pattern=r"^cs:y:[\w-]+$"),
        CallbackQueryHandler(cancel, pattern=r"^cs:n:[\w-]+$"),
        CallbackQueryHandler(on_answer, pattern=r"^cs:[aw]:"),
        PollHandler(on_poll),
    ]:
        application.add_handler(handler)
    application.bot_data.setdefault(publishing.SPECIAL_SENDERS, []).append(
        special_sender(application))
    if application.job_queue is not None:
        application.job_queue.run_repeating(check_job, CHECK_EVERY, first=1.0, name=CHECK_JOB)
