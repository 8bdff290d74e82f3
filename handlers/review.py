"""Coordinators review partners' updates; partners are reminded before each deadline.

* Each submission reaches every coordinator with Approve / Return buttons; ``/pending``
  lists what still waits, each with the same buttons.
* Approve: the revision feeds the summary and the partner is told.
* Return: the coordinator's next message is the comment (a small persistent conversation,
  ``review_return``); the partner receives it with an Amend button. Any other command
  first ends that step (``handlers.common.expect_text``), so text meant for something else
  never reaches a partner.
* Reminders: a daily JobQueue job (:func:`reminder_job`) sends :func:`send_reminders`.

Callback data: ``rv:a:<update id>`` approve, ``rv:r:<update id>`` return. Buttons carry
only the id: the role is checked again when one is pressed, because a button can be old
(the coordinator was removed from config) or forged (anyone can send any callback data).
Refusals are logged with the user id and the action, never message text.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Bot, BotCommand, CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.answering.render import split_message
from bot.consult.unanswered import PriorityGroup, group_by_priority
from bot.errors import UpdateError
from bot.partners import partners as core
from bot.partners.periods import quarter_of
from bot.partners.updates import UpdateRecord, org_name, priority_title
from bot.services import Services
from handlers.common import (
    AwaitingText,
    Context,
    button,
    coordinator_or_refuse,
    end_text_step,
    expect_text,
    keyboard,
    register_text_steps,
    services,
    services_of,
)

logger = logging.getLogger(__name__)

#: The review conversation's one state: waiting for the comment of a Return.
COMMENT = "comment"
RETURN_KEY = "return_update"  # user_data: id of the update being returned
TEXT_STEP = "review_return"  # handlers.common.expect_text: typed text is the comment
#: Updates listed by one /pending (each is a message); the rest are counted.
PENDING_SHOWN = 20
#: When the daily reminder job runs (UK time: the partnership's working day).
#: Partners are reminded at 09:00 in the configured time zone (config.timezone).
REMINDER_TIME = dt.time(9, 0)
REMINDER_JOB = "partner-reminders"

REFUSED = "Sorry, only the partnership's coordinators can review updates."

COMMANDS = [
    BotCommand("pending", "Partners' updates waiting for review"),
]


def amend_data(update_id: int) -> str:
    """Callback data of the partner's Amend button (handled by ``handlers.partners``)."""
    return f"u:a:{update_id}"


def review_markup(update_id: int) -> InlineKeyboardMarkup | None:
    return keyboard([button("Approve", f"rv:a:{update_id}"),
                     button("Return with a comment", f"rv:r:{update_id}")], per_row=2)


async def send_to(bot: Bot, chat_id: int, html_text: str,
                  markup: InlineKeyboardMarkup | None = None) -> bool:
    """Send HTML (split under the limit, buttons on the last part); False if it failed.

    Used for messages to *other* people (coordinators, partners): one of them having
    blocked the bot must not stop the others being told.
    """
    parts = split_message(html_text)
    try:
        for i, part in enumerate(parts):
            await bot.send_message(chat_id, part, disable_web_page_preview=True,
                                   reply_markup=markup if i == len(parts) - 1 else None)
    except TelegramError as exc:
        logger.warning("could not send to %s: %s", chat_id, exc)
        return False
    return True


def describe(update: UpdateRecord, svc: Services) -> str:
    """One line naming an update, HTML-escaped: title, organisation, quarter, revision."""
    return html.escape(f"{priority_title(svc.kb, update.priority)}, "
                       f"{org_name(svc.kb, update.org)}, {update.period} "
                       f"(revision {update.revision})")


async def review_item(update: UpdateRecord, svc: Services, heading: str) -> str:
    """A review notice: who submitted it, then the update as the summary will show it."""
    db = await svc.storage()
    member = await core.get_member(db, update.submitted_by)
    who = member.display_name if member and member.display_name else "a partner"
    lines = [f"<b>{html.escape(heading)}</b>",
             html.escape(f"Revision {update.revision}, from {who} "
                         f"(id {update.submitted_by}), {update.submitted_at[:10]}"),
             "", core.format_update_preview(update, svc.kb)]
    return "\n".join(lines)


async def notify_coordinators(bot: Bot, svc: Services, update: UpdateRecord) -> int:
    """Tell every coordinator about a new submission; return how many were reached."""
    text = await review_item(update, svc, "New update to review")
    sent = 0
    for chat_id in svc.config.roles.coordinators:
        sent += await send_to(bot, chat_id, text, review_markup(update.id))
    return sent


async def notify_partner(bot: Bot, svc: Services, update: UpdateRecord, html_text: str,
                         markup: InlineKeyboardMarkup | None = None) -> int:
    """Tell the organisation about a review: the submitter if still a member, else all
    the organisation's members (someone there must hear of it)."""
    db = await svc.storage()
    members = await core.list_members(db, update.org)
    ids = [m.user_id for m in members if m.user_id == update.submitted_by] or [
        m.user_id for m in members]
    if not ids:
        logger.info("review of update %s: organisation %s has no members to tell",
                    update.id, update.org)
    return sum([await send_to(bot, user_id, html_text, markup) for user_id in ids])


# --------------------------------------------------------------------------- guards


async def _coordinator_press(update: Update, context: Context, action: str) -> int | None:
    return await coordinator_or_refuse(update, context, action, REFUSED)


def _update_id(query: CallbackQuery) -> int | None:
    try:
        return int((query.data or "").rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


async def _acknowledge(query: CallbackQuery, text: str | None = None,
                       alert: bool = False) -> None:
    """Answer a button press. Telegram refusing the answer (too old, a network blip) is
    logged and ignored: the approval or return it acknowledges has happened regardless, and
    the partner must still be told."""
    try:
        await query.answer(text[:200] if text else None, show_alert=alert)
    except TelegramError as exc:
        logger.warning("could not answer a button press: %s", exc)


async def _drop_buttons(query: CallbackQuery) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # too old, already without buttons, or inaccessible
        logger.debug("could not remove buttons: %s", exc)


def _chat_of(update: Update) -> int:
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    assert update.effective_user is not None
    return update.effective_user.id


# --------------------------------------------------------------------------- /pending


async def pending_command(update: Update, context: Context) -> None:
    if await _coordinator_press(update, context, "pending") is None:
        return
    svc = services(context)
    chat_id = _chat_of(update)
    waiting = await core.pending(await svc.storage())
    if not waiting:
        await context.bot.send_message(chat_id, "Nothing is waiting for review.")
        return
    await context.bot.send_message(
        chat_id, html.escape(f"{len(waiting)} update(s) waiting for review, oldest first."))
    for item in waiting[:PENDING_SHOWN]:
        await send_to(context.bot, chat_id, await review_item(item, svc, "Waiting for review"),
                      review_markup(item.id))
    if len(waiting) > PENDING_SHOWN:
        await context.bot.send_message(
            chat_id, f"…and {len(waiting) - PENDING_SHOWN} more: review these first, then "
            "send /pending again.")


# --------------------------------------------------------------------------- approve


async def on_approve(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    by = await _coordinator_press(update, context, "approve")
    if by is None:
        return
    svc = services(context)
    update_id = _update_id(query)
    try:
        if update_id is None:
            raise UpdateError("That button is no longer in use.")
        approved = await core.approve(await svc.storage(), update_id, by)
    except UpdateError as exc:
        await _acknowledge(query, str(exc), alert=True)
        await _drop_buttons(query)
        return
    await _acknowledge(query, "Approved")
    await _drop_buttons(query)
    logger.info("update %s approved by %s", approved.id, by)
    await context.bot.send_message(
        _chat_of(update),
        f"Approved: {describe(approved, svc)}. It now feeds the progress summary.")
    await notify_partner(
        context.bot, svc, approved,
        f"✅ Your update was approved: {describe(approved, svc)}. It will appear in the "
        "partnership's progress summary. Thank you.")


# --------------------------------------------------------------------------- return


async def on_return_press(update: Update, context: Context) -> object:
    """Return pressed: ask for the comment (the next message)."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    by = await _coordinator_press(update, context, "return")
    if by is None:
        return ConversationHandler.END
    svc = services(context)
    update_id = _update_id(query)
    item = await core.get_update(await svc.storage(), update_id) if update_id else None
    if item is None or item.status != "submitted":
        why = "That update is no longer waiting for review." if item is None else (
            f"That update has already been {item.status}.")
        await _acknowledge(query, why, alert=True)
        await _drop_buttons(query)
        return ConversationHandler.END
    await _acknowledge(query)
    context.user_data[RETURN_KEY] = item.id
    expect_text(context, TEXT_STEP)  # typed text is the comment, until another command
    await context.bot.send_message(
        _chat_of(update),
        f"Returning {describe(item, svc)}.\n\nWhat should the partner change? Send it as one "
        f"message (up to {core.COMMENT_LIMIT:,} characters); they receive it as you write it. "
        "/cancel keeps the update waiting for review.")
    return _persisted(update, context, COMMENT)


async def on_return_comment(update: Update, context: Context) -> object:
    """The comment: return the update and pass the comment on to the partner."""
    assert context.user_data is not None and update.effective_message is not None
    by = await _coordinator_press(update, context, "return")
    if by is None:
        context.user_data.pop(RETURN_KEY, None)
        end_text_step(context, TEXT_STEP)
        return _persisted(update, context, ConversationHandler.END)
    svc = services(context)
    chat_id = _chat_of(update)
    update_id = int(context.user_data.get(RETURN_KEY) or 0)
    comment = update.effective_message.text or ""
    try:
        core.validate_comment(comment)
    except UpdateError as exc:
        await context.bot.send_message(chat_id, html.escape(str(exc)))
        return COMMENT  # nothing lost: the update is still pending, ask again
    try:
        returned = await core.return_update(await svc.storage(), update_id, by, comment)
    except UpdateError as exc:
        context.user_data.pop(RETURN_KEY, None)
        end_text_step(context, TEXT_STEP)
        await context.bot.send_message(chat_id, html.escape(str(exc)))
        return _persisted(update, context, ConversationHandler.END)
    context.user_data.pop(RETURN_KEY, None)
    end_text_step(context, TEXT_STEP)
    logger.info("update %s returned by %s", returned.id, by)
    await context.bot.send_message(
        chat_id, f"Returned to the partner with your comment: {describe(returned, svc)}.")
    await notify_partner(
        context.bot, svc, returned,
        f"↩️ A coordinator returned your update: {describe(returned, svc)}.\n\n"
        f"<b>Their comment</b>\n{html.escape(returned.review_comment or '')}\n\n"
        "Press Amend to change it and submit it again (or send /myupdates later).",
        keyboard([button("Amend", amend_data(returned.id))]))
    return _persisted(update, context, ConversationHandler.END)


async def cancel_return(update: Update, context: Context) -> object:
    assert context.user_data is not None
    context.user_data.pop(RETURN_KEY, None)
    end_text_step(context, TEXT_STEP)
    await context.bot.send_message(_chat_of(update),
                                   "OK: the update stays waiting for review.")
    return _persisted(update, context, ConversationHandler.END)


def _persisted(update: Update, context: Context, state: object) -> object:
    """``state``, after scheduling a persistence write that runs once PTB has recorded it.

    The ConversationHandler stores the new state synchronously after the callback returns,
    before this task gets to run, so what is saved is the state we are moving to.
    """
    app = context.application
    if update.effective_user is not None:
        app.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    if app.running:  # while stopping, PTB's own last persistence run saves it
        app.create_task(app.update_persistence(), update=update, name="review:persist")
    return state


# --------------------------------------------------------------------------- reminders


def _day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"  # "Wednesday 30 October 2024"


def unanswered_text(groups: Sequence[PriorityGroup], owns: Sequence[str]) -> list[str]:
    """The unanswered-question groups of the priorities an organisation owns: counts and
    anonymised example words (bot.privacy kept no sentence and no sender)."""
    mine = [g for g in groups if g.priority in owns]
    if not mine:
        return []
    lines = ["", "<b>What residents asked that the bot could not answer</b> (anonymised "
             "words, grouped by your priorities):"]
    for g in mine:
        examples = ", ".join(f"\u201c{html.escape(words)}\u201d" for words, _ in g.examples[:3])
        lines.append(f"• {html.escape(g.title)}: {g.count}" + (f", e.g. {examples}"
                                                               if examples else ""))
    return lines


def reminder_text(reminder: core.Reminder, svc: Services, today: dt.date,
                  unanswered: Sequence[PriorityGroup] = ()) -> str:
    days = (reminder.deadline - today).days
    when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
    titles = [priority_title(svc.kb, p) for p in reminder.priorities]
    lines = [
        "<b>Reminder: quarterly update due</b>",
        html.escape(f"{org_name(svc.kb, reminder.org)}'s updates for {reminder.period} are "
                    f"due by {_day(reminder.deadline)} ({when})."),
        "",
        "Still to submit:",
        *(f"• {html.escape(t)}" for t in titles),
        "",
        "Send /update to post one; it takes a couple of minutes.",
    ]
    partner = svc.kb.partners.get(reminder.org)
    lines += unanswered_text(unanswered, partner.owns if partner else [])
    return "\n".join(lines)


async def send_reminders(application: Application, today: dt.date) -> int:  # type: ignore[type-arg]
    """Remind every member of each organisation that owes updates; return messages sent."""
    svc = services_of(application)
    db = await svc.storage()
    sent = 0
    reminders = await core.due_reminders(db, svc.kb, svc.config, today)
    groups = await _unanswered_groups(svc) if reminders else []
    for reminder in reminders:
        members = await core.list_members(db, reminder.org)
        if not members:
            logger.info("reminder for %s %s: no members to remind", reminder.org,
                        reminder.period)
            continue
        text = reminder_text(reminder, svc, today, groups)
        for member in members:
            sent += await send_to(application.bot, member.user_id, text)
    logger.info("partner reminders for %s: %d sent", today, sent)
    return sent


async def _unanswered_groups(svc: Services) -> list[PriorityGroup]:
    """This quarter's unanswered questions grouped by priority (bot.consult.unanswered)."""
    db = await svc.storage()
    since = quarter_of(svc.config.local_now(db.clock()).date()).previous().start()
    rows = await db.fetch_all(
        "SELECT normalised, count FROM unanswered WHERE last_seen >= ? "
        "ORDER BY count DESC, normalised", (since.isoformat(),))
    return group_by_priority(rows, svc.responder.matcher, svc.kb)


async def reminder_job(context: Context) -> None:
    """The daily JobQueue callback: today's reminders (UK date)."""
    today = services_of(context.application).config.local_now().date()
    await send_reminders(context.application, today)


def schedule_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """Schedule :func:`reminder_job` daily; safe to call twice (one job only)."""
    jobs = application.job_queue
    if jobs is None:
        logger.warning("no job queue (install python-telegram-bot[job-queue]): partners "
                       "will get no reminders")
        return
    if jobs.get_jobs_by_name(REMINDER_JOB):
        return
    zone = services_of(application).config.zone
    jobs.run_daily(reminder_job, REMINDER_TIME.replace(tzinfo=zone), name=REMINDER_JOB)


async def on_startup(application: Application) -> None:  # type: ignore[type-arg]
    schedule_reminders(application)


# --------------------------------------------------------------------------- wiring


def return_conversation(application: Application) -> ConversationHandler[Any]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    # Text is the comment only while the Return is the step last asked for: a command in
    # between (/broadcast...) ends it (handlers.common.register_text_steps).
    asked = AwaitingText(application, TEXT_STEP)
    with warnings.catch_warnings():
        # per_message=False is what we want: the comment is a message, not a button press,
        # so the conversation is per chat and user (PTB warns about it by default).
        warnings.filterwarnings("ignore", message=".*per_message.*")
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(on_return_press, pattern=r"^rv:r:\d+$")],
            states={COMMENT: [MessageHandler(filters.TEXT & ~filters.COMMAND & private & asked,
                                             on_return_comment)]},
            fallbacks=[CommandHandler("cancel", cancel_return, filters=asked)],
            name="review_return",
            persistent=True,
            allow_reentry=True,
        )


def handlers(application: Application) -> Sequence[Any]:  # type: ignore[type-arg]
    return [
        return_conversation(application),
        CallbackQueryHandler(on_approve, pattern=r"^rv:a:\d+$"),
        CommandHandler("pending", pending_command, filters=filters.ChatType.PRIVATE),
    ]


def register(application: Application) -> None:  # type: ignore[type-arg]
    register_text_steps(application)
    for handler in handlers(application):
        application.add_handler(handler)
