"""Partners and coordinators: roles, invites, members, quarterly updates, reminders, audit.

Telegram-free: the handlers in ``handlers/partners.py`` and ``handlers/review.py`` translate
chat into these calls, and ``csp-bot audit`` reads the audit log. Every function takes the
:class:`~bot.storage.Storage` it works on; time comes from the storage's clock, so tests
inject one.

Roles
    A *coordinator* is a Telegram user id listed in ``roles.coordinators``; a *partner* is a
    row in ``members`` (joined with a single-use invite code); everyone else is a
    *resident*. Roles are looked up afresh on every call: nothing caches them, so a revoked
    partner loses access at the next step they take.

Invites
    A code is 16 random URL-safe characters (96 bits); only its SHA-256 is stored, so a
    leaked database cannot be used to join. A code works once, until it expires.

Revisions (decision)
    An update is one (organisation, priority, quarter). Every submission is a new row with
    the next ``revision`` number; rows are never edited except for their status, so the
    whole history stays. Statuses:

    * ``submitted`` waits for review; ``returned`` was sent back with a comment;
    * ``approved`` feeds the summary (:func:`bot.partners.updates.latest_approved`);
    * ``superseded`` is history: replaced by a later revision.

    Submitting again supersedes the earlier *pending* revision (submitted or returned) but
    leaves an approved one approved, so the summary keeps the last approved text until the
    new revision is approved; approving a revision supersedes the older approved one. So
    at any time there is at most one approved and at most one pending revision per
    (organisation, priority, quarter), and the pending one is always the newest.

Reminders (decision)
    A quarter's deadline is ``deadline_days_after_quarter`` days after it ends; reminders go
    ``reminder_days`` days before it to each organisation with a priority it owns (in
    ``knowledge/partners.yaml``) that has no submitted or approved revision for that
    quarter. A *returned* update counts as not submitted: it still needs the partner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from bot.config import Config
from bot.errors import InviteError, PermissionDenied, SummaryError, UpdateError
from bot.knowledge import KnowledgeBase
from bot.partners.periods import Period, parse_period, quarter_of
from bot.partners.updates import RAG, UpdateRecord
from bot.storage import Storage

logger = logging.getLogger(__name__)

Role = Literal["coordinator", "partner", "resident"]

#: Longest narrative a partner may send (characters); the summary must stay readable.
NARRATIVE_LIMIT = 2000
#: Longest comment a coordinator may attach when returning an update.
COMMENT_LIMIT = 1000
MAX_FIGURES = 20
FIGURE_NAME_LIMIT = 80
FIGURE_VALUE_LIMIT = 40
#: Longest display name kept for a member (it comes from the user's Telegram profile).
DISPLAY_NAME_LIMIT = 100

PENDING = ("submitted", "returned")
STATUS_WORDS = {
    "submitted": "waiting for review",
    "approved": "approved",
    "returned": "returned for changes",
    "superseded": "replaced by a later revision",
}


# --------------------------------------------------------------------------- roles


async def org_of(storage: Storage, user_id: int | None) -> str | None:
    """The organisation a partner belongs to, or ``None`` for anyone else."""
    if user_id is None:
        return None
    value = await storage.fetch_value("SELECT org FROM members WHERE user_id = ?", (user_id,))
    return None if value is None else str(value)


async def role_of(storage: Storage, config: Config, user_id: int | None) -> Role:
    """``coordinator`` (listed in config), ``partner`` (a member) or ``resident``."""
    if config.is_coordinator(user_id):
        return "coordinator"
    if await org_of(storage, user_id) is not None:
        return "partner"
    return "resident"


def require_coordinator(config: Config, user_id: int | None) -> int:
    """The user id, or PermissionDenied when it is not a coordinator's."""
    if user_id is None or not config.is_coordinator(user_id):
        raise PermissionDenied("Sorry, only the partnership's coordinators can do that.")
    return user_id


async def require_partner(storage: Storage, user_id: int | None) -> str:
    """The partner's organisation id, or PermissionDenied."""
    org = await org_of(storage, user_id)
    if org is None:
        raise PermissionDenied(
            "Sorry, only registered partners can do that. If your organisation is a partner, "
            "ask a coordinator for an invite code and send /register CODE."
        )
    return org


# --------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: int | None
    action: str
    detail: str

    def line(self) -> str:
        actor = "-" if self.actor is None else str(self.actor)
        return f"{self.at}  {actor:>12}  {self.action:<8}  {self.detail}".rstrip()


async def record(storage: Storage, actor: int | None, action: str, detail: str = "") -> None:
    """Add one line to the audit log: who (Telegram user id), what, and on what.

    ``detail`` is ``key=value`` pairs naming records, never free text a user wrote (the log
    is kept indefinitely and read by staff who need not see narratives or comments).
    """
    await storage.execute(
        "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (storage.now_iso(), actor, action, detail),
    )


def _since_iso(since: dt.date | dt.datetime | str | None) -> str:
    if since is None:
        return ""
    if isinstance(since, str):
        return since
    if isinstance(since, dt.datetime):
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return since.astimezone(dt.UTC).isoformat(timespec="seconds")
    return since.isoformat()  # a date: "2024-10-01" sorts before that day's timestamps


async def audit_log(
    storage: Storage, since: dt.date | dt.datetime | str | None = None
) -> list[AuditEntry]:
    """Audit entries from ``since`` (a date, datetime or ISO string) on, oldest first."""
    rows = await storage.fetch_all(
        "SELECT id, at, actor, action, detail FROM audit WHERE at >= ? ORDER BY at, id",
        (_since_iso(since),),
    )
    return [AuditEntry(r["id"], r["at"], r["actor"], r["action"], r["detail"]) for r in rows]


# --------------------------------------------------------------------------- invites


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


async def create_invite(
    storage: Storage,
    org: str,
    created_by: int,
    days: int = 7,
    *,
    known_orgs: Collection[str] | None = None,
) -> str:
    """A new single-use invite code for ``org``, valid for ``days`` days.

    The code is returned once and never stored: only its hash is.
    """
    if known_orgs is not None and org not in known_orgs:
        raise InviteError(f"unknown organisation {org!r}")
    if days < 1:
        raise InviteError("an invite must be valid for at least one day")
    code = secrets.token_urlsafe(12)
    now = storage.clock()
    created = storage.now_iso()
    expires = (now if now.tzinfo else now.replace(tzinfo=dt.UTC)) + dt.timedelta(days=days)
    await storage.execute(
        "INSERT INTO invites (code_hash, org, created_by, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (hash_code(code), org, created_by, created,
         expires.astimezone(dt.UTC).isoformat(timespec="seconds")),
    )
    await record(storage, created_by, "invite", f"org={org} expires={expires.date()}")
    return code


async def invite_expiry(storage: Storage, code: str) -> str | None:
    """When an invite code expires (ISO timestamp), or None if unknown."""
    value = await storage.fetch_value(
        "SELECT expires_at FROM invites WHERE code_hash = ?", (hash_code(code),)
    )
    return None if value is None else str(value)


async def redeem_invite(
    storage: Storage, code: str, user_id: int, display_name: str | None = None
) -> str:
    """Use an invite code: link ``user_id`` to its organisation and return the org id.

    InviteError (with a message for the person) when the code is unknown, already used or
    expired. A partner already registered moves to the code's organisation.
    """
    code = code.strip()
    if not code:
        raise InviteError("Send /register followed by the code a coordinator gave you.")
    name = (display_name or "").strip()[:DISPLAY_NAME_LIMIT] or None
    async with storage.transaction():
        row = await storage.fetch_one(
            "SELECT org, expires_at, used_by FROM invites WHERE code_hash = ?",
            (hash_code(code),),
        )
        if row is None:
            raise InviteError(
                "That code isn't recognised. Check it was copied exactly, or ask a "
                "coordinator for a new one."
            )
        if row["used_by"] is not None:
            raise InviteError(
                "That code has already been used: each code works once. Ask a coordinator "
                "for a new one."
            )
        now = storage.now_iso()
        if row["expires_at"] <= now:
            raise InviteError(
                f"That code expired on {row['expires_at'][:10]}. Ask a coordinator for a "
                "new one."
            )
        org = str(row["org"])
        # Conditional update: if two people race with one code, only one row changes.
        changed = await storage.execute(
            "UPDATE invites SET used_by = ?, used_at = ? "
            "WHERE code_hash = ? AND used_by IS NULL",
            (user_id, now, hash_code(code)),
        )
        if changed != 1:
            raise InviteError("That code has already been used: each code works once.")
        await storage.execute(
            "INSERT INTO members (user_id, org, display_name, joined_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET org = excluded.org, "
            "display_name = excluded.display_name, joined_at = excluded.joined_at",
            (user_id, org, name, now),
        )
        await record(storage, user_id, "register", f"org={org}")
    return org


@dataclass(frozen=True)
class WithdrawnInvite:
    org: str
    created_by: int


async def withdraw_invite(storage: Storage, code: str, by: int | None,
                          reason: str) -> WithdrawnInvite | None:
    """Make an unused invite code stop working now (e.g. it was posted in a group chat).

    Returns its organisation and the coordinator who created it, or None if the code is
    unknown, used or already expired (nothing to withdraw). ``reason`` is a short fixed
    word for the audit log, never text a user wrote.
    """
    code = code.strip()
    if not code:
        return None
    async with storage.transaction():
        now = storage.now_iso()
        row = await storage.fetch_one(
            "SELECT org, created_by FROM invites WHERE code_hash = ? AND used_by IS NULL "
            "AND expires_at > ?", (hash_code(code), now))
        if row is None:
            return None
        await storage.execute("UPDATE invites SET expires_at = ? WHERE code_hash = ?",
                              (now, hash_code(code)))
        await record(storage, by, "withdraw-invite", f"org={row['org']} reason={reason}")
    return WithdrawnInvite(str(row["org"]), int(row["created_by"]))


# --------------------------------------------------------------------------- members


@dataclass(frozen=True)
class Member:
    user_id: int
    org: str
    display_name: str | None
    joined_at: str


def _member(row: dict[str, Any]) -> Member:
    return Member(int(row["user_id"]), str(row["org"]), row["display_name"],
                  str(row["joined_at"]))


async def list_members(storage: Storage, org: str | None = None) -> list[Member]:
    """Members (of ``org``, or all), by organisation then join time."""
    if org is None:
        rows = await storage.fetch_all("SELECT * FROM members ORDER BY org, joined_at, user_id")
    else:
        rows = await storage.fetch_all(
            "SELECT * FROM members WHERE org = ? ORDER BY joined_at, user_id", (org,)
        )
    return [_member(r) for r in rows]


async def get_member(storage: Storage, user_id: int) -> Member | None:
    row = await storage.fetch_one("SELECT * FROM members WHERE user_id = ?", (user_id,))
    return _member(row) if row else None


async def revoke(storage: Storage, user_id: int, by: int) -> Member | None:
    """Remove a partner; return who was removed (None if ``user_id`` was no member).

    Their submitted updates stay: they are the organisation's record, not the person's.
    """
    async with storage.transaction():
        member = await get_member(storage, user_id)
        if member is None:
            return None
        await storage.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
        await record(storage, by, "revoke", f"user={user_id} org={member.org}")
    return member


# --------------------------------------------------------------------------- validation


def validate_narrative(text: str | None) -> str:
    """The narrative, trimmed; UpdateError when empty or over :data:`NARRATIVE_LIMIT`."""
    value = (text or "").strip()
    if not value:
        raise UpdateError("Please write what was done and what changed (it can't be empty).")
    if len(value) > NARRATIVE_LIMIT:
        raise UpdateError(
            f"That's {len(value):,} characters; the limit is {NARRATIVE_LIMIT:,}. Please "
            f"shorten it by {len(value) - NARRATIVE_LIMIT:,} characters and send it again."
        )
    return value


class FiguresError(UpdateError):
    """Some figure lines did not parse; ``bad`` lists (line number, line, why)."""

    def __init__(self, bad: list[tuple[int, str, str]]) -> None:
        self.bad = bad
        super().__init__("; ".join(f"line {n}: {why}" for n, _, why in bad))


_FIGURE = re.compile(r"^\s*([^:]+?)\s*:\s*(.+?)\s*$")


def parse_figures(text: str) -> list[tuple[str, str]]:
    """``name: value`` lines (blank lines ignored) as ``[(name, value), ...]``.

    The value must contain a digit (``480``, ``12.5%``, ``2,130``), so a sentence with a
    colon is caught rather than stored as a figure. FiguresError names every bad line.
    """
    figures: list[tuple[str, str]] = []
    bad: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _FIGURE.match(line)
        if not m:
            bad.append((number, line, "expected name: value, e.g. ASB incidents: 480"))
            continue
        name, value = m.group(1), m.group(2)
        if not any(ch.isdigit() for ch in value):
            bad.append((number, line, "the value should be a number, e.g. 480 or 12.5%"))
        elif len(name) > FIGURE_NAME_LIMIT:
            bad.append((number, line, f"the name is over {FIGURE_NAME_LIMIT} characters"))
        elif len(value) > FIGURE_VALUE_LIMIT:
            bad.append((number, line, f"the value is over {FIGURE_VALUE_LIMIT} characters"))
        elif name.casefold() in seen:
            bad.append((number, line, f"{name} is given twice"))
        else:
            seen.add(name.casefold())
            figures.append((name, value))
    if bad:
        raise FiguresError(bad)
    if len(figures) > MAX_FIGURES:
        raise FiguresError([(0, "", f"at most {MAX_FIGURES} figures, please")])
    return figures


def _quarter(label: str) -> Period:
    try:
        period = parse_period(label)
    except SummaryError as exc:
        raise UpdateError(str(exc)) from exc
    if period.quarter is None:
        raise UpdateError(f"updates are per quarter, e.g. 2024-25 Q3, not {label!r}")
    return period


# --------------------------------------------------------------------------- drafts


@dataclass
class UpdateDraft:
    """A partner's update in the making; kept in PTB's user_data as :meth:`to_dict`."""

    org: str
    priority: str = ""
    period: str = ""
    rag: str = ""
    narrative: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    amends: int | None = None  # the revision this one amends, if any
    #: Names this draft: submitting it stores one revision however often Submit is pressed
    #: (see :func:`submit_once`), and its preview's buttons carry it.
    key: str = field(default_factory=lambda: secrets.token_urlsafe(6))

    def to_dict(self) -> dict[str, Any]:
        return {
            "org": self.org, "priority": self.priority, "period": self.period,
            "rag": self.rag, "narrative": self.narrative,
            "figures": [list(f) for f in self.figures], "amends": self.amends,
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UpdateDraft:
        return cls(
            org=str(data.get("org", "")),
            priority=str(data.get("priority", "")),
            period=str(data.get("period", "")),
            rag=str(data.get("rag", "")),
            narrative=str(data.get("narrative", "")),
            figures=[(str(n), str(v)) for n, v in data.get("figures") or []],
            amends=data.get("amends"),
            # A draft saved before drafts had keys gets one now.
            key=str(data.get("key") or secrets.token_urlsafe(6)),
        )

    @classmethod
    def from_record(cls, update: UpdateRecord) -> UpdateDraft:
        return cls(update.org, update.priority, update.period, update.rag,
                   update.narrative, list(update.figures), amends=update.id)

    def complete(self) -> bool:
        return bool(self.org and self.priority and self.period and self.rag and self.narrative)


def format_update_preview(update: Any, kb: KnowledgeBase) -> str:
    """An update (record or draft) as HTML, exactly as the progress summary shows it: its
    priority's heading, then the entry (rendered by :mod:`bot.publishing.summary` itself, so
    the two cannot drift apart). Every user-supplied part is escaped there.
    """
    from bot.publishing import summary  # matplotlib and Jinja2: only when a preview is needed

    try:
        period = parse_period(update.period)
    except SummaryError as exc:
        raise UpdateError(str(exc)) from exc
    # What the summary will hold once this is approved: it alone, as an approved revision.
    record = UpdateRecord(
        id=0, org=update.org, priority=update.priority, period=update.period, revision=1,
        rag=update.rag, narrative=update.narrative, figures=list(update.figures),
        status="approved")
    built = summary.build_summary(kb, [record], period)
    for section in built.sections:
        if section.id == update.priority and section.entries:
            # The summary's own renderer for one partner's entry: the preview is exact.
            entry = summary.render_entry_text(section.entries[0], period.is_year)
            return f"<b>{html.escape(section.heading)}</b>\n\n{entry}"
    raise UpdateError("This update can't be previewed: its status or quarter is not valid.")


# --------------------------------------------------------------------------- updates


async def get_update(storage: Storage, update_id: int) -> UpdateRecord | None:
    row = await storage.fetch_one("SELECT * FROM updates WHERE id = ?", (update_id,))
    return UpdateRecord.from_row(row) if row else None


async def submit_update(
    storage: Storage,
    *,
    org: str,
    priority: str,
    period: str,
    rag: str,
    narrative: str,
    figures: Sequence[tuple[str, str]] = (),
    by: int,
    kb: KnowledgeBase | None = None,
) -> UpdateRecord:
    """Store a new revision; the earlier pending one (if any) becomes ``superseded``.

    Everything is validated again here, whatever the chat flow checked: this is the record.
    """
    record_, _ = await submit_once(
        storage, org=org, priority=priority, period=period, rag=rag, narrative=narrative,
        figures=figures, by=by, kb=kb)
    return record_


async def submitted_draft(storage: Storage, draft_key: str) -> UpdateRecord | None:
    """The revision a draft became, if it has been submitted."""
    row = await storage.fetch_one("SELECT * FROM updates WHERE draft_key = ?", (draft_key,))
    return UpdateRecord.from_row(row) if row else None


async def submit_once(
    storage: Storage,
    *,
    org: str,
    priority: str,
    period: str,
    rag: str,
    narrative: str,
    figures: Sequence[tuple[str, str]] = (),
    by: int,
    kb: KnowledgeBase | None = None,
    draft_key: str | None = None,
) -> tuple[UpdateRecord, bool]:
    """:func:`submit_update`, at most once per ``draft_key``: returns the revision and
    whether it is new. A second submission of the same draft (a double tap on Submit, two
    presses handled at once) returns the first one's revision and stores nothing, so there
    is one revision, one audit entry and one notice to coordinators."""
    if kb is not None:
        if org not in kb.partners:
            raise UpdateError(f"unknown organisation {org!r}")
        if priority not in {t.id for t in kb.priorities()}:
            raise UpdateError(f"unknown priority or theme {priority!r}")
    if rag not in RAG:
        raise UpdateError(f"RAG status must be one of {', '.join(RAG)}")
    label = _quarter(period).label
    text = validate_narrative(narrative)
    figs = [(str(n), str(v)) for n, v in figures]
    if figs:
        # Same rules as typed figures, so a figure can't bypass them through the core.
        figs = parse_figures("\n".join(f"{n}: {v}" for n, v in figs))
    async with storage.transaction():
        if draft_key is not None and (done := await submitted_draft(storage, draft_key)):
            return done, False
        previous = int(await storage.fetch_value(
            "SELECT COALESCE(MAX(revision), 0) FROM updates "
            "WHERE org = ? AND priority = ? AND period = ?", (org, priority, label)))
        await storage.execute(
            "UPDATE updates SET status = 'superseded' WHERE org = ? AND priority = ? "
            "AND period = ? AND status IN ('submitted', 'returned')", (org, priority, label))
        new_id = await storage.execute_insert(
            "INSERT INTO updates (org, priority, period, revision, rag, narrative, figures, "
            "status, submitted_by, submitted_at, draft_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?)",
            (org, priority, label, previous + 1, rag, text, json.dumps(figs), by,
             storage.now_iso(), draft_key),
        )
        await record(storage, by, "submit", f"update={new_id} org={org} priority={priority} "
                     f"period={label} revision={previous + 1}")
    found = await get_update(storage, new_id)
    assert found is not None
    return found, True


async def _pending_for_review(storage: Storage, update_id: int) -> UpdateRecord:
    """The update, if it can still be reviewed; UpdateError saying why not otherwise."""
    update = await get_update(storage, update_id)
    if update is None:
        raise UpdateError("That update no longer exists.")
    if update.status == "superseded":
        raise UpdateError("A newer revision of that update has been submitted; review that one.")
    if update.status != "submitted":
        raise UpdateError(f"That update has already been {update.status}.")
    return update


async def approve(storage: Storage, update_id: int, by: int) -> UpdateRecord:
    """Approve a submitted revision; it now feeds the summary, replacing an older approval."""
    async with storage.transaction():
        update = await _pending_for_review(storage, update_id)
        now = storage.now_iso()
        await storage.execute(
            "UPDATE updates SET status = 'superseded' WHERE org = ? AND priority = ? "
            "AND period = ? AND status = 'approved'",
            (update.org, update.priority, update.period))
        await storage.execute(
            "UPDATE updates SET status = 'approved', reviewed_by = ?, reviewed_at = ? "
            "WHERE id = ?", (by, now, update_id))
        await record(storage, by, "approve", f"update={update_id} org={update.org} "
                     f"priority={update.priority} period={update.period} "
                     f"revision={update.revision}")
    found = await get_update(storage, update_id)
    assert found is not None
    return found


def validate_comment(comment: str | None) -> str:
    value = (comment or "").strip()
    if not value:
        raise UpdateError("Please say what the partner should change (the comment is empty).")
    if len(value) > COMMENT_LIMIT:
        raise UpdateError(f"That's {len(value):,} characters; a comment can be at most "
                          f"{COMMENT_LIMIT:,}. Please shorten it and send it again.")
    return value


async def return_update(storage: Storage, update_id: int, by: int, comment: str) -> UpdateRecord:
    """Send a submitted revision back to the partner with a comment."""
    text = validate_comment(comment)
    async with storage.transaction():
        update = await _pending_for_review(storage, update_id)
        await storage.execute(
            "UPDATE updates SET status = 'returned', reviewed_by = ?, reviewed_at = ?, "
            "review_comment = ? WHERE id = ?", (by, storage.now_iso(), text, update_id))
        await record(storage, by, "return", f"update={update_id} org={update.org} "
                     f"priority={update.priority} period={update.period} "
                     f"revision={update.revision}")
    found = await get_update(storage, update_id)
    assert found is not None
    return found


async def pending(storage: Storage) -> list[UpdateRecord]:
    """Revisions waiting for review, oldest submission first."""
    rows = await storage.fetch_all(
        "SELECT * FROM updates WHERE status = 'submitted' ORDER BY submitted_at, id")
    return [UpdateRecord.from_row(r) for r in rows]


async def updates_of_org(storage: Storage, org: str) -> list[UpdateRecord]:
    """An organisation's current revisions (approved and pending; not superseded ones),
    newest quarter first."""
    rows = await storage.fetch_all(
        "SELECT * FROM updates WHERE org = ? AND status != 'superseded' "
        "ORDER BY period DESC, priority, revision DESC", (org,))
    return [UpdateRecord.from_row(r) for r in rows]


async def history(storage: Storage, org: str, priority: str, period: str) -> list[UpdateRecord]:
    """Every revision of one update, oldest first."""
    rows = await storage.fetch_all(
        "SELECT * FROM updates WHERE org = ? AND priority = ? AND period = ? ORDER BY revision",
        (org, priority, period))
    return [UpdateRecord.from_row(r) for r in rows]


async def amendable(storage: Storage, update_id: int, org: str) -> UpdateRecord:
    """The update a partner of ``org`` may amend: theirs, pending, and the newest revision."""
    update = await get_update(storage, update_id)
    if update is None or update.org != org:
        raise UpdateError("That update isn't one of your organisation's.")
    if update.status not in PENDING:
        raise UpdateError(f"That revision is {STATUS_WORDS.get(update.status, update.status)}; "
                          "send /update to post a new one.")
    return update


# --------------------------------------------------------------------------- reminders


class Reminder(NamedTuple):
    """An organisation that still owes updates for a quarter."""

    org: str
    priorities: list[str]  # ids of owned priorities/themes with nothing submitted
    period: str  # the quarter's label
    deadline: dt.date


def _recent_quarters(today: dt.date, count: int = 6) -> list[Period]:
    out, q = [], quarter_of(today)
    for _ in range(count):
        out.append(q)
        q = q.previous()
    return out


async def due_reminders(
    storage: Storage, kb: KnowledgeBase, config: Config, today: dt.date
) -> list[Reminder]:
    """Who to remind today: for each quarter whose deadline is one of the configured
    ``reminder_days`` away, each organisation with owned priorities not yet submitted."""
    settings = config.partners
    valid = {t.id for t in kb.priorities()}
    out: list[Reminder] = []
    for quarter in _recent_quarters(today):
        deadline = quarter.deadline(settings.deadline_days_after_quarter)
        if (deadline - today).days not in settings.reminder_days:
            continue
        rows = await storage.fetch_all(
            "SELECT DISTINCT org, priority FROM updates WHERE period = ? "
            "AND status IN ('submitted', 'approved')", (quarter.label,))
        done = {(r["org"], r["priority"]) for r in rows}
        for org, partner in kb.partners.items():
            missing = [p for p in partner.owns if p in valid and (org, p) not in done]
            if missing:
                out.append(Reminder(org, missing, quarter.label, deadline))
    return out
