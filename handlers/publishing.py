"""Coordinators publish the progress summary and broadcast it to subscribers.

* ``/summary PERIOD``: a preview in chat, with the HTML page as a document.
* ``/publish PERIOD``: stores a new immutable version; residents' ``/progress`` shows it.
* ``/broadcast``: the latest published summary or a custom message, a preview with the
  recipient count, then Confirm or Cancel. Sending runs in the background at the
  configured rate; the coordinator sees progress and a final report.

Callback data: ``bc:s`` (summary), ``bc:c`` (custom), ``bc:y`` (confirm), ``bc:n`` (cancel).
Every command and button re-checks that the sender is a coordinator at that moment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, BotCommand, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.errors import CspBotError
from bot.partners.partners import record
from bot.partners.periods import parse_period, year_of
from bot.publishing import broadcast as engine
from bot.publishing.publishing import latest_published, publish
from bot.publishing.summary import render_html, render_text, summary_for
from handlers.common import (
    Context,
    button,
    coordinator_or_refuse,
    keyboard,
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
PROGRESS_EVERY = 10.0  # seconds between progress notes to the coordinator
RUNNING_KEY = "broadcast_tasks"


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
        period = parse_period(_period_arg(context) or year_of(dt.date.today()).label)
    except CspBotError as exc:
        await context.bot.send_message(chat_id, html.escape(str(exc)))
        return
    summary = await summary_for(await svc.storage(), svc.kb, period)
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
                                       update.effective_user.id)
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
        return CUSTOM
    db = await services(context).storage()
    latest = await latest_published(db)
    if latest is None:
        await query.edit_message_text("Nothing has been published yet: use /publish first.")
        return ConversationHandler.END
    context.user_data[DRAFT_KEY] = {"kind": "summary", "message": latest.teaser()}
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
    context.user_data[DRAFT_KEY] = {"kind": "custom",
                                    "message": html.escape(message.text, quote=False)}
    return await _preview(update, context)


async def _preview(update: Update, context: Context) -> str:
    assert update.effective_chat and context.user_data is not None
    db = await services(context).storage()
    count = await db.count_subscribers()
    draft = context.user_data[DRAFT_KEY]
    chat_id = update.effective_chat.id
    await send_html(context, chat_id, draft["message"])
    await context.bot.send_message(
        chat_id, f"Send this to <b>{count:,}</b> subscriber(s)?",
        reply_markup=keyboard([button("Confirm", "bc:y"), button("Cancel", "bc:n")],
                              per_row=2))
    return CONFIRM


async def broadcast_confirm(update: Update, context: Context) -> int:
    query = update.callback_query
    assert query and context.user_data is not None
    if await coordinator_or_refuse(update, context, "broadcast confirm") is None:
        return ConversationHandler.END
    await query.answer()
    draft = context.user_data.pop(DRAFT_KEY, None)
    if draft is None:
        await query.edit_message_text("This broadcast is no longer in progress.")
        return ConversationHandler.END
    assert update.effective_user and update.effective_chat
    db = await services(context).storage()
    broadcast_id = await engine.create_broadcast(db, update.effective_user.id, draft["kind"],
                                                 draft["message"])
    await record(db, update.effective_user.id, "broadcast", f"broadcast={broadcast_id}")
    await query.edit_message_text(
        f"Broadcast {broadcast_id} started. I'll report progress here.")
    start_broadcast(context.application, broadcast_id, update.effective_chat.id)
    return ConversationHandler.END


async def broadcast_cancel(update: Update, context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    if update.callback_query:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Broadcast cancelled: nothing was sent.")
    elif update.effective_chat:
        await context.bot.send_message(update.effective_chat.id,
                                       "Broadcast cancelled: nothing was sent.")
    return ConversationHandler.END


# --------------------------------------------------------------------------- sending


def telegram_sender(bot: Bot) -> engine.Sender:
    """The engine's sender: one message to one chat, Telegram's errors mapped to the core's."""
    # The engine handles 429s itself (it pauses everything), so the app's rate limiter must
    # not also retry them behind its back.
    extra: dict[str, Any] = (
        {"rate_limit_args": {"max_retries": 0}} if getattr(bot, "rate_limiter", None) else {})

    async def send(chat_id: int, text: str) -> None:
        try:
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
            storage, telegram_sender(application.bot), rate_per_second=cfg.rate_per_second,
            per_chat_interval=cfg.per_chat_interval, max_retries=cfg.max_retries,
            progress=progress, progress_every=PROGRESS_EVERY)

    return factory


def start_broadcast(application: Application, broadcast_id: int,  # type: ignore[type-arg]
                    report_to: int | None) -> asyncio.Task[Any]:
    """Run a broadcast in the background; residents keep being answered meanwhile."""

    async def progress(report: engine.Report) -> None:
        if report_to is not None:
            await application.bot.send_message(report_to, html.escape(
                "Progress: " + engine.format_report(report)))

    async def run() -> None:
        db = await services_of(application).storage()
        report = await make_engine(application, progress)(db).run(broadcast_id)
        if report_to is not None:
            await application.bot.send_message(report_to, html.escape(
                "Finished. " + engine.format_report(report)))

    return application.create_task(run(), name=f"broadcast-{broadcast_id}")


async def resume_broadcasts(application: Application) -> None:  # type: ignore[type-arg]
    """Resume any broadcast a crash interrupted; confirmed deliveries are not repeated."""
    db = await services_of(application).storage()
    factory = make_engine(application)

    async def resume(_: ContextTypes.DEFAULT_TYPE) -> None:
        resumed = await engine.resume_unfinished(db, lambda: factory(db))
        if resumed:
            logger.info("resumed broadcasts %s", resumed)

    # post_init runs before the application starts: a job starts the resume once it has,
    # in the background, so residents are answered meanwhile.
    if application.job_queue is not None:
        application.job_queue.run_once(resume, 0, name="broadcast-resume")


# --------------------------------------------------------------------------- April schedule


async def scheduled_broadcast(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily job for ``broadcast.schedule``; see :func:`run_schedule`."""
    await run_schedule(context.application, dt.date.today())


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
        jobs.run_daily(scheduled_broadcast, schedule.time_of_day, name="april-broadcast")


# --------------------------------------------------------------------------- wiring


def handlers() -> list[Any]:
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        # per_message=False is right: the custom message is a message, not a button press,
        # so the conversation is per chat and user (PTB warns about mixing by default).
        warnings.filterwarnings("ignore", message=".*per_message.*")
        flow = _flow(private)
    return [
        flow,
        CommandHandler("summary", summary_command, filters=private),
        CommandHandler("publish", publish_command, filters=private),
    ]


def _flow(private: filters.BaseFilter) -> ConversationHandler[Any]:
    return ConversationHandler(
        entry_points=[CommandHandler("broadcast", broadcast_start, filters=private)],
        states={
            CHOOSE: [CallbackQueryHandler(broadcast_choose, pattern=r"^bc:[sc]$")],
            CUSTOM: [MessageHandler(filters.TEXT & ~filters.COMMAND & private,
                                    broadcast_custom)],
            CONFIRM: [CallbackQueryHandler(broadcast_confirm, pattern=r"^bc:y$")],
        },
        fallbacks=[CommandHandler("cancel", broadcast_cancel),
                   CallbackQueryHandler(broadcast_cancel, pattern=r"^bc:n$")],
        name="broadcast_flow",
        persistent=True,
        allow_reentry=True,
        per_message=False,
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    for handler in handlers():
        application.add_handler(handler)

