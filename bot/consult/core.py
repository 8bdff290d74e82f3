"""Consultations: what a coordinator asks, and answers kept without who gave them.

A coordinator writes a consultation as a few lines (:func:`parse_spec`)::

    How safe do you feel in your area after dark?
    options: scale                 (or: options: Yes | No | Not sure, up to 10)
    ward: yes                      (optional: also ask which ward they live in)
    open: 2025-04-01
    close: 2025-04-30

It is stored ``scheduled``; on its opening date :func:`open_due` makes it ``open`` and
creates a broadcast (:mod:`bot.publishing.broadcast`, so it is sent at the broadcast pace
and resumes after a crash) whose message is :func:`broadcast_message`, a marker the Telegram
sender turns into the consultation itself. After its closing date :func:`close_due`
closes it.

Privacy (decision)
    * Without a ward question the consultation is a Telegram **anonymous poll** in each
      chat: the bot only ever gets the poll's counts. Each poll's latest counts are kept
      under a keyed hash of the poll id (so the rows have no order that could be matched
      to the order of sending) until the close adds them to the totals and deletes them.
    * With a ward question a poll cannot carry the ward, so the question has buttons and
      the answer is added to a **count** per (option, ward): there is no row per person
      and never a chat id.
    * One answer per chat: an HMAC-SHA256 of the chat id under the consultation's own
      random key goes in ``consult_seen`` (no order, no time). Without the key the hashes
      say nothing; at the close the key and the hashes are deleted, after which nothing
      links any chat to the consultation at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from bot.errors import CspBotError
from bot.knowledge import KnowledgeBase
from bot.publishing import broadcast as engine
from bot.storage import Storage

logger = logging.getLogger(__name__)

#: Telegram's limits for polls, applied to every consultation so either form fits.
MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS, MAX_OPTIONS = 2, 10
SCALE_OPTIONS = ("1 - not at all", "2", "3", "4", "5 - very")
#: The ward answer of someone outside the wards listed, or who would rather not say.
ELSEWHERE = "elsewhere"
ELSEWHERE_LABEL = "Elsewhere, or I'd rather not say"
#: Broadcast messages starting with this are not text: see :func:`broadcast_message`. A
#: control character no coordinator types, so a custom broadcast can never look like one.
SPECIAL_PREFIX = "\x1ecsp:"
BROADCAST_KIND = "consult"

Outcome = Literal["counted", "already", "closed", "invalid"]


class ConsultError(CspBotError):
    """A consultation is malformed, unknown, or cannot take an answer."""


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Spec:
    """What a coordinator asked for, validated."""

    question: str
    options: tuple[str, ...]
    scale: bool
    ask_ward: bool
    opens_on: dt.date
    closes_on: dt.date


_KEYED = re.compile(r"^\s*(options?|ward|open|opens|close|closes)\s*:\s*(.*)$", re.I)
_FIELDS = {"option": "option", "options": "option", "ward": "ward", "open": "open",
           "opens": "open", "close": "close", "closes": "close"}
_YES = {"yes", "y", "true", "on", "1"}
_NO = {"no", "n", "false", "off", "0", ""}

EXAMPLE = (
    "How safe do you feel in your area after dark?\n"
    "options: scale\n"
    "ward: yes\n"
    "open: 2025-04-01\n"
    "close: 2025-04-30"
)


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConsultError(f"the {what} date {text.strip()!r} is not a date: "
                           "write it as YYYY-MM-DD, e.g. 2025-04-30") from None


def parse_spec(text: str, today: dt.date) -> Spec:
    """A consultation from the coordinator's lines (see the module doc); ConsultError
    says what to fix. ``- option`` lines after ``options:`` are options too."""
    question: list[str] = []
    options: list[str] = []
    fields: dict[str, str] = {}
    in_options = False
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _KEYED.match(line)
        if m:
            key = _FIELDS[m.group(1).lower()]
            fields[key] = m.group(2).strip()
            in_options = key == "option"
            continue
        if in_options and line.startswith(("-", "•", "*")):
            options.append(line.lstrip("-•* ").strip())
            continue
        if fields:
            raise ConsultError(f"I do not understand the line {line[:60]!r}: after the "
                               "question use options:, ward:, open: and close:")
        question.append(line)
    q = " ".join(question).strip()
    if not q:
        raise ConsultError("the consultation needs a question on its first line")
    if len(q) > MAX_QUESTION:
        raise ConsultError(f"the question is {len(q)} characters; at most {MAX_QUESTION}")
    listed = fields.get("option", "")
    scale = listed.lower() in ("scale", "1-5", "1 to 5")
    if scale:
        if options:
            raise ConsultError("options: scale takes no other options")
        options = list(SCALE_OPTIONS)
    else:
        options = [o.strip() for o in listed.split("|") if o.strip()] + options
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ConsultError(f"give {MIN_OPTIONS} to {MAX_OPTIONS} options, separated by |, "
                           f"or options: scale (you gave {len(options)})")
    for option in options:
        if len(option) > MAX_OPTION:
            raise ConsultError(f"the option {option[:40]!r}... is {len(option)} characters; "
                               f"at most {MAX_OPTION}")
    if len({o.casefold() for o in options}) != len(options):
        raise ConsultError("two options are the same")
    ward = fields.get("ward", "no").lower()
    if ward not in _YES | _NO:
        raise ConsultError("ward: takes yes or no")
    if "open" not in fields or "close" not in fields:
        raise ConsultError("give the dates: open: YYYY-MM-DD and close: YYYY-MM-DD")
    opens_on, closes_on = _date(fields["open"], "opening"), _date(fields["close"], "closing")
    if closes_on < opens_on:
        raise ConsultError("the closing date is before the opening date")
    if closes_on < today:
        raise ConsultError("the closing date has already passed")
    return Spec(q, tuple(options), scale, ward in _YES, opens_on, closes_on)


def ward_choices(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The wards a resident can pick: the plan's wards (not its overlapping policing
    areas), then "elsewhere". Fixed in the consultation when it is created, so a later
    knowledge-base edit cannot shift answers between wards."""
    wards = sorted((w.name, w.id) for w in kb.wards.values() if w.status != "precision-policing")
    return [(ident, name) for name, ident in wards] + [(ELSEWHERE, ELSEWHERE_LABEL)]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Consultation:
    id: int
    question: str
    options: tuple[str, ...]
    scale: bool
    wards: tuple[tuple[str, str], ...] | None  # (id, name) when the ward is asked
    opens_on: dt.date
    closes_on: dt.date
    status: str  # scheduled | open | closed
    created_by: int
    broadcast_id: int | None

    @property
    def uses_poll(self) -> bool:
        """A Telegram anonymous poll fits only when no ward is asked."""
        return self.wards is None

    def ward_name(self, ward_id: str) -> str:
        return dict(self.wards or ()).get(ward_id, ward_id)

    @property
    def dates(self) -> str:
        return f"{self.opens_on:%d %B %Y} to {self.closes_on:%d %B %Y}".lstrip("0")


def _row(row: dict[str, Any]) -> Consultation:
    wards = json.loads(row["wards"]) if row["wards"] else None
    return Consultation(
        id=int(row["id"]), question=str(row["question"]),
        options=tuple(json.loads(row["options"])), scale=bool(row["scale"]),
        wards=tuple((str(w[0]), str(w[1])) for w in wards) if wards is not None else None,
        opens_on=dt.date.fromisoformat(row["opens_on"]),
        closes_on=dt.date.fromisoformat(row["closes_on"]), status=str(row["status"]),
        created_by=int(row["created_by"]),
        broadcast_id=int(row["broadcast_id"]) if row["broadcast_id"] is not None else None)


async def get(storage: Storage, consultation_id: int) -> Consultation:
    row = await storage.fetch_one("SELECT * FROM consultations WHERE id = ?",
                                  (consultation_id,))
    if row is None:
        raise ConsultError(f"there is no consultation {consultation_id}")
    return _row(row)


async def list_by_status(storage: Storage, *statuses: str) -> list[Consultation]:
    marks = ",".join("?" * len(statuses))
    rows = await storage.fetch_all(
        f"SELECT * FROM consultations WHERE status IN ({marks}) ORDER BY id", statuses)
    return [_row(r) for r in rows]


async def closed_between(storage: Storage, start: dt.date, end: dt.date) -> list[Consultation]:
    """Closed consultations whose closing date is in [start, end], oldest first."""
    rows = await storage.fetch_all(
        "SELECT * FROM consultations WHERE status = 'closed' AND closes_on BETWEEN ? AND ? "
        "ORDER BY closes_on, id", (start.isoformat(), end.isoformat()))
    return [_row(r) for r in rows]


async def create(storage: Storage, spec: Spec, kb: KnowledgeBase, created_by: int, *,
                 draft_key: str | None = None) -> tuple[Consultation, bool]:
    """Store a consultation (``scheduled``) with its own random key; a second create of the
    same ``draft_key`` (a double tap on Confirm) returns the first, and False."""
    wards = json.dumps(ward_choices(kb)) if spec.ask_ward else None
    async with storage.transaction():
        if draft_key is not None:
            existing = await storage.fetch_value(
                "SELECT id FROM consultations WHERE draft_key = ?", (draft_key,))
            if existing is not None:
                return await get(storage, int(existing)), False
        ident = await storage.execute_insert(
            "INSERT INTO consultations (question, options, scale, wards, opens_on, closes_on, "
            "status, created_by, created_at, draft_key) "
            "VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)",
            (spec.question, json.dumps(list(spec.options)), int(spec.scale), wards,
             spec.opens_on.isoformat(), spec.closes_on.isoformat(), created_by,
             storage.now_iso(), draft_key))
        await storage.execute("INSERT INTO consult_keys (consultation_id, key) VALUES (?, ?)",
                              (ident, secrets.token_bytes(32)))
    logger.info("consultation %d created by %s", ident, created_by)
    return await get(storage, ident), True


# --------------------------------------------------------------------------- open and close


def broadcast_message(consultation_id: int) -> str:
    """The broadcast's stored message: a marker the sender turns into the consultation."""
    return f"{SPECIAL_PREFIX}{BROADCAST_KIND}:{consultation_id}"


def consultation_of(message: str) -> int | None:
    """The consultation id a broadcast message stands for, or None for plain text."""
    prefix = f"{SPECIAL_PREFIX}{BROADCAST_KIND}:"
    if message.startswith(prefix) and message[len(prefix):].isdigit():
        return int(message[len(prefix):])
    return None


async def open_due(storage: Storage, today: dt.date) -> list[Consultation]:
    """Open every scheduled consultation whose opening date has come (and has not closed):
    each gets its broadcast to subscribers, created here; the caller starts sending it.
    Returns those opened (with their broadcast ids)."""
    opened: list[Consultation] = []
    for c in await list_by_status(storage, "scheduled"):
        if c.opens_on > today or c.closes_on < today:
            continue
        async with storage.transaction():
            broadcast_id, _ = await engine.create_once(
                storage, c.created_by, BROADCAST_KIND, broadcast_message(c.id),
                draft_key=f"consult-{c.id}")
            changed = await storage.execute(
                "UPDATE consultations SET status = 'open', broadcast_id = ? "
                "WHERE id = ? AND status = 'scheduled'", (broadcast_id, c.id))
        if changed:
            logger.info("consultation %d open, broadcast %d", c.id, broadcast_id)
            opened.append(await get(storage, c.id))
    return opened


async def close(storage: Storage, consultation_id: int) -> bool:
    """Close a consultation now: poll counts are added to the totals, and the polls'
    hashes, who-answered hashes and the key are deleted. False if it was closed already."""
    async with storage.transaction():
        c = await get(storage, consultation_id)
        if c.status == "closed":
            return False
        for row in await storage.fetch_all(
                "SELECT counts FROM consult_polls WHERE consultation_id = ?", (c.id,)):
            await _add_counts(storage, c.id, json.loads(row["counts"]))
        for table in ("consult_polls", "consult_seen", "consult_keys"):
            await storage.execute(f"DELETE FROM {table} WHERE consultation_id = ?", (c.id,))
        await storage.execute(
            "UPDATE consultations SET status = 'closed', closed_at = ? WHERE id = ?",
            (storage.now_iso(), c.id))
        if c.broadcast_id is not None:
            # Still sending: the rest would get a consultation they can no longer answer.
            await storage.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? "
                "WHERE id = ? AND status IN ('pending', 'running')",
                (storage.now_iso(), c.broadcast_id))
    logger.info("consultation %d closed", consultation_id)
    return True


async def close_due(storage: Storage, today: dt.date) -> list[int]:
    """Close every consultation whose closing date has passed; their ids."""
    closed = []
    for c in await list_by_status(storage, "scheduled", "open"):
        if c.closes_on < today and await close(storage, c.id):
            closed.append(c.id)
    return closed


async def _add_counts(storage: Storage, consultation_id: int, counts: list[int],
                      ward: str = "") -> None:
    for choice, n in enumerate(counts):
        if n > 0:
            await storage.execute(
                "INSERT INTO consult_counts (consultation_id, choice, ward, n) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (consultation_id, choice, ward) "
                "DO UPDATE SET n = n + excluded.n", (consultation_id, choice, ward, int(n)))


# --------------------------------------------------------------------------- answers


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


async def _key(storage: Storage, consultation_id: int) -> bytes | None:
    key = await storage.fetch_value(
        "SELECT key FROM consult_keys WHERE consultation_id = ?", (consultation_id,))
    return bytes(key) if key is not None else None


async def record_answer(storage: Storage, consultation_id: int, chat_id: int, choice: int,
                        ward: str | None) -> Outcome:
    """Count one chat's answer (a button consultation): ``counted``, ``already`` (this
    chat answered before), ``closed`` (not open) or ``invalid`` (no such option or ward).

    The chat id is used only to make its keyed hash; it is stored nowhere, and the answer
    only adds one to a count.
    """
    async with storage.transaction():
        try:
            c = await get(storage, consultation_id)
        except ConsultError:
            return "invalid"
        if c.status != "open":
            return "closed"
        if not 0 <= choice < len(c.options):
            return "invalid"
        if c.wards is not None and ward not in {w for w, _ in c.wards}:
            return "invalid"
        key = await _key(storage, c.id)
        if key is None:
            return "closed"
        added = await storage.execute(
            "INSERT OR IGNORE INTO consult_seen (consultation_id, chat_key) VALUES (?, ?)",
            (c.id, _mac(key, f"chat:{chat_id}")))
        if not added:
            return "already"
        counts = [0] * len(c.options)
        counts[choice] = 1
        await _add_counts(storage, c.id, counts, ward or "")
    return "counted"


async def has_answered(storage: Storage, consultation_id: int, chat_id: int) -> bool:
    """Whether this chat answered (or, for a poll, was sent the poll)."""
    key = await _key(storage, consultation_id)
    if key is None:
        return False
    found = await storage.fetch_value(
        "SELECT 1 FROM consult_seen WHERE consultation_id = ? AND chat_key = ?",
        (consultation_id, _mac(key, f"chat:{chat_id}")))
    return found is not None


async def claim_poll(storage: Storage, consultation_id: int, chat_id: int) -> bool:
    """Before sending a poll to a chat: False if it has had this poll already (its vote is
    there), so no chat gets two polls to vote in."""
    key = await _key(storage, consultation_id)
    if key is None:
        return False
    added = await storage.execute(
        "INSERT OR IGNORE INTO consult_seen (consultation_id, chat_key) VALUES (?, ?)",
        (consultation_id, _mac(key, f"chat:{chat_id}")))
    return bool(added)


async def release_poll(storage: Storage, consultation_id: int, chat_id: int) -> None:
    """The poll could not be sent after :func:`claim_poll`: the chat may be sent it again."""
    key = await _key(storage, consultation_id)
    if key is not None:
        await storage.execute(
            "DELETE FROM consult_seen WHERE consultation_id = ? AND chat_key = ?",
            (consultation_id, _mac(key, f"chat:{chat_id}")))


async def register_poll(storage: Storage, consultation_id: int, poll_id: str,
                        options: int) -> None:
    """Remember a poll sent for a consultation, under a keyed hash of its id."""
    key = await _key(storage, consultation_id)
    if key is None:
        return
    await storage.execute(
        "INSERT OR IGNORE INTO consult_polls (poll_key, consultation_id, counts) "
        "VALUES (?, ?, ?)", (_mac(key, f"poll:{poll_id}"), consultation_id,
                             json.dumps([0] * options)))


async def record_poll(storage: Storage, poll_id: str, counts: list[int]) -> int | None:
    """Telegram's latest counts for an anonymous poll; the consultation it belongs to, or
    None (not ours, or closed). Counts replace the poll's previous ones: a resident who
    changes their vote moves it."""
    for c in await list_by_status(storage, "open"):
        if not c.uses_poll or len(counts) != len(c.options):
            continue
        key = await _key(storage, c.id)
        if key is None:
            continue
        changed = await storage.execute(
            "UPDATE consult_polls SET counts = ? WHERE poll_key = ?",
            (json.dumps([max(0, int(n)) for n in counts]), _mac(key, f"poll:{poll_id}")))
        if changed:
            return c.id
    return None


async def tallies(storage: Storage, consultation_id: int) -> dict[tuple[int, str], int]:
    """Answers so far: (choice, ward id or '') -> count, open polls included."""
    out: dict[tuple[int, str], int] = {}
    for row in await storage.fetch_all(
            "SELECT choice, ward, n FROM consult_counts WHERE consultation_id = ?",
            (consultation_id,)):
        out[(int(row["choice"]), str(row["ward"]))] = int(row["n"])
    for row in await storage.fetch_all(
            "SELECT counts FROM consult_polls WHERE consultation_id = ?", (consultation_id,)):
        for choice, n in enumerate(json.loads(row["counts"])):
            if n:
                out[(choice, "")] = out.get((choice, ""), 0) + int(n)
    return out
