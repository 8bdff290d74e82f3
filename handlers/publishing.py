"""Coordinators publish the progress summary and broadcast it to subscribers.

* ``/summary PERIOD``: a preview in chat, with the HTML page as a document.
* ``/publish PERIOD``: stores a new immutable version; residents' ``/progress`` shows it.
* ``/broadcast``: the latest published summary or a custom message, a preview with the
  recipient count, then Confirm or Cancel. Sending runs in the background at the
  configured rate; the coordinator sees progress and a final report.

Callback data: ``bc:s`` (summary), ``bc:c`` (custom), ``bc:y:KEY`` (confirm), ``bc:n:KEY``
(cancel), where KEY names the draft previewed: an old preview's buttons are refused, and a
second Confirm of one draft finds the broadcast the first created.
Every command and button re-checks that the sender is a coordinator at that moment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import secrets
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, BotCommand, CallbackQuery, InputFile, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.errors import BroadcastError, CspBotError
from bot.partners.partners import record
from bot.partners.periods import parse_period, year_of
from bot.publishing import broadcast as engine
from bot.publishing.publishing import latest_published, publish
from bot.publishing.summary import render_html, render_text, summary_for
from handlers.common import (
    AwaitingText,
    Context,
    button,
    coordinator_or_refuse,
    end_text_step,
    expect_text,
    keyboard,
    register_text_steps,
    send_html,
    services,
    services_of,
)

logger = logging.getLogger(__name__)

COORDINATOR_COMMANDS = [
    BotCommand("summary", "Preview the progress summary: /summary 2024-25"),
    BotCommand("publish", "Publish the progress summary: /publish 2024-25"),
    BotCommand("broadcast", "Send the summary or a message to subscribers"),
]

# Conversation states of /broadcast.
CHOOSE, CUSTOM, CONFIRM = "bc_choose", "bc_custom", "bc_confirm"
DRAFT_KEY = "broadcast_draft"
TEXT_STEP = "broadcast_custom"  # handlers.common.expect_text: typed text is the message
PROGRESS_EVERY = 10.0  # seconds between progress notes to the coordinator
RUNNING_KEY = "broadcast_tasks"  # bot_data: broadcast id -> its sending task
# Confirm / Cancel of a preview: ``bc:y:KEY`` (``bc:y`` from before keys, still answered).
CONFIRM_DATA = r"^bc:y(:[\w-]+)?$"
CANCEL_DATA = r"^bc:n(:[\w-]+)?$"


def _period_arg(context: Context) -> str:
    return " ".join(context.args or []).strip()


# --------------------------------------------------------------------------- summary, publish


async def summary_command(update: Update, context: Context) -> None:
    if await coordinator_or_refuse(update, context, "/summary") is None:
        return
    assert update.effective_chat
    chat_id = update.effective_chat.id
    svc = services(context)
    try:
        period = parse_period(_period_arg(context) or year_of(
            services(context).config.local_now().date()).label)
    except CspBotError as exc:
        await context.bot.send_message(chat_id, html.escape(str(exc)))
        return
    summary = await summary_for(await svc.storage(), svc.kb, period,
                                svc.config.consult.min_ward_count)
    for message in render_text(summary):
        await context.bot.send_message(chat_id, message, disable_web_page_preview=True)
    page = render_html(summary).encode("utf-8")
    name = f"progress-{period.label.replace(' ', '-')}.html"
    await context.bot.send_document(
        chat_id, InputFile(page, filename=name),
        caption=f"Preview of the web page. To publish: /publish {html.escape(period.label)}")


async def publish_command(update: Update, context: Context) -> None:
    if await coordinator_or_refuse(update, context, "/publish") is None:
        return
    assert update.effective_chat and update.effective_user
    chat_id = update.effective_chat.id
    text = _period_arg(context)
    if not text:
        await context.bot.send_message(
            chat_id, "Which period? For example <code>/publish 2024-25</code> for the year "
            "or <code>/publish 2024-25 Q3</code> for a quarter.")
        return
    try:
        period = parse_period(text)
    except CspBotError as exc:
        await context.bot.send_message(chat_id, html.escape(str(exc)))
        return
    svc = services(context)
    published, summary = await publish(await svc.storage(), svc.kb, period,
                                       update.effective_user.id,
                                       svc.config.consult.min_ward_count)
    counts = summary.counts
    await context.bot.send_message(
        chat_id,
        f"Published {html.escape(published.period)}, version {published.version}: "
        f"{counts.updates} update(s). Residents' /progress now shows it; /broadcast sends "
        "it to subscribers.")


# --------------------------------------------------------------------------- broadcast flow


async def broadcast_start(update: Update, context: Context) -> str | int:
    if await coordinator_or_refuse(update, context, "/broadcast") is None:
        return ConversationHandler.END
    assert update.effective_chat and context.user_data is not None
    context.user_data.pop(DRAFT_KEY, None)
    await context.bot.send_message(
        update.effective_chat.id, "What would you like to send to subscribers?",
        reply_markup=keyboard([button("Latest published summary", "bc:s"),
                               button("A custom message", "bc:c"),
                               button("Cancel", "bc:n")]))
    return CHOOSE


async def broadcast_choose(update: Update, context: Context) -> str | int:
    query = update.callback_query
    assert query and query.data and context.user_data is not None
    if await coordinator_or_refuse(update, context, "broadcast button") is None:
        return ConversationHandler.END
    await query.answer()
    if query.data == "bc:c":
        await query.edit_message_text(
            "Send the message as you want subscribers to read it (plain text, up to 4,000 "
            "characters). /cancel to stop.")
        expect_text(context, TEXT_STEP)
        return CUSTOM
    db = await services(context).storage()
    latest = await latest_published(db)
    if latest is None:
        await query.edit_message_text("Nothing has been published yet: use /publish first.")
        return ConversationHandler.END
    context.user_data[DRAFT_KEY] = _new_draft("summary", latest.teaser())
    await _drop_buttons(query)  # its Cancel would otherwise act on the draft made now
    return await _preview(update, context)


async def broadcast_custom(update: Update, context: Context) -> str | int:
    if await coordinator_or_refuse(update, context, "broadcast message") is None:
        return ConversationHandler.END
    message = update.effective_message
    assert message and message.text is not None and context.user_data is not None
    if len(message.text) > 4000:
        await message.reply_text(f"That is {len(message.text):,} characters; the limit is "
                                 "4,000. Please send a shorter message.")
        return CUSTOM
    context.user_data[DRAFT_KEY] = _new_draft("custom", html.escape(message.text, quote=False))
    end_text_step(context, TEXT_STEP)
    return await _preview(update, context)


def _new_draft(kind: str, message: str) -> dict[str, str]:
    """A broadcast draft with its own key: its Confirm and Cancel buttons carry the key, so
    an old preview's buttons can never act on a newer draft, and a second Confirm of the
    same draft finds the broadcast the first one created (``engine.create_once``)."""
    return {"kind": kind, "message": message, "key": secrets.token_urlsafe(6)}


def _button_key(data: str | None) -> str | None:
    """The draft key a Confirm/Cancel button carries (``bc:y:KEY``); None on old buttons."""
    parts = (data or "").split(":", 2)
    return parts[2] if len(parts) == 3 else None


async def _preview(update: Update, context: Context) -> str:
    assert update.effective_chat and context.user_data is not None
    db = await services(context).storage()
    count = await db.count_subscribers()
    draft = context.user_data[DRAFT_KEY]
    chat_id = update.effective_chat.id
    await send_html(context, chat_id, draft["message"])
    await context.bot.send_message(
        chat_id, f"Send this to <b>{count:,}</b> subscriber(s)?",
        reply_markup=keyboard([button("Confirm", f"bc:y:{draft['key']}"),
                               button("Cancel", f"bc:n:{draft['key']}")], per_row=2))
    return CONFIRM


async def broadcast_confirm(update: Update, context: Context) -> int | None:
    """Confirm: create the broadcast and start it, as one step.

    The broadcast is created and its sending task started before anything else is sent to
    Telegram, so no failed acknowledgement or edit can leave it created but never sent.
    A Confirm whose key is not the current draft's is refused (an old preview), unless it
    is a draft already sent, which is then said (and left running).
    """
    query = update.callback_query
    assert query and context.user_data is not None
    user_id = await coordinator_or_refuse(update, context, "broadcast confirm")
    if user_id is None:
        return ConversationHandler.END
    assert update.effective_chat
    chat_id = update.effective_chat.id
    db = await services(context).storage()
    key = _button_key(query.data)
    draft = context.user_data.get(DRAFT_KEY)
    if not isinstance(draft, dict) or draft.get("key") != key:
        existing = await db.fetch_one(
            "SELECT id, status FROM broadcasts WHERE draft_key = ?", (key,)) if key else None
        if existing is not None:
            # A double tap, or a retry after an error: the first press did it. Should it
            # not be running (nothing here is final), this press gets it going.
            if existing["status"] in ("pending", "running"):
                start_broadcast(context.application, int(existing["id"]), chat_id)
            await _acknowledge(query, f"Broadcast {existing['id']} is already on its way.")
        else:
            await _acknowledge(query, "That preview is out of date: nothing was sent. Use "
                               "the buttons of the latest preview, or send /broadcast.")
        await _drop_buttons(query)
        return None  # whatever the coordinator is doing now carries on
    async with db.transaction():
        broadcast_id, created = await engine.create_once(
            db, user_id, draft["kind"], draft["message"], draft_key=key)
        if created:
            await record(db, user_id, "broadcast", f"broadcast={broadcast_id}")
    start_broadcast(context.application, broadcast_id, chat_id)
    context.user_data.pop(DRAFT_KEY, None)
    logger.info("broadcast %d confirmed by %s", broadcast_id, user_id)
    await _acknowledge(query)
    started = f"Broadcast {broadcast_id} started. I'll report progress here."
    try:
        await query.edit_message_text(started)
    except TelegramError as exc:  # the preview was deleted, or Telegram failed: say it anew
        logger.warning("could not edit the broadcast preview: %s", exc)
        try:
            await context.bot.send_message(chat_id, started)
        except TelegramError as again:
            logger.warning("could not tell the coordinator broadcast %d started: %s",
                           broadcast_id, again)
    return ConversationHandler.END


async def _acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press; a failure (too old, network) is logged, never fatal: what the
    press did must not depend on Telegram taking the answer."""
    try:
        await query.answer(text[:200] if text else None, show_alert=bool(text))
    except TelegramError as exc:
        logger.warning("could not answer a button press: %s", exc)


async def _drop_buttons(query: CallbackQuery) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # already without buttons, too old, or inaccessible
        logger.debug("could not remove buttons: %s", exc)


async def broadcast_cancel(update: Update, context: Context) -> int | None:
    query = update.callback_query
    if query is not None and context.user_data is not None:
        key = _button_key(query.data)
        draft = context.user_data.get(DRAFT_KEY)
        if key is not None and (not isinstance(draft, dict) or draft.get("key") != key):
            # An old preview's Cancel must not drop the draft the coordinator is on now.
            await _acknowledge(query, "That preview is out of date; nothing changed.")
            await _drop_buttons(query)
            return None
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    end_text_step(context, TEXT_STEP)
    if update.callback_query:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Broadcast cancelled: nothing was sent.")
    elif update.effective_chat:
        await context.bot.send_message(update.effective_chat.id,
                                       "Broadcast cancelled: nothing was sent.")
    return ConversationHandler.END


# --------------------------------------------------------------------------- sending


#: bot_data key: senders for broadcast messages that are not plain text (a consultation's
#: poll or buttons), each tried in turn, True if the message was its kind. Handler modules
#: that create such broadcasts add theirs (handlers.consult).
SPECIAL_SENDERS = "broadcast_special_senders"
SpecialSender = Callable[[Bot, int, str, dict[str, Any]], Awaitable[bool]]


def telegram_sender(bot: Bot, special: Sequence[SpecialSender] = ()) -> engine.Sender:
    """The engine's sender: one message to one chat, Telegram's errors mapped to the core's."""
    # The engine handles 429s itself (it pauses everything), so the app's rate limiter must
    # not also retry them behind its back.
    extra: dict[str, Any] = (
        {"rate_limit_args": {"max_retries": 0}} if getattr(bot, "rate_limiter", None) else {})

    async def send(chat_id: int, text: str) -> None:
        try:
            for sender in special:
                if await sender(bot, chat_id, text, extra):
                    return
            await bot.send_message(chat_id, text, disable_web_page_preview=True, **extra)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise engine.RetryLater(seconds) from exc
        except Forbidden as exc:
            raise engine.Blocked(str(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise engine.ChatNotFound(str(exc)) from exc
            raise engine.Rejected(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise engine.Transient(str(exc)) from exc

    return send


def make_engine(application: Application,  # type: ignore[type-arg]
                progress: Callable[[engine.Report], Awaitable[None]] | None = None
                ) -> Callable[[Any], engine.BroadcastEngine]:
    svc = services_of(application)
    cfg = svc.config.broadcast

    def factory(storage: Any) -> engine.BroadcastEngine:
        return engine.BroadcastEngine(
            storage, telegram_sender(application.bot, application.bot_data.get(
                SPECIAL_SENDERS, ())), rate_per_second=cfg.rate_per_second,
            per_chat_interval=cfg.per_chat_interval, max_retries=cfg.max_retries,
            progress=progress, progress_every=PROGRESS_EVERY)

    return factory


def _reporter(application: Application,  # type: ignore[type-arg]
              report_to: Callable[[int], Awaitable[int | None]]
              ) -> tuple[Callable[[engine.Report], Awaitable[None]],
                         Callable[[engine.Report], Awaitable[None]]]:
    """The progress and final-report callbacks for broadcasts, each sent to the chat
    ``report_to(broadcast_id)`` names (none: not reported)."""

    async def say(report: engine.Report, heading: str) -> None:
        chat_id = await report_to(report.broadcast_id)
        if chat_id is not None:
            await application.bot.send_message(
                chat_id, html.escape(heading + engine.format_report(report)))

    async def progress(report: engine.Report) -> None:
        await say(report, "Progress: ")

    async def finished(report: engine.Report) -> None:
        await say(report, "Finished. ")

    return progress, finished


def start_broadcast(application: Application, broadcast_id: int,  # type: ignore[type-arg]
                    report_to: int | None) -> asyncio.Task[Any]:
    """Run a broadcast in the background; residents keep being answered meanwhile.

    Safe to call again for a broadcast already being sent by this process: the task under
    way is returned, so a second Confirm never starts a second sender.
    """
    running: dict[int, asyncio.Task[Any]] = application.bot_data.setdefault(RUNNING_KEY, {})
    task = running.get(broadcast_id)
    if task is not None and not task.done():
        return task

    async def to(_: int) -> int | None:
        return report_to

    progress, finished = _reporter(application, to)

    async def run() -> None:
        db = await services_of(application).storage()
        try:
            report = await make_engine(application, progress)(db).run(broadcast_id)
        except BroadcastError as exc:  # e.g. the start-up resume is sending it
            logger.info("broadcast %d not started here: %s", broadcast_id, exc)
            return
        await finished(report)

    task = application.create_task(run(), name=f"broadcast-{broadcast_id}")
    running[broadcast_id] = task
    task.add_done_callback(lambda done: running.pop(broadcast_id, None)
                           if running.get(broadcast_id) is done else None)
    return task


async def report_chat(application: Application,  # type: ignore[type-arg]
                      broadcast_id: int) -> int | None:
    """Who hears about a broadcast: the coordinator who confirmed it (its private chat),
    or for a scheduled one (created by 0) the first coordinator, as when it started."""
    svc = services_of(application)
    db = await svc.storage()
    created_by = await db.fetch_value(
        "SELECT created_by FROM broadcasts WHERE id = ?", (broadcast_id,))
    if created_by:
        return int(created_by)
    coordinators = svc.config.roles.coordinators
    return coordinators[0] if coordinators else None


async def resume_broadcasts(application: Application) -> None:  # type: ignore[type-arg]
    """Resume any broadcast a crash interrupted; confirmed deliveries are not repeated.

    The coordinator gets progress and a final report, as for a broadcast they started.
    """
    db = await services_of(application).storage()

    async def to(broadcast_id: int) -> int | None:
        return await report_chat(application, broadcast_id)

    progress, finished = _reporter(application, to)
    factory = make_engine(application, progress)

    async def resume(_: ContextTypes.DEFAULT_TYPE) -> None:
        resumed = await engine.resume_unfinished(db, lambda: factory(db), finished)
        if resumed:
            logger.info("resumed broadcasts %s", resumed)

    # post_init runs before the application starts: a job starts the resume once it has,
    # in the background, so residents are answered meanwhile.
    if application.job_queue is not None:
        application.job_queue.run_once(resume, 0, name="broadcast-resume")


# --------------------------------------------------------------------------- April schedule


async def scheduled_broadcast(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily job for ``broadcast.schedule``; see :func:`run_schedule`."""
    # The date where the partnership is (config timezone), from the storage clock (tests
    # move it): the job fires at local time, and 00:30 in April is still 31 March in UTC.
    svc = services_of(context.application)
    now = (await svc.storage()).clock()
    await run_schedule(context.application, svc.config.local_now(now).date())


async def run_schedule(application: Application,  # type: ignore[type-arg]
                       today: dt.date) -> int | None:
    """On the scheduled day, broadcast the latest published summary (once a year); the
    day before, remind coordinators. Returns the broadcast id started, if any."""
    svc = services_of(application)
    schedule = svc.config.broadcast.schedule
    if schedule is None:
        return None
    target = dt.date(today.year, schedule.month, schedule.day)
    if today == target - dt.timedelta(days=1):
        for coordinator in svc.config.roles.coordinators:
            await application.bot.send_message(
                coordinator, "Reminder: tomorrow the latest published progress summary is "
                "broadcast to subscribers. /summary to check it, /publish to update it.")
        return None
    if today != target:
        return None
    db = await svc.storage()
    already = await db.fetch_value(
        "SELECT COUNT(*) FROM broadcasts WHERE kind = 'scheduled' AND created_at LIKE ?",
        (f"{today.year}-%",))
    latest = await latest_published(db)
    if already or latest is None:
        return None
    broadcast_id = await engine.create_broadcast(db, 0, "scheduled", latest.teaser())
    await record(db, None, "broadcast", f"broadcast={broadcast_id} scheduled")
    coordinators = svc.config.roles.coordinators
    start_broadcast(application, broadcast_id, coordinators[0] if coordinators else None)
    return broadcast_id


async def on_startup(application: Application) -> None:  # type: ignore[type-arg]
    await resume_broadcasts(application)
    schedule = services_of(application).config.broadcast.schedule
    jobs = application.job_queue
    if schedule is not None and jobs is not None:
        zone = services_of(application).config.zone
        jobs.run_daily(scheduled_broadcast, schedule.time_of_day.replace(tzinfo=zone),
                       name="april-broadcast")


# --------------------------------------------------------------------------- wiring


def handlers(application: Application) -> list[Any]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # per_message=False is right: the custom message is a message, not a button press,
        # so the conversation is per chat and user (PTB warns about mixing by default).
        warnings.filterwarnings("ignore", message=".*per_message.*")
        flow = _flow(private, AwaitingText(application, TEXT_STEP))
    return [
        flow,
        # Outside the flow (it ended): an old preview's buttons, answered by their key.
        CallbackQueryHandler(broadcast_confirm, pattern=CONFIRM_DATA),
        CallbackQueryHandler(broadcast_cancel, pattern=CANCEL_DATA),
        CommandHandler("summary", summary_command, filters=private),
        CommandHandler("publish", publish_command, filters=private),
    ]


def _flow(private: filters.BaseFilter, asked: filters.BaseFilter) -> ConversationHandler[Any]:
    """``asked``: the custom message is typed text only while it is the step last asked
    for (a Return pressed since, or another command, ends it)."""
    return ConversationHandler(
        entry_points=[CommandHandler("broadcast", broadcast_start, filters=private)],
        states={
            CHOOSE: [CallbackQueryHandler(broadcast_choose, pattern=r"^bc:[sc]$")],
            CUSTOM: [MessageHandler(filters.TEXT & ~filters.COMMAND & private & asked,
                                    broadcast_custom)],
            CONFIRM: [CallbackQueryHandler(broadcast_confirm, pattern=CONFIRM_DATA)],
        },
        # A Confirm pressed in another state is an old preview's: refused by its key.
        fallbacks=[CommandHandler("cancel", broadcast_cancel),
                   CallbackQueryHandler(broadcast_confirm, pattern=CONFIRM_DATA),
                   CallbackQueryHandler(broadcast_cancel, pattern=CANCEL_DATA)],
        name="broadcast_flow",
        persistent=True,
        allow_reentry=True,
        per_message=False,
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    register_text_steps(application)
    for handler in handlers(application):
        application.add_handler(handler)

