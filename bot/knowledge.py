"""The knowledge base: topics, contacts, partners and wards loaded from ``knowledge/*.yaml``.

Loading validates every entry with pydantic and reports each problem with its file and line,
so a knowledge author sees exactly what to fix. :func:`load_knowledge` raises
:class:`~bot.errors.KnowledgeError` on any error; :func:`check_knowledge` returns the problems
(errors and warnings) without raising, for ``csp-bot kb check``.

The format is documented in ``docs/knowledge-format.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import KnowledgeError, Problem

logger = logging.getLogger(__name__)

# libyaml's safe loader parses about ten times faster; it matters for start-up.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Entries checked against their source longer ago than this are flagged for review.
REVIEW_AFTER_DAYS = 365

TopicKind = Literal["priority", "theme", "report", "support", "plan", "ward", "partner",
                    "declined"]
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# A phone number as UK services write them: 0 then 9-10 more digits (spaces allowed), or a
# 116 xxx helpline. Short numbers (999, 101, 111, 55, 85258) are checked by their contacts.
_PHONE_RE = re.compile(r"(?<![\d,.])(?:0\d(?:[ ]?\d){8,9}|116 ?\d{3})(?![\d,])")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: What a contact line adds for each confidence (contacts.yaml): plain words, no alarm.
CONFIDENCE_NOTE = {
    "official": "",
    "secondary": " (from a news or other non-official page: check the service's website)",
    "well-known": " (long-standing national number, not re-checked on an official page: "
                  "check the website if unsure)",
}


class Contact(_Strict):
    """A verified way to reach a service, copied from ``shared/facts/contacts.yaml``."""

    id: str = Field(pattern=_SLUG)
    name: str
    phone: str | None = None
    web: str | None = None
    email: str | None = None
    use: str
    notes: str | None = None
    confidence: Literal["official", "secondary", "well-known"]
    source: str = Field(min_length=3)
    reviewed: dt.date | None = None  # filled from the file's ``reviewed`` when absent

    def line(self) -> str:
        """``Name: phone, web`` as shown under an answer, with how sure we are of it.

        A resident cannot tell an official number from one read on a news page, so the
        line says so, calmly; a contact with no confirmed route says that instead of
        showing a bare name.
        """
        parts = [p for p in (self.phone, self.web, self.email) if p]
        if not parts:
            return f"{self.name}: no phone number or website confirmed (see above)"
        return f"{self.name}: {', '.join(parts)}" + CONFIDENCE_NOTE[self.confidence]


class Figure(_Strict):
    """One figure the plan gives for a priority or theme."""

    name: str
    value: float
    unit: str
    period: str | None = None
    staffordshire: float | None = None
    england_wales: float | None = None
    note: str | None = None


class SourceLink(_Strict):
    """A public page a topic's answer relies on, beyond the plan and contacts.yaml.

    Found with the search tool; ``confidence`` as in contacts.yaml (official: the service's
    own or a council/police/government page; secondary: a news or third-party page).
    """

    url: str = Field(pattern=r"^https?://")
    says: str = Field(min_length=3)  # what the answer takes from it
    confidence: Literal["official", "secondary", "well-known"]


class Topic(_Strict):
    """Something a resident can ask about, with its answer and where the answer comes from."""

    id: str = Field(pattern=_SLUG)
    title: str = Field(min_length=3)
    kind: TopicKind
    order: int | None = None
    questions: list[str] = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    answer: str = Field(min_length=10)
    contacts: list[str] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list)
    source: str = Field(min_length=3)
    sources: list[SourceLink] = Field(default_factory=list)
    reviewed: dt.date

    @field_validator("answer")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        # Answers are escaped for Telegram HTML by the bot; markup here would show literally.
        if re.search(r"</?[a-zA-Z][^>]*>", value):
            raise ValueError("answer must be plain text (no HTML tags)")
        return value.strip()


class Partner(_Strict):
    """A partner organisation (plan section 8) and the priorities it reports on."""

    id: str = Field(pattern=_SLUG)
    name: str
    short: str
    does: str
    owns: list[str] = Field(default_factory=list)
    contact: str | None = None
    source: str = Field(min_length=3)
    reviewed: dt.date


class WardFigure(_Strict):
    """A figure the plan gives for an area, with what it is compared against."""

    name: str
    value: float
    unit: str
    area: str | None = None
    comparison: dict[str, float] = Field(default_factory=dict)


class Ward(_Strict):
    """A ward or area the plan names."""

    id: str = Field(pattern=_SLUG)
    name: str
    aliases: list[str] = Field(default_factory=list)
    status: Literal["priority", "inner-burton", "precision-policing"]
    figures: list[WardFigure] = Field(default_factory=list)
    note: str = ""
    source: str = Field(min_length=3)
    reviewed: dt.date


class _ContactsFile(_Strict):
    reviewed: dt.date
    contacts: list[Contact]


@dataclass
class KnowledgeBase:
    """Everything loaded from one knowledge directory."""

    topics: dict[str, Topic]
    contacts: dict[str, Contact]
    partners: dict[str, Partner]
    wards: dict[str, Ward]
    places: list[str]
    source_dir: Path
    warnings: list[Problem] = field(default_factory=list)
    #: SHA-256 of the YAML files this knowledge base was loaded from (names and texts), set
    #: by :func:`load_knowledge` only. The matcher keys its on-disk index cache by it, so a
    #: large knowledge base's cache is found without hashing every topic again. Not an init
    #: argument, so ``dataclasses.replace`` (a knowledge base made in memory) drops it and
    #: the matcher hashes the content itself. Code that edits a loaded knowledge base in
    #: place must set it to None; nothing in the bot does.
    digest: str | None = field(default=None, init=False, compare=False, repr=False)

    def priorities(self) -> list[Topic]:
        """Priorities then cross-cutting themes, in the plan's order."""
        ordered = [t for t in self.topics.values() if t.kind in ("priority", "theme")]
        return sorted(ordered, key=lambda t: (t.kind != "priority", t.order or 99, t.id))

    def contacts_for(self, topic: Topic) -> list[Contact]:
        return [self.contacts[c] for c in topic.contacts if c in self.contacts]


# --------------------------------------------------------------------------- YAML with lines


def _node_line(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """Line (1-based) of the YAML node at ``loc``, or of its nearest ancestor that exists."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    child = v
                    line = k.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if 0 <= key < len(node.value):
                child = node.value[key]
                line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _parse(path: Path, label: str, digest: Any = None,
           ) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """Parse one YAML file, returning its data, node tree and any syntax problem; the text
    parsed goes into ``digest`` (a hashlib object) when one is given."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [Problem(label, None, f"cannot read file: {exc}")]
    if digest is not None:
        data = text.encode("utf-8")
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 1 != line:
            # Where the unfinished thing began is usually where the mistake is.
            reason += f" ({context} at line {context_mark.line + 1})"
        return None, None, [Problem(label, line, f"malformed YAML: {reason}")]
    return data, node, []


def _validation_problems(
    exc: ValidationError, label: str, node: yaml.Node | None, prefix: tuple[Any, ...] = ()
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = prefix + tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "missing field"
        problems.append(Problem(label, _node_line(node, loc), f"{where}: {msg}"))
    return problems


@dataclass
class _Loaded:
    topics: list[tuple[Topic, str, int | None]] = field(default_factory=list)
    contacts: list[tuple[Contact, str, int | None]] = field(default_factory=list)
    partners: list[tuple[Partner, str, int | None]] = field(default_factory=list)
    wards: list[tuple[Ward, str, int | None]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # topic id -> residents' extra wordings (wordings.yaml), with where each list is
    wordings: list[tuple[str, list[str], str, int | None]] = field(default_factory=list)
    # Every file's name and text, as parsed (KnowledgeBase.digest).
    digest: Any = field(default_factory=hashlib.sha256)


# Which list each file holds, by file name; every other file holds topics.
_LISTS: dict[str, tuple[str, type[BaseModel]]] = {
    "contacts.yaml": ("contacts", Contact),
    "partners.yaml": ("partners", Partner),
    "wards.yaml": ("wards", Ward),
}
_EXTRA_KEYS = {"contacts.yaml": {"reviewed"}, "wards.yaml": {"places"}}


#: Real residents' wordings, added to their topics' questions (see _load_wordings).
WORDINGS_FILE = "wordings.yaml"


def _load_wordings(data: dict[Any, Any], node: Any, label: str, out: _Loaded) -> None:
    """``wordings: {topic-id: [question, ...]}``: residents' own words for known topics.

    Kept apart from the hand-written topic files because they are generated from the
    corpus's training split (``python -m bench.add_wordings``), so regenerating them never
    touches what people wrote.
    """
    for extra in sorted(set(data) - {"wordings"}, key=str):
        out.problems.append(Problem(label, _node_line(node, (extra,)), f"{extra}: unknown key"))
    wordings = data.get("wordings")
    if not isinstance(wordings, dict):
        out.problems.append(Problem(label, _node_line(node, ("wordings",)),
                                    "wordings: missing, or not a mapping of topic ids"))
        return
    for topic_id, questions in wordings.items():
        line = _node_line(node, ("wordings", topic_id))
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            out.problems.append(Problem(label, line, f"{topic_id}: should be a list of "
                                        "questions"))
            continue
        out.wordings.append((str(topic_id), questions, label, line))


def _load_file(path: Path, label: str, out: _Loaded) -> None:
    """Validate one file entry by entry, so one bad entry does not hide the others."""
    data, node, problems = _parse(path, label, out.digest)
    if problems:
        out.problems.extend(problems)
        return
    if not isinstance(data, dict):
        out.problems.append(Problem(label, 1, "expected a mapping at the top level"))
        return
    if path.name == WORDINGS_FILE:
        _load_wordings(data, node, label, out)
        return
    key, model = _LISTS.get(path.name, ("topics", Topic))
    allowed = {key} | _EXTRA_KEYS.get(path.name, set())
    for extra in sorted(set(data) - allowed, key=str):
        out.problems.append(Problem(label, _node_line(node, (extra,)), f"{extra}: unknown key"))
    items = data.get(key)
    if not isinstance(items, list):
        out.problems.append(Problem(label, _node_line(node, (key,)),
                                    f"{key}: missing, or not a list"))
        return
    file_reviewed: dt.date | None = None
    if path.name == "contacts.yaml":
        try:
            file_reviewed = _ContactsFile.model_validate(
                {"reviewed": data.get("reviewed"), "contacts": []}).reviewed
        except ValidationError as exc:
            out.problems.extend(_validation_problems(exc, label, node))
    if path.name == "wards.yaml":
        places = data.get("places", [])
        if isinstance(places, list) and all(isinstance(p, str) for p in places):
            out.places.extend(places)
        else:
            out.problems.append(Problem(label, _node_line(node, ("places",)),
                                        "places: should be a list of names"))
    for i, item in enumerate(items):
        line = _node_line(node, (key, i))
        try:
            entry = model.model_validate(item)
        except ValidationError as exc:
            out.problems.extend(_validation_problems(exc, label, node, (key, i)))
            continue
        if isinstance(entry, Contact):
            if entry.reviewed is None and file_reviewed is not None:
                entry = entry.model_copy(update={"reviewed": file_reviewed})
            out.contacts.append((entry, label, line))
        elif isinstance(entry, Partner):
            out.partners.append((entry, label, line))
        elif isinstance(entry, Ward):
            out.wards.append((entry, label, line))
        elif isinstance(entry, Topic):
            out.topics.append((entry, label, line))


def _yaml_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.glob("*.yaml") if p.is_file())


def _cross_check(out: _Loaded, today: dt.date, audit: bool = False) -> None:
    """Problems that span entries or files: duplicate ids, dangling references, stale reviews."""
    problems = out.problems
    seen: dict[str, str] = {}
    for t, label, line in out.topics:
        where = f"{label}:{line}" if line else label
        if t.id in seen:
            problems.append(Problem(label, line, f"duplicate id '{t.id}' (first at {seen[t.id]})"))
        else:
            seen[t.id] = where
    contact_ids: dict[str, Contact] = {}
    for c, label, line in out.contacts:
        if c.id in contact_ids:
            problems.append(Problem(label, line, f"duplicate contact id '{c.id}'"))
        contact_ids[c.id] = c
    topic_ids = set(seen)
    extra: dict[str, list[str]] = {}
    for topic_id, questions, label, line in out.wordings:
        if topic_id in topic_ids:
            extra.setdefault(topic_id, []).extend(questions)
        else:
            problems.append(Problem(label, line, f"wordings for unknown topic '{topic_id}'"))
    if extra:
        out.topics = [(t.model_copy(update={"questions": [*t.questions, *extra[t.id]]})
                       if t.id in extra else t, label, line) for t, label, line in out.topics]
    known_numbers = _numbers_in(
        " ".join(f"{c.phone or ''} {c.notes or ''} {c.use}" for c in contact_ids.values())
    )
    for t, label, line in out.topics:
        for rel in t.related:
            if rel not in topic_ids:
                problems.append(Problem(label, line, f"{t.id}: related id '{rel}' does not exist"))
        for cid in t.contacts:
            if cid not in contact_ids:
                problems.append(Problem(label, line, f"{t.id}: contact '{cid}' does not exist"))
        for number in sorted(_numbers_in(t.answer) - known_numbers):
            problems.append(
                Problem(
                    label,
                    line,
                    f"{t.id}: phone number '{number}' is not in contacts.yaml "
                    "(every number must come from a verified contact)",
                )
            )
    # The fact audit is the authors' gate (``kb check``, tests), not a start-up one: a
    # wording finding must never stop the bot answering, or a reload from being served.
    for t, label, line in (out.topics if audit else []):
        for severity, message in audit_topic(t, contact_ids):
            problems.append(Problem(label, line, message, severity=severity))
    partner_seen: set[str] = set()
    for p, label, line in out.partners:
        if p.id in partner_seen:
            problems.append(Problem(label, line, f"duplicate partner id '{p.id}'"))
        partner_seen.add(p.id)
        for owned in p.owns:
            if owned not in topic_ids:
                problems.append(Problem(label, line, f"{p.id}: owns unknown topic '{owned}'"))
        if p.contact and p.contact not in contact_ids:
            problems.append(Problem(label, line, f"{p.id}: contact '{p.contact}' does not exist"))
    ward_seen: set[str] = set()
    for w, label, line in out.wards:
        if w.id in ward_seen:
            problems.append(Problem(label, line, f"duplicate ward id '{w.id}'"))
        ward_seen.add(w.id)

    dated: list[tuple[str, dt.date | None, str, int | None]] = []
    dated += [(t.id, t.reviewed, label, line) for t, label, line in out.topics]
    dated += [(c.id, c.reviewed, label, line) for c, label, line in out.contacts]
    dated += [(p.id, p.reviewed, label, line) for p, label, line in out.partners]
    dated += [(w.id, w.reviewed, label, line) for w, label, line in out.wards]
    for ident, reviewed, label, line in dated:
        if reviewed and reviewed > today and audit:
            # A date in the future is a typo, and would hide the entry from the stale check.
            problems.append(Problem(label, line, f"{ident}: reviewed {reviewed.isoformat()} "
                                    "is in the future"))
        if reviewed and (today - reviewed).days > REVIEW_AFTER_DAYS:
            problems.append(
                Problem(
                    label,
                    line,
                    f"{ident}: last reviewed {reviewed.isoformat()}, over 12 months ago",
                    severity="warning",
                )
            )


#: House style (docs/knowledge-format.md): the action first, then the contact, then why, in
#: about this many words; ``kb check`` warns on longer answers.
ANSWER_WORD_LIMIT = 120
#: docs/knowledge-format.md asks for at least this many alternate questions and keywords per
#: topic (declined topics excepted); ``kb check`` enforces it (tests/test_docs keeps the two
#: in step).
MIN_QUESTIONS = 4
MIN_KEYWORDS = 3

# An answer that names one of these services must list it under ``contacts:``, so the
# resident always sees how to reach it (and how sure we are of the number) beside the name.
# Patterns are the names as answers write them; partners the plan names (the Borough Council,
# the County Council...) are left out, because plan topics describe them, not refer to them.
CONTACT_MENTIONS: dict[str, re.Pattern[str]] = {
    cid: re.compile(pattern) for cid, pattern in {
        "crimestoppers": r"\bCrimestoppers\b",
        "fearless": r"\bFearless\b",
        "national-domestic-abuse-helpline": r"National Domestic Abuse Helpline",
        "mens-advice-line": r"Men's Advice Line",
        "galop": r"\bGalop\b",
        "karma-nirvana": r"Karma Nirvana",
        "respect-phoneline": r"Respect Phoneline",
        "true-vision": r"True Vision",
        "modern-slavery-helpline": r"Modern Slavery (?:& Exploitation )?Helpline",
        "missing-people": r"\bMissing People\b",
        "action-fraud": r"Action Fraud",
        "anti-terrorist-hotline": r"Anti-Terrorist Hotline",
        "samaritans": r"\bSamaritans\b",
        "shout": r"\bSHOUT\b|\bShout\b",
        "childline": r"\bChildline\b",
        "nspcc": r"\bNSPCC\b",
        "frank": r"\bFRANK\b",
        "stars": r"\bSTaRS\b",
        "new-era": r"\bNew Era\b",
        "staffordshire-victim-gateway": r"Victim Gateway",
        "usah": r"Uniting Staffordshire Against Hate",
        "childrens-safeguarding": r"children's safeguarding|First Response",
        "adult-safeguarding": r"adult safeguarding",
    }.items()
}

# Harm to a person: an answer that speaks of it must give 999 (in its text or as a contact).
_DANGER_RE = re.compile(
    r"\b(?:abuse[sd]?|abusive|suicid\w*|self-harm|missing (?:person|people|child|children|from)|"
    r"(?:gone|go|goes|is|are|went) missing|exploit(?:ed|ation|ing)?|"
    r"county lines|cuckooing|knife|knives|violen(?:ce|t)|assault\w*|stab\w*|groom\w*|"
    r"modern slavery|radicalis\w*|terroris\w*|weapons?|rape|in danger)\b", re.IGNORECASE)

# A sentence that says what something *is* ("Cuckooing is when...", "X means...") is a claim
# of its own: it needs the plan's words ("the plan says...") or a page under ``sources:``.
_DEFINITION_RE = re.compile(
    r"\b(?:is|are) (?:when|defined as|any (?:crime|incident|behaviour)|drug dealing|a pattern|"
    r"a form of|a crime)\b|\bmeans\b|\bit can (?:also )?be\b|"
    r"\bincludes? (?:coercive|controlling)\b", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")
# Where a topic's facts may come from without a `sources:` entry.
_OWN_SOURCES_RE = re.compile(r"^(?:plan\b|contacts\.yaml)", re.IGNORECASE)


def audit_topic(topic: Topic, contacts: dict[str, Contact]) -> list[tuple[str, str]]:
    """What a fact audit finds in one topic, as (severity, message) pairs.

    Every rule here is a finding of issue 11 made checkable: a claim with no source, a
    service named but not listed, harm with no 999, a contact with no way to reach it, an
    answer over the house length.
    """
    found: list[tuple[str, str]] = []
    if len(topic.questions) < MIN_QUESTIONS:
        found.append(("error", f"{topic.id}: {len(topic.questions)} question(s); at least "
                      f"{MIN_QUESTIONS} alternate questions in residents' own words"))
    if len(topic.keywords) < MIN_KEYWORDS:
        found.append(("error", f"{topic.id}: {len(topic.keywords)} keyword(s); at least "
                      f"{MIN_KEYWORDS}"))
    if topic.kind == "declined":
        return found  # out of scope: where to go instead, written to its own rules
    text = f"{topic.title}\n{topic.answer}"
    for cid, pattern in CONTACT_MENTIONS.items():
        if cid in contacts and cid not in topic.contacts and pattern.search(topic.answer):
            found.append(("error", f"{topic.id}: names {contacts[cid].name} but does not list "
                          f"'{cid}' under contacts (a service the answer names is shown with "
                          "its contact)"))
    if (_DANGER_RE.search(text) and "999" not in topic.answer
            and "emergency" not in topic.contacts):
        found.append(("error", f"{topic.id}: speaks of harm to a person but gives no 999 "
                      "(add the 'emergency' contact or a 999 line)"))
    if not topic.sources:
        for part in (p.strip() for p in topic.source.split(";")):
            if part and not _OWN_SOURCES_RE.match(part):
                found.append(("error", f"{topic.id}: source '{part}' is neither the plan nor "
                              "contacts.yaml, and the topic has no `sources:` entry for it"))
        for sentence in _SENTENCE_RE.split(topic.answer):
            if _DEFINITION_RE.search(sentence) and "plan" not in sentence.lower():
                found.append(("error", f"{topic.id}: defines something (\"{sentence[:60]}\") "
                              "that neither the plan nor contacts.yaml states; cite a page "
                              "under `sources:` or say only what the plan says"))
    for cid in topic.contacts:
        c = contacts.get(cid)
        if c is not None and not (c.phone or c.web or c.email) and not re.search(
                r"\bwebsite\b|no (?:phone )?number", topic.answer):
            found.append(("error", f"{topic.id}: lists {c.name}, which has no phone number or "
                          "website in contacts.yaml; the answer must say how to reach it"))
    listed = [contacts[c] for c in topic.contacts if c in contacts]
    for c in listed:
        if c.confidence == "official":
            continue
        # contacts.yaml: a number not confirmed on an official page is shown, but always
        # beside an official alternative (and beside the one its notes name, if any).
        wanted = re.search(r"[Aa]lways show the (.+?) beside it", c.notes or "")
        if wanted and not any(o.name.startswith(wanted.group(1)) for o in listed):
            found.append(("error", f"{topic.id}: lists {c.name}; contacts.yaml says to always "
                          f"show the {wanted.group(1)} beside it"))
        elif not any(o.confidence == "official" for o in listed):
            found.append(("error", f"{topic.id}: lists {c.name} ({c.confidence}) with no "
                          "official contact beside it"))
    words = len(topic.answer.split())
    if words > ANSWER_WORD_LIMIT:
        found.append(("warning", f"{topic.id}: answer is {words} words, over the house limit "
                      f"of about {ANSWER_WORD_LIMIT} (action first, then contact, then why)"))
    return found


def confidence_counts(contacts: Iterable[Contact]) -> dict[str, int]:
    """How many contacts have each confidence, for ``csp-bot kb check``."""
    counts: dict[str, int] = {"official": 0, "secondary": 0, "well-known": 0}
    for c in contacts:
        counts[c.confidence] = counts.get(c.confidence, 0) + 1
    return counts


def _numbers_in(text: str) -> set[str]:
    return {re.sub(r"\s", "", m) for m in _PHONE_RE.findall(text)}


def _collect(directory: Path, today: dt.date | None,
             audit: bool = False) -> tuple[_Loaded, Path]:
    directory = Path(directory)
    out = _Loaded()
    if not directory.is_dir():
        out.problems.append(Problem(str(directory), None, "knowledge directory not found"))
        return out, directory
    files = list(_yaml_files(directory))
    if not files:
        out.problems.append(Problem(str(directory), None, "no .yaml files found"))
    for path in files:
        _load_file(path, str(path), out)
    names = {p.name for p in files}
    if files and "contacts.yaml" not in names:
        out.problems.append(Problem(str(directory), None, "contacts.yaml is missing"))
    if any(p.message.startswith("malformed YAML") for p in out.problems):
        # A file that does not parse takes its ids with it; checking references now would
        # bury the one real mistake under dozens of knock-on "does not exist" errors.
        out.problems.append(Problem(str(directory), None, "references not checked until "
                                    "the malformed file is fixed", severity="warning"))
    else:
        _cross_check(out, today or dt.date.today(), audit)
    return out, directory


def check_knowledge(directory: str | Path, today: dt.date | None = None) -> list[Problem]:
    """Every problem in the knowledge base at ``directory`` (errors and warnings)."""
    out, _ = _collect(Path(directory), today, audit=True)
    kinds = {topic.id: topic.kind for topic, _, _ in out.topics}
    return out.problems + check_translations(directory, kinds)


def load_knowledge(directory: str | Path, today: dt.date | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base; raise :class:`KnowledgeError` on any error."""
    out, path = _collect(Path(directory), today)
    errors = [p for p in out.problems if p.severity == "error"]
    if errors:
        raise KnowledgeError(out.problems)
    kb = KnowledgeBase(
        topics={t.id: t for t, _, _ in out.topics},
        contacts={c.id: c for c, _, _ in out.contacts},
        partners={p.id: p for p, _, _ in out.partners},
        wards={w.id: w for w, _, _ in out.wards},
        places=list(out.places),
        source_dir=path,
        warnings=[p for p in out.problems if p.severity == "warning"],
    )
    kb.digest = out.digest.hexdigest()
    logger.info("knowledge base loaded: %d topics from %s", len(kb.topics), path)
    return kb


class KnowledgeStore:
    """Holds the knowledge base in use and reloads it without ever serving a broken one.

    A failed reload keeps the previous knowledge serving and returns the problems, so a
    typo in a YAML edit never takes the bot's answers down.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.current = load_knowledge(self.directory)
        self._stamp = self.stamp()

    def stamp(self) -> tuple[tuple[str, float, int], ...]:
        """What the YAML files look like on disk (names, times, sizes), to notice edits."""
        return tuple(sorted((p.name, p.stat().st_mtime, p.stat().st_size)
                            for p in _yaml_files(self.directory)))

    def changed(self) -> bool:
        """True once after the files change on disk."""
        stamp = self.stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        return True

    def reload(self) -> list[Problem]:
        try:
            self.current = load_knowledge(self.directory)
        except KnowledgeError as exc:
            logger.warning("knowledge reload failed, keeping the previous version: %s", exc)
            return exc.problems
        return self.current.warnings


# ---------------------------------------------------------------------- translations
#
# knowledge/translations/<lang>.yaml (see bot.answering.i18n): checked by `kb check` only, in
# a function of their own. Every text must say whether its translation was reviewed; the
# unreviewed ones are listed as warnings, and a phone number that is not in contacts.yaml is
# an error, as in the English answers.

_DIGITS_RE = re.compile(r"\d[\d ]*\d")


def _contact_digits(directory: Path) -> set[str]:
    try:
        data = yaml.safe_load((directory / "contacts.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return set()
    allowed: set[str] = set()
    for contact in (data or {}).get("contacts", []) if isinstance(data, dict) else []:
        for key in ("phone", "notes", "use"):
            for run in _DIGITS_RE.findall(str(contact.get(key, ""))):
                allowed.add(run.replace(" ", ""))
    return allowed


def _line_of(lines: list[str], needle: str) -> int | None:
    return next((i + 1 for i, line in enumerate(lines) if needle in line), None)


def _translation_topic_ids(label: str, lines: list[str], data: dict[str, Any],
                           topic_kinds: Mapping[str, str]) -> list[Problem]:
    """The ``also`` and ``council_services`` sections of one translation file: each names
    topics of the knowledge base, and a council service's must be declined (out of scope),
    since a message that matches one is answered "that's the council's service"."""
    problems: list[Problem] = []
    def line_after(section: int | None, needle: str) -> int | None:
        # A topic id also names a key under `topics:`; look below the section's own line.
        where = _line_of(lines[section or 0:], needle)
        return None if where is None else where + (section or 0)

    also = data.get("also") or {}
    for tid in also if isinstance(also, dict) else []:
        if tid not in topic_kinds:
            problems.append(Problem(label, line_after(_line_of(lines, "also:"), f"  {tid}:"),
                                    f"also: topic {tid} does not exist"))
    services = data.get("council_services")
    if services is None:
        return problems
    line = _line_of(lines, "council_services:")
    decline = services.get("decline") if isinstance(services, dict) else None
    if not isinstance(decline, dict) or not isinstance(services.get("keep", []), list):
        return problems + [Problem(label, line, "council_services: expected 'keep' (a list of "
                                   "words) and 'decline' (topic id: list of words)")]
    for tid, words in decline.items():
        at = line_after(line, f"    {tid}:")
        if not isinstance(words, list):
            problems.append(Problem(label, at, f"council_services: {tid} needs a list of words"))
        elif tid not in topic_kinds:
            problems.append(Problem(label, at, f"council_services: topic {tid} does not exist"))
        elif topic_kinds[tid] != "declined":
            problems.append(Problem(label, at, f"council_services: topic {tid} is not a "
                                    "declined (out-of-scope) topic"))
    return problems


def check_translations(directory: str | Path,
                       topic_kinds: Mapping[str, str] | None = None) -> list[Problem]:
    """Problems in ``directory/translations/*.yaml``: missing or unreviewed translation
    marks, phone numbers that are not in contacts.yaml, and ``also`` or ``council_services``
    topics that do not exist (a ``council_services`` topic must be a declined one).
    ``topic_kinds`` (topic id -> kind) is read from ``directory`` when not given."""
    directory = Path(directory)
    if topic_kinds is None:
        loaded, _ = _collect(directory, None)
        topic_kinds = {topic.id: topic.kind for topic, _, _ in loaded.topics}
    problems: list[Problem] = []
    allowed = _contact_digits(directory)
    for path in sorted((directory / "translations").glob("*.yaml")):
        label = str(path)
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            problems.append(Problem(label, None, "malformed YAML"))
            continue
        if not isinstance(data, dict):
            problems.append(Problem(label, None, "expected a mapping with texts and topics"))
            continue
        entries = [(f"text {k}", v, str(v.get("text", "")) if isinstance(v, dict) else "")
                   for k, v in (data.get("texts") or {}).items()]
        entries += [(f"topic {k}", v, " ".join(str(v.get(f, "")) for f in ("title", "answer"))
                     if isinstance(v, dict) else "")
                    for k, v in (data.get("topics") or {}).items()]
        unreviewed = []
        for name, entry, content in entries:
            key = name.split(" ", 1)[1]
            line = _line_of(lines, f"  {key}:")
            mark = entry.get("translation") if isinstance(entry, dict) else None
            if mark not in ("unreviewed", "reviewed"):
                problems.append(Problem(label, line, f"{name}: needs 'translation: unreviewed' "
                                        "(or 'reviewed' once a partner has checked it)"))
            elif mark == "unreviewed":
                unreviewed.append(key)
            for run in _DIGITS_RE.findall(content):
                digits = run.replace(" ", "")
                if len(digits) >= 3 and digits not in allowed:
                    problems.append(Problem(label, _line_of(lines, run) or line,
                                            f"{name}: {run} is not a number in contacts.yaml"))
        problems += _translation_topic_ids(label, lines, data, topic_kinds)
        for key in unreviewed:
            problems.append(Problem(label, _line_of(lines, f"  {key}:"),
                                    f"{key}: translation unreviewed (a partner who reads the "
                                    "language should check it, then mark it reviewed)",
                                    severity="warning"))
    return problems
