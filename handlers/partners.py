"""Partners on Telegram: invites, registration, members, and the ``/update`` conversation.

Commands (private chats only, so an invite code or a draft never lands in a group):

* coordinators: ``/invite ORG``, ``/partners``, ``/revoke USER_ID``
* anyone with a code: ``/register CODE``
* partners: ``/update``, ``/myupdates`` (Amend buttons), ``/cancel``

``/update`` is the persistent ConversationHandler ``update_flow``. The draft lives in
``user_data`` under :data:`DRAFT_KEY` (JSON: persisted by ``handlers.persistence``) and is
saved after every step, with the conversation's state, so a restart resumes at the same
step. Each step checks again that the sender is still a partner of the draft's
organisation: a partner revoked mid-flow is stopped at their next step.

Steps and their callback data (all far under Telegram's 64 bytes):

=========== ======================= ==========================================
state       prompt                  answer
=========== ======================= ==========================================
PRIORITY    priority/theme buttons  ``u:p:<topic id>``
QUARTER     quarter buttons         ``u:q:2024-25 Q3`` (or a typed quarter)
RAG         Green/Amber/Red         ``u:r:green``
NARRATIVE   free text               a message, up to 2,000 characters
FIGURES     ``name: value`` lines   a message, or ``u:f:none`` / ``u:f:keep``
PREVIEW     the update as in the    ``u:s:<key>`` submit (the draft's key: once
            summary                 per draft), ``u:e`` edit a step,
                                    ``u:x`` cancel
EDIT        which step to change    ``u:e:<p|q|r|n|f|b>`` (b: back to preview)
=========== ======================= ==========================================

``u:a:<update id>`` (an Amend button from ``/myupdates`` or a returned update's notice)
starts the flow at PREVIEW with that revision's content.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.errors import InviteError, PermissionDenied, SummaryError, UpdateError
from bot.partners import partners as core
from bot.partners.periods import Period, parse_period, quarter_of
from bot.partners.updates import (
    RAG,
    RAG_HINT,
    RAG_LABEL,
    UpdateRecord,
    org_name,
    priority_title,
)
from bot.services import Services
from handlers import review
from handlers.common import (
    Context,
    args_text,
    button,
    keyboard,
    send_html,
    services,
    user_id_of,
)
from handlers.residents import COMMANDS as RESIDENT_COMMANDS

logger = logging.getLogger(__name__)

# Conversation states: strings, so the persisted state is readable JSON.
PRIORITY = "priority"
QUARTER = "quarter"
RAG_STEP = "rag"
NARRATIVE = "narrative"
FIGURES = "figures"
PREVIEW = "preview"
EDIT = "edit"
END = ConversationHandler.END

DRAFT_KEY = "update_draft"  # user_data: {"draft": {...}, "step": state, "editing": bool}

PARTNER_COMMANDS = [
    BotCommand("update", "Post a quarterly progress update"),
    BotCommand("myupdates", "Your organisation's updates and their status"),
]
#: For the lead's coordinator command menu (``set_my_commands`` per coordinator chat).
COORDINATOR_COMMANDS = [
    BotCommand("invite", "Invite a partner: /invite ORG"),
    BotCommand("partners", "Registered partners"),
    BotCommand("revoke", "Remove a partner: /revoke USER_ID"),
    *review.COMMANDS,
]

NOT_PARTNER_ANY_MORE = (
    "You're no longer registered as a partner, so this update can't continue and nothing "
    "was submitted. If that's a mistake, ask a coordinator for a new invite code."
)
USE_BUTTONS = "Please choose with the buttons above, or send /cancel to stop."

_EDIT_STEPS = {"p": PRIORITY, "q": QUARTER, "r": RAG_STEP, "n": NARRATIVE, "f": FIGURES}


# --------------------------------------------------------------------------- plumbing


def _chat_of(update: Update) -> int:
    if update.effective_chat is not None:
        return update.effective_chat.id
    assert update.effective_user is not None
    return update.effective_user.id


def _user_data(context: Context) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data


def _state(context: Context) -> dict[str, Any] | None:
    value = _user_data(context).get(DRAFT_KEY)
    return value if isinstance(value, dict) else None


def _draft(context: Context) -> core.UpdateDraft | None:
    state = _state(context)
    return core.UpdateDraft.from_dict(state["draft"]) if state else None


def _keep(context: Context, draft: core.UpdateDraft, step: str,
          editing: bool | None = None) -> None:
    """Store the draft and the step it is at (``editing``: return to the preview next)."""
    before = _state(context) or {}
    _user_data(context)[DRAFT_KEY] = {
        "draft": draft.to_dict(),
        "step": step,
        "editing": before.get("editing", False) if editing is None else editing,
    }


def _editing(context: Context) -> bool:
    state = _state(context)
    return bool(state and state.get("editing"))


def _clear(context: Context) -> None:
    _user_data(context).pop(DRAFT_KEY, None)


def _saved(update: Update, context: Context, state: object) -> object:
    """Return ``state`` after scheduling a persistence write of the draft and the state.

    The write is a task: PTB records the conversation's new state synchronously once this
    callback returns, before the task runs, so draft and step are saved together (an
    ``await`` here would save the draft with the *previous* step).
    """
    app = context.application
    if update.effective_user is not None:
        app.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    if app.running:  # while stopping, PTB's own last persistence run saves it
        app.create_task(app.update_persistence(), update=update, name="update_flow:persist")
    return state


async def _answer(update: Update, text: str | None = None) -> None:
    """Answer the button press, if any. Telegram refusing the answer (too old, a network
    blip) is logged and ignored: what the press did must not depend on it."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text)
        except TelegramError as exc:
            logger.warning("could not answer a button press: %s", exc)


async def _drop_buttons(update: Update) -> None:
    """Take the buttons off the message just used, so it cannot be pressed twice."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # already gone, too old, or an inaccessible message
        logger.debug("could not remove buttons: %s", exc)


async def _say(update: Update, context: Context, html_text: str,
               markup: InlineKeyboardMarkup | None = None) -> None:
    await send_html(context, _chat_of(update), html_text, markup)


async def _refuse(update: Update, context: Context, exc: PermissionDenied,
                  action: str) -> None:
    logger.warning("refused %s by user %s", action, user_id_of(update))
    await _answer(update)
    await _say(update, context, html.escape(str(exc)))


async def _today(svc: Services) -> dt.date:
    # The storage clock (UTC) is the bot's one notion of now; tests can replace it. The date
    # is the partnership's (config timezone): just after midnight in summer it is UTC's
    # yesterday.
    return svc.config.local_now((await svc.storage()).clock()).date()


# --------------------------------------------------------------------------- guard


async def _partner_step(update: Update, context: Context) -> str | None:
    """The sender's organisation if they may carry on with the draft; None after
    stopping the flow (they are no longer a partner, or now of another organisation)."""
    db = await services(context).storage()
    org = await core.org_of(db, user_id_of(update))
    draft = _draft(context)
    if org is not None and draft is not None and draft.org == org:
        return org
    if org is None or draft is not None:
        logger.warning("refused update step by user %s: not a partner of the draft's "
                       "organisation", user_id_of(update))
        message = NOT_PARTNER_ANY_MORE
    else:
        # The draft went (e.g. /forget) while the conversation was still open.
        message = "That update is no longer in progress. Send /update to start again."
    _clear(context)
    await _answer(update)
    await _drop_buttons(update)
    await _say(update, context, html.escape(message))
    return None


def _next_step(context: Context, forward: str) -> str:
    """The step after this one: ``forward``, or back to the preview when editing one."""
    return PREVIEW if _editing(context) else forward


# --------------------------------------------------------------------------- prompts


async def _ask(update: Update, context: Context, step: str) -> str:
    """Send the prompt of ``step`` (for the draft as it is) and return ``step``."""
    svc = services(context)
    draft = _draft(context)
    assert draft is not None
    if step == PRIORITY:
        await _ask_priority(update, context, svc, draft)
    elif step == QUARTER:
        await _ask_quarter(update, context, svc, draft)
    elif step == RAG_STEP:
        await _ask_rag(update, context, draft)
    elif step == NARRATIVE:
        await _ask_narrative(update, context, draft)
    elif step == FIGURES:
        await _ask_figures(update, context, draft)
    elif step == PREVIEW:
        await _show_preview(update, context, svc, draft)
    elif step == EDIT:
        await _ask_edit(update, context)
    _keep(context, draft, step)
    return step


async def _ask_priority(update: Update, context: Context, svc: Services,
                        draft: core.UpdateDraft) -> None:
    partner = svc.kb.partners.get(draft.org)
    owned = [priority_title(svc.kb, p) for p in (partner.owns if partner else [])]
    text = "<b>Step 1 of 5: which priority or cross-cutting theme is this update about?</b>"
    if owned:
        text += "\n" + html.escape(f"{org_name(svc.kb, draft.org)} reports on: "
                                   f"{'; '.join(owned)}.")
    buttons = [button(("✓ " if t.id == draft.priority else "") + priority_title(svc.kb, t.id),
                      f"u:p:{t.id}") for t in svc.kb.priorities()]
    await _say(update, context, text + "\n\n/cancel to stop.", keyboard(buttons))


def _quarter_choices(today: dt.date) -> list[Period]:
    current = quarter_of(today)
    return [current, current.previous()]


async def _ask_quarter(update: Update, context: Context, svc: Services,
                       draft: core.UpdateDraft) -> None:
    current, previous = _quarter_choices(await _today(svc))
    chosen = draft.period or current.label  # the current quarter is preselected
    buttons = []
    for q, note in ((current, " (current)"), (previous, "")):
        mark = "✓ " if q.label == chosen else ""
        buttons.append(button(f"{mark}{q.label}{note}", f"u:q:{q.label}"))
    text = ("<b>Step 2 of 5: which quarter?</b>\n"
            + html.escape(f"{current.label} is {current.months}; {previous.label} is "
                          f"{previous.months}. Another quarter? Type it, e.g. "
                          f"{previous.previous().label}."))
    await _say(update, context, text, keyboard(buttons, per_row=2))


async def _ask_rag(update: Update, context: Context, draft: core.UpdateDraft) -> None:
    lines = ["<b>Step 3 of 5: how is it going?</b>"]
    lines += [f"<b>{html.escape(RAG_LABEL[r])}</b>: {html.escape(RAG_HINT[r])}" for r in RAG]
    buttons = [button(("✓ " if r == draft.rag else "") + RAG_LABEL[r], f"u:r:{r}") for r in RAG]
    await _say(update, context, "\n".join(lines), keyboard(buttons))


async def _ask_narrative(update: Update, context: Context, draft: core.UpdateDraft) -> None:
    text = ("<b>Step 4 of 5: what was done this quarter, and what changed?</b>\n"
            + html.escape(f"In your own words, as one message of up to "
                          f"{core.NARRATIVE_LIMIT:,} characters."))
    if draft.narrative:
        text += ("\n\nYour current text (kept unless you send a new one):\n"
                 f"<blockquote>{html.escape(draft.narrative)}</blockquote>")
    await _say(update, context, text)


async def _ask_figures(update: Update, context: Context, draft: core.UpdateDraft) -> None:
    text = ("<b>Step 5 of 5: any figures?</b> (optional)\n"
            "One a line, as <code>name: value</code>, for example:\n"
            "<code>ASB incidents: 480\nRepeat victims: 12%</code>")
    buttons = [button("No figures", "u:f:none")]
    if draft.figures:
        text += "\n\nYour current figures:\n" + html.escape(
            "\n".join(f"{n}: {v}" for n, v in draft.figures))
        buttons.append(button("Keep these figures", "u:f:keep"))
    await _say(update, context, text, keyboard(buttons, per_row=2))


def preview_markup(draft: core.UpdateDraft) -> InlineKeyboardMarkup | None:
    # Submit names its draft, so an old or repeated press can never submit another one.
    return keyboard([button("Submit", f"u:s:{draft.key}"), button("Edit a step", "u:e"),
                     button("Cancel", "u:x")], per_row=3)


async def _show_preview(update: Update, context: Context, svc: Services,
                        draft: core.UpdateDraft, note: str = "") -> None:
    heading = html.escape(f"Preview: this is how your update will appear in the "
                          f"{draft.period} progress summary.")
    heading = f"<i>{heading}</i>"
    body = core.format_update_preview(draft, svc.kb)
    await _say(update, context, f"{note}{heading}\n\n{body}", preview_markup(draft))


async def _ask_edit(update: Update, context: Context) -> None:
    buttons = [button("Priority", "u:e:p"), button("Quarter", "u:e:q"),
               button("RAG status", "u:e:r"), button("What was done", "u:e:n"),
               button("Figures", "u:e:f"), button("Back to the preview", "u:e:b")]
    await _say(update, context, "<b>Which step do you want to change?</b>",
               keyboard(buttons, per_row=2))


# --------------------------------------------------------------------------- the steps


async def start_update(update: Update, context: Context) -> object:
    """/update: start a draft, or carry on with the one in progress."""
    db = await services(context).storage()
    try:
        org = await core.require_partner(db, user_id_of(update))
    except PermissionDenied as exc:
        await _refuse(update, context, exc, "update")
        return END
    state = _state(context)
    draft = _draft(context)
    if state and draft and draft.org == org and state.get("step"):
        await _say(update, context, "You have an update in progress: carrying on where you "
                   "were. (/cancel drops it so you can start again.)")
        return _saved(update, context, await _ask(update, context, str(state["step"])))
    _keep(context, core.UpdateDraft(org=org), PRIORITY, editing=False)
    return _saved(update, context, await _ask(update, context, PRIORITY))


async def start_amend(update: Update, context: Context) -> object:
    """An Amend button: a new revision, starting from the returned/pending one."""
    query = update.callback_query
    assert query is not None
    svc = services(context)
    db = await svc.storage()
    try:
        org = await core.require_partner(db, user_id_of(update))
        item = await core.amendable(db, int((query.data or "").rsplit(":", 1)[1]), org)
    except PermissionDenied as exc:
        await _refuse(update, context, exc, "amend")
        return END
    except (UpdateError, ValueError, IndexError) as exc:
        await query.answer(str(exc)[:200] if isinstance(exc, UpdateError)
                           else "This button is no longer in use.", show_alert=True)
        return END
    await query.answer()
    draft = core.UpdateDraft.from_record(item)
    _keep(context, draft, PREVIEW, editing=False)
    note = html.escape(f"Amending revision {item.revision} "
                       f"({core.STATUS_WORDS.get(item.status, item.status)}).") + "\n"
    if item.status == "returned" and item.review_comment:
        note += f"<b>Coordinator's comment</b>\n{html.escape(item.review_comment)}\n"
    note += "Press Edit a step to change it, then Submit.\n\n"
    await _show_preview(update, context, svc, draft, note)
    return _saved(update, context, PREVIEW)


async def on_priority(update: Update, context: Context) -> object:
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    assert draft is not None
    chosen = (query.data or "").removeprefix("u:p:")
    if chosen not in {t.id for t in services(context).kb.priorities()}:
        await query.answer("That priority is no longer available; choose another.")
        return None  # stay at this step
    await query.answer()
    await _drop_buttons(update)
    draft.priority = chosen
    _keep(context, draft, PRIORITY)
    return _saved(update, context, await _ask(update, context, _next_step(context, QUARTER)))


async def on_quarter(update: Update, context: Context) -> object:
    """A quarter button, or a quarter typed as text (e.g. ``2024-25 Q1``)."""
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    svc = services(context)
    draft = _draft(context)
    assert draft is not None
    query = update.callback_query
    if query is not None:
        text = (query.data or "").removeprefix("u:q:")
    else:
        text = (update.effective_message.text if update.effective_message else "") or ""
    try:
        period = parse_period(text)
    except SummaryError:
        period = None
    current = quarter_of(await _today(svc))
    problem = None
    if period is None or period.quarter is None:
        problem = "Please choose a quarter, or type one like 2024-25 Q3."
    elif period > current:
        problem = f"{period.label} hasn't started yet; choose {current.label} or earlier."
    if problem is not None or period is None:
        if query is not None:
            await query.answer(problem)
        else:
            await _say(update, context, html.escape(problem or ""))
        return None  # stay at this step
    await _answer(update)
    await _drop_buttons(update)
    draft.period = period.label
    _keep(context, draft, QUARTER)
    return _saved(update, context, await _ask(update, context, _next_step(context, RAG_STEP)))


async def on_rag(update: Update, context: Context) -> object:
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    assert draft is not None
    rag = (query.data or "").removeprefix("u:r:")
    if rag not in RAG:
        await query.answer("Please choose Green, Amber or Red.")
        return None
    await query.answer()
    await _drop_buttons(update)
    draft.rag = rag
    _keep(context, draft, RAG_STEP)
    return _saved(update, context, await _ask(update, context, _next_step(context, NARRATIVE)))


async def on_narrative(update: Update, context: Context) -> object:
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    draft = _draft(context)
    assert draft is not None and update.effective_message is not None
    try:
        draft.narrative = core.validate_narrative(update.effective_message.text)
    except UpdateError as exc:
        # The draft is untouched (a narrative already there stays) and their message is
        # still in the chat to copy: nothing is lost.
        await _say(update, context, html.escape(
            f"{exc} Your message is still in the chat above to copy and shorten."))
        return None
    _keep(context, draft, NARRATIVE)
    return _saved(update, context, await _ask(update, context, _next_step(context, FIGURES)))


async def on_figures(update: Update, context: Context) -> object:
    """Figures as text, or the No figures / Keep these figures button."""
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    draft = _draft(context)
    assert draft is not None
    query = update.callback_query
    if query is not None:
        await query.answer()
        await _drop_buttons(update)
        if query.data == "u:f:none":
            draft.figures = []
    else:
        text = (update.effective_message.text if update.effective_message else "") or ""
        try:
            draft.figures = core.parse_figures(text)
        except core.FiguresError as exc:
            lines = ["I couldn't read these lines:"]
            for number, line, why in exc.bad:
                where = f"Line {number}" if number else "Your figures"
                quoted = f" “{line}”" if line else ""
                lines.append(html.escape(f"• {where}{quoted}: {why}"))
            lines.append("\nPlease send all the figures again with those lines corrected, "
                         "one <code>name: value</code> a line, or press No figures.")
            buttons = [button("No figures", "u:f:none")]
            if draft.figures:
                buttons.append(button("Keep these figures", "u:f:keep"))
            await _say(update, context, "\n".join(lines), keyboard(buttons, per_row=2))
            return None
    _keep(context, draft, FIGURES)
    return _saved(update, context, await _ask(update, context, PREVIEW))


async def on_submit(update: Update, context: Context) -> object:
    """Submit: store the draft as a new revision, once, and tell the coordinators.

    A double tap is two presses, possibly handled at once: the draft's key makes the second
    find the first one's revision (``core.submit_once``) and only say so. The revision and
    the coordinators' notice come before the acknowledgement, which may fail harmlessly.
    """
    query = update.callback_query
    assert query is not None
    svc = services(context)
    db = await svc.storage()
    key = (query.data or "").removeprefix("u:s").removeprefix(":") or None
    if key is not None and await core.submitted_draft(db, key) is not None:
        await _answer(update, "Already submitted.")
        await _drop_buttons(update)
        return None  # the press that submitted it ends the flow
    org = await _partner_step(update, context)
    if org is None:
        return _saved(update, context, END)
    draft = _draft(context)
    assert draft is not None
    if key is not None and key != draft.key:
        await _answer(update, "That preview is out of date: use the latest one.")
        await _drop_buttons(update)
        return None
    if not draft.complete():
        await _answer(update, "Something is missing; please fill in that step.")
        missing = next(s for s, v in ((PRIORITY, draft.priority), (QUARTER, draft.period),
                                      (RAG_STEP, draft.rag), (NARRATIVE, draft.narrative))
                       if not v)
        _keep(context, draft, missing, editing=True)
        return _saved(update, context, await _ask(update, context, missing))
    user_id = user_id_of(update)
    assert user_id is not None
    try:
        record, created = await core.submit_once(
            db, org=org, priority=draft.priority, period=draft.period, rag=draft.rag,
            narrative=draft.narrative, figures=draft.figures, by=user_id, kb=svc.kb,
            draft_key=draft.key)
    except UpdateError as exc:
        await _answer(update)
        await _say(update, context, html.escape(f"{exc} Press Edit a step to fix it."))
        return None
    if not created:  # the other press of a double tap got here first
        await _answer(update, "Already submitted.")
        return None
    _clear(context)
    logger.info("update %s submitted by %s", record.id, user_id)
    await review.notify_coordinators(context.bot, svc, record)
    await _answer(update, "Submitted")
    await _drop_buttons(update)
    await _say(update, context, _submitted_text(record, svc))
    return _saved(update, context, END)


def _submitted_text(record: UpdateRecord, svc: Services) -> str:
    return (f"✅ Submitted: {review.describe(record, svc)}. A coordinator will review it and "
            "you'll hear back here. /myupdates shows its status.")


async def on_edit(update: Update, context: Context) -> object:
    """Edit a step (from the preview): which step?"""
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    await _answer(update)
    await _drop_buttons(update)
    return _saved(update, context, await _ask(update, context, EDIT))


async def on_edit_step(update: Update, context: Context) -> object:
    """The step to change: ask it again, then come back to the preview."""
    if await _partner_step(update, context) is None:
        return _saved(update, context, END)
    query = update.callback_query
    assert query is not None
    await query.answer()
    await _drop_buttons(update)
    draft = _draft(context)
    assert draft is not None
    step = _EDIT_STEPS.get((query.data or "").removeprefix("u:e:"), PREVIEW)
    _keep(context, draft, step, editing=True)
    return _saved(update, context, await _ask(update, context, step))


async def cancel(update: Update, context: Context) -> object:
    """/cancel or the Cancel button, at any step: drop the draft."""
    _clear(context)
    await _answer(update)
    await _drop_buttons(update)
    await _say(update, context, "Cancelled: nothing was submitted. Send /update to start again.")
    return _saved(update, context, END)


async def use_buttons(update: Update, context: Context) -> object:
    """Text where a button is expected: say so (rather than answer it as a question)."""
    await _say(update, context, html.escape(USE_BUTTONS))
    return None


def update_conversation() -> ConversationHandler[Any]:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND & private
    with warnings.catch_warnings():
        # Buttons and typed answers mix, so the conversation is per chat and user, not per
        # message; PTB warns about CallbackQueryHandlers in that set-up by default.
        warnings.filterwarnings("ignore", message=".*per_message.*")
        return ConversationHandler(
            entry_points=[
                CommandHandler("update", start_update, filters=private),
                CallbackQueryHandler(start_amend, pattern=r"^u:a:\d+$"),
            ],
            states={
                PRIORITY: [CallbackQueryHandler(on_priority, pattern=r"^u:p:")],
                QUARTER: [CallbackQueryHandler(on_quarter, pattern=r"^u:q:"),
                          MessageHandler(text, on_quarter)],
                RAG_STEP: [CallbackQueryHandler(on_rag, pattern=r"^u:r:")],
                NARRATIVE: [MessageHandler(text, on_narrative)],
                FIGURES: [CallbackQueryHandler(on_figures, pattern=r"^u:f:(none|keep)$"),
                          MessageHandler(text, on_figures)],
                # u:s from a preview shown before Submit named its draft: still accepted.
                PREVIEW: [CallbackQueryHandler(on_submit, pattern=r"^u:s(:[\w-]+)?$"),
                          CallbackQueryHandler(on_edit, pattern=r"^u:e$")],
                EDIT: [CallbackQueryHandler(on_edit_step, pattern=r"^u:e:[pqrnfb]$")],
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=r"^u:x$"),
                MessageHandler(text, use_buttons),
            ],
            name="update_flow",
            persistent=True,
            allow_reentry=True,
        )


# --------------------------------------------------------------------------- commands


async def invite(update: Update, context: Context) -> None:
    """/invite ORG (coordinators): a single-use code for a partner organisation."""
    svc = services(context)
    try:
        by = core.require_coordinator(svc.config, user_id_of(update))
    except PermissionDenied as exc:
        await _refuse(update, context, exc, "invite")
        return
    wanted = args_text(context).lower()
    orgs = svc.kb.partners
    if wanted not in orgs:
        listing = "\n".join(f"<code>{html.escape(o)}</code> – {html.escape(p.name)}"
                            for o, p in orgs.items())
        first = (f"There's no organisation <code>{html.escape(wanted)}</code>.\n\n"
                 if wanted else "")
        await _say(update, context, f"{first}Send <code>/invite ORG</code> with one of:\n"
                   f"{listing}")
        return
    days = svc.config.partners.invite_days
    code = await core.create_invite(await svc.storage(), wanted, by, days,
                                    known_orgs=set(orgs))
    expires = await _today(svc) + dt.timedelta(days=days)
    logger.info("invite for %s created by %s", wanted, by)  # never the code
    await _say(update, context, (
        f"Invite for <b>{html.escape(orgs[wanted].name)}</b>. Send this to the partner; they "
        f"send it to this bot:\n\n<code>/register {html.escape(code)}</code>\n\n"
        f"It works once and expires on {expires:%d %B %Y}. Only a fingerprint of it is "
        "stored, so it can't be shown again."))


async def register_command(update: Update, context: Context) -> None:
    """/register CODE: join a partner organisation."""
    svc = services(context)
    user = update.effective_user
    assert user is not None
    name = user.full_name + (f" (@{user.username})" if user.username else "")
    try:
        org = await core.redeem_invite(await svc.storage(), args_text(context), user.id, name)
    except InviteError as exc:
        logger.warning("invite refused for user %s", user.id)  # the code is never logged
        await _say(update, context, html.escape(str(exc)))
        return
    logger.info("user %s registered for %s", user.id, org)
    await _say(update, context, html.escape(
        f"Welcome! You're registered as a partner for {org_name(svc.kb, org)}.\n\n"
        "/update – post a quarterly progress update (a couple of minutes)\n"
        "/myupdates – your organisation's updates and their status\n"
        "/cancel – stop what you're doing"))
    try:
        await context.bot.set_my_commands(RESIDENT_COMMANDS + PARTNER_COMMANDS,
                                          scope=BotCommandScopeChat(_chat_of(update)))
    except TelegramError as exc:  # only the menu; the commands work anyway
        logger.warning("could not set partner commands for %s: %s", user.id, exc)


async def partners_command(update: Update, context: Context) -> None:
    """/partners (coordinators): who is registered for each organisation."""
    svc = services(context)
    try:
        core.require_coordinator(svc.config, user_id_of(update))
    except PermissionDenied as exc:
        await _refuse(update, context, exc, "partners")
        return
    members = await core.list_members(await svc.storage())
    lines = ["<b>Registered partners</b>"]
    for org, partner in svc.kb.partners.items():
        lines.append(f"\n<b>{html.escape(partner.name)}</b> (<code>{html.escape(org)}</code>)")
        mine = [m for m in members if m.org == org]
        lines += [html.escape(f"• {m.display_name or 'no name'} – id {m.user_id}, joined "
                              f"{m.joined_at[:10]}") for m in mine] or ["• nobody yet"]
    others = [m for m in members if m.org not in svc.kb.partners]
    if others:
        lines.append("\n<b>Organisations no longer in the knowledge base</b>")
        lines += [html.escape(f"• {m.display_name or 'no name'} – id {m.user_id} ({m.org})")
                  for m in others]
    lines.append("\n/revoke USER_ID removes someone; /invite ORG adds someone.")
    await _say(update, context, "\n".join(lines))


async def revoke_command(update: Update, context: Context) -> None:
    """/revoke USER_ID (coordinators): remove a partner."""
    svc = services(context)
    try:
        by = core.require_coordinator(svc.config, user_id_of(update))
    except PermissionDenied as exc:
        await _refuse(update, context, exc, "revoke")
        return
    arg = args_text(context)
    if not arg.lstrip("-").isdigit():
        await _say(update, context, "Send <code>/revoke USER_ID</code> with the id /partners "
                   "shows.")
        return
    member = await core.revoke(await svc.storage(), int(arg), by)
    if member is None:
        await _say(update, context, html.escape(f"No partner has id {arg}. /partners lists "
                                                 "them."))
        return
    logger.info("user %s revoked by %s", member.user_id, by)
    await _say(update, context, html.escape(
        f"Removed {member.display_name or member.user_id} from "
        f"{org_name(svc.kb, member.org)}. Their submitted updates stay on record."))
    await review.send_to(context.bot, member.user_id, html.escape(
        f"A coordinator has removed your partner access for {org_name(svc.kb, member.org)}. "
        "You can still use the bot as a resident."))


async def myupdates(update: Update, context: Context) -> None:
    """/myupdates (partners): the organisation's current updates, Amend on pending ones."""
    svc = services(context)
    db = await svc.storage()
    try:
        org = await core.require_partner(db, user_id_of(update))
    except PermissionDenied as exc:
        await _refuse(update, context, exc, "myupdates")
        return
    items = await core.updates_of_org(db, org)
    if not items:
        await _say(update, context, html.escape(
            f"{org_name(svc.kb, org)} has no updates yet. Send /update to post one."))
        return
    lines = [f"<b>{html.escape(org_name(svc.kb, org))}: updates</b>"]
    buttons = []
    for item in items[:40]:
        title = priority_title(svc.kb, item.priority)
        lines.append(html.escape(
            f"\n• {title}, {item.period} – {RAG_LABEL.get(item.rag, item.rag)} – revision "
            f"{item.revision}, {core.STATUS_WORDS.get(item.status, item.status)}"))
        if item.status == "returned" and item.review_comment:
            lines.append(f"  Comment: <i>{html.escape(item.review_comment)}</i>")
        if item.status in core.PENDING:
            buttons.append(button(f"Amend: {title[:40]}, {item.period}",
                                  review.amend_data(item.id)))
    await _say(update, context, "\n".join(lines), keyboard(buttons))


# --------------------------------------------------------------------------- wiring


def handlers() -> Sequence[Any]:
    private = filters.ChatType.PRIVATE
    return [
        update_conversation(),
        # Submit pressed once the flow has moved on (a repeat, an old preview): answered by
        # the draft it names, never by submitting whatever draft is current.
        CallbackQueryHandler(on_submit, pattern=r"^u:s:[\w-]+$"),
        CommandHandler("invite", invite, filters=private),
        CommandHandler("register", register_command, filters=private),
        CommandHandler("partners", partners_command, filters=private),
        CommandHandler("revoke", revoke_command, filters=private),
        CommandHandler("myupdates", myupdates, filters=private),
    ]


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the partners' handlers (before the residents', so a draft's text is not
    answered as a question)."""
    for handler in handlers():
        application.add_handler(handler)

