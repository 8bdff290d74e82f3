"""Turning a resident's message into a reply: crisis first, then the best answer.

:class:`Responder` is the one entry point the CLI and the Telegram handlers share, so
``csp-bot ask`` and the bot always say the same thing. Replies are plain text; :meth:`Reply.html`
escapes them for Telegram's HTML parse mode.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any

from bot.answering.crisis import Crisis, CrisisKind, detect_crisis
from bot.answering.matching import DEFAULT_THRESHOLD, Matcher, MatchResult, place_entry_id
from bot.knowledge import KnowledgeBase, Topic, Ward

MENU = (
    "I can help with:\n"
    "• reporting something (anti-social behaviour, hate crime, domestic abuse, drugs, "
    "scams, fly-tipping and more)\n"
    "• getting support (domestic abuse, victims of crime, mental health, drugs and alcohol)\n"
    "• the partnership's priorities and the figures behind them\n"
    "• your ward or area\n"
    "• progress on the Community Safety Plan"
)
#: In a crisis, the matched answer follows the emergency help only when this sure.
CRISIS_ANSWER_CONFIDENCE = 0.75
EMERGENCY_LINE = "In an emergency, or if someone is in danger now, call 999."

# Every number here is in knowledge/contacts.yaml (emergency, samaritans, shout, nhs-111);
# tests/test_crisis.py checks that they still are.
CRISIS_TEXT = {
    CrisisKind.DANGER: (
        "If you or someone else is in danger now, call 999.\n"
        "If it isn't safe to speak on a mobile: call 999, listen, then cough or tap, and "
        "press 55 when asked (the Silent Solution) so the operator knows it's a real "
        "emergency.\n"
        "Deaf, hard of hearing or speech-impaired? Text 'register' to 999 for emergencySMS "
        "beforehand, then you can text 999."
    ),
    CrisisKind.SELF_HARM: (
        "If your life is at risk now, call 999.\n"
        "You don't have to face this alone. Samaritans are there day and night, free, on "
        "116 123. If talking is hard, text SHOUT to 85258.\n"
        "For urgent mental health help, call NHS 111 and choose the mental health option.\n"
        "If it isn't safe to speak: call 999, then press 55 when asked."
    ),
    CrisisKind.MEDICAL: (
        "Call 999 now and ask for an ambulance. Stay with them if it is safe to.\n"
        "If it isn't safe to speak on a mobile: call 999, then press 55 when asked.\n"
        "If someone is struggling to cope or thinking about suicide, Samaritans are free, day "
        "and night, on 116 123."
    ),
}


@dataclass(frozen=True)
class Choice:
    """A topic a reply can point to (a button in Telegram)."""

    id: str
    title: str


@dataclass
class Reply:
    """What the bot says to one message."""

    matched: bool
    topic: str | None
    title: str | None
    confidence: float
    crisis: Crisis | None = None
    body: str = ""  # the answer proper, plain text
    contacts: list[str] = field(default_factory=list)  # "Name: phone, web" lines
    footer: str = ""  # source and review date
    suggestions: list[Choice] = field(default_factory=list)
    related: list[Choice] = field(default_factory=list)

    @property
    def crisis_text(self) -> str:
        return CRISIS_TEXT[self.crisis.kind] if self.crisis else ""

    def sections(self) -> list[tuple[str, str]]:
        """(kind, plain text) blocks in reading order; kinds: crisis, title, body, contacts,
        suggestions, footer."""
        out: list[tuple[str, str]] = []
        if self.crisis:
            out.append(("crisis", self.crisis_text))
        if self.title and self.matched:
            out.append(("title", self.title))
        if self.body:
            out.append(("body", self.body))
        if self.contacts:
            out.append(("contacts", "\n".join(f"• {c}" for c in self.contacts)))
        if self.suggestions and not self.matched:
            out.append(("suggestions", "Did you mean: " +
                        "; ".join(s.title for s in self.suggestions) + "?"))
        elif self.suggestions:
            out.append(("suggestions", "You might also mean: " +
                        "; ".join(s.title for s in self.suggestions) + "."))
        if self.footer:
            out.append(("footer", self.footer))
        return out

    @property
    def text(self) -> str:
        """The whole reply as plain text."""
        return "\n\n".join(text for _, text in self.sections())

    def html(self) -> str:
        """The whole reply for Telegram's HTML parse mode: everything escaped."""
        parts = []
        for kind, text in self.sections():
            esc = html.escape(text, quote=False)
            if kind == "crisis":
                first, _, rest = esc.partition("\n")
                parts.append(f"<b>{first}</b>" + (f"\n{rest}" if rest else ""))
            elif kind == "title":
                parts.append(f"<b>{esc}</b>")
            elif kind == "footer":
                parts.append(f"<i>{esc}</i>")
            else:
                parts.append(esc)
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The ``csp-bot ask --json`` contract."""
        return {
            "matched": self.matched,
            "topic": self.topic,
            "confidence": round(self.confidence, 3),
            "crisis": self.crisis is not None,
            "answer": self.text,
            "suggestions": [s.id for s in self.suggestions],
        }


def format_value(value: float) -> str:
    """Figures as the plan writes them: "2,130", "17.6"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if round(value, 1) == value else f"{value:,}"


def _date(d: dt.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


class Responder:
    """Answers residents from one knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, threshold: float = DEFAULT_THRESHOLD,
        suggest_margin: float = 0.08,
    ) -> None:
        self.kb = kb
        self.matcher = Matcher(kb, threshold=threshold, suggest_margin=suggest_margin)

    # ------------------------------------------------------------------ entry points

    def answer(self, text: str, kinds: frozenset[str] | None = None) -> Reply:
        """Reply to a free-text message (optionally only from topics of ``kinds``)."""
        crisis = detect_crisis(text)
        result = self.matcher.match(text, kinds)
        reply = self._from_match(result)
        if crisis:
            reply.crisis = crisis
            # Emergency help comes first; the answer may follow, but a guess is noise (or
            # worse: advice for the abuser) to someone in danger, so only a sure match stays.
            if not reply.matched or reply.confidence < CRISIS_ANSWER_CONFIDENCE:
                reply = Reply(matched=False, topic=None, title=None,
                              confidence=reply.confidence, crisis=crisis)
        return reply

    def topics_of(self, *kinds: str) -> list[Choice]:
        """Topics of the given kinds, for menus, in a stable order."""
        if "priority" in kinds or "theme" in kinds:
            chosen = [t for t in self.kb.priorities() if t.kind in kinds]
        else:
            chosen = sorted((t for t in self.kb.topics.values() if t.kind in kinds),
                            key=lambda t: t.title)
        return [Choice(t.id, t.title) for t in chosen]

    def topic_reply(self, entry_id: str) -> Reply | None:
        """Reply for a known topic, ward or place id (a button press), or ``None``."""
        return self._entry_reply(entry_id, 1.0)

    def area_reply(self, name: str) -> Reply | None:
        """Reply for a ward or place name (``/ward NAME``), fuzzily; ``None`` if unknown."""
        eid = self.matcher.match_area(name)
        return self._entry_reply(eid, 1.0) if eid else None

    def unknown_area_reply(self, name: str) -> Reply:
        """Honest reply for a place the plan does not mention at all."""
        return self._place_reply(name, place_entry_id(name), 1.0)

    # ------------------------------------------------------------------ building replies

    def _from_match(self, result: MatchResult) -> Reply:
        if result.best is None:
            return Reply(
                matched=False,
                topic=None,
                title=None,
                confidence=result.confidence,
                body="Sorry, I'm not sure I understood that.\n\n" + MENU + "\n\n" +
                EMERGENCY_LINE,
                suggestions=[Choice(c.id, c.title) for c in result.suggestions],
            )
        reply = self._entry_reply(result.best.id, result.confidence)
        assert reply is not None  # the matcher only returns ids it indexed
        reply.suggestions = [Choice(c.id, c.title) for c in result.suggestions]
        return reply

    def _entry_reply(self, entry_id: str, confidence: float) -> Reply | None:
        if entry_id in self.kb.topics:
            return self._topic_reply(self.kb.topics[entry_id], confidence)
        if entry_id.startswith("ward:"):
            ward = self.kb.wards.get(entry_id.removeprefix("ward:"))
            return self._ward_reply(ward, confidence) if ward else None
        if entry_id.startswith("place:"):
            entry = self.matcher.entries.get(entry_id)
            return self._place_reply(entry.title, entry_id, confidence) if entry else None
        return None

    def _topic_reply(self, topic: Topic, confidence: float) -> Reply:
        contacts = self.kb.contacts_for(topic)
        source = topic.source.replace("contacts.yaml", "the partnership's verified contacts")
        footer = f"Source: {source}. Checked {_date(topic.reviewed)}."
        dates = [c.reviewed for c in contacts if c.reviewed]
        if dates and min(dates) != topic.reviewed:
            footer += f" Contacts verified {_date(min(dates))}."
        return Reply(
            matched=True,
            topic=topic.id,
            title=topic.title,
            confidence=confidence,
            body=topic.answer,
            contacts=[c.line() for c in contacts],
            footer=footer,
            related=[Choice(r, self.kb.topics[r].title) for r in topic.related
                     if r in self.kb.topics],
        )

    def borough_figures(self) -> str:
        """One paragraph of borough-wide crime figures, from the plan."""
        overall = self.kb.topics.get("overall-crime")
        if overall is None:
            return ""
        return overall.answer.split("\n\n")[0]

    def _ward_reply(self, ward: Ward, confidence: float) -> Reply:
        status = {
            "priority": f"{ward.name} is one of the partnership's priority wards "
            "(Anglesey, Burton Town and Shobnall), chosen from the annual Community Safety "
            "Strategic Assessment.",
            "inner-burton": f"{ward.name} is one of the inner Burton wards the partnership "
            "also focuses on (with Eton Park, Horninglow, Stapenhill and Winshill).",
            "precision-policing": f"{ward.name} is one of the \"Precision Policing\" areas "
            "where targeted action takes place.",
        }[ward.status]
        paras = [status]
        if ward.note:
            paras.append(ward.note.strip())
        if ward.figures:
            lines = []
            for f in ward.figures:
                area = f" ({f.area})" if f.area and f.area != ward.name else ""
                comp = "".join(f", {k} {format_value(v)}" for k, v in f.comparison.items())
                lines.append(f"• {f.name}{area}: {format_value(f.value)} {f.unit}{comp}")
            paras.append("What the plan gives for this area:\n" + "\n".join(lines))
        else:
            paras.append("The plan gives no ward-level figures for " + ward.name + ".")
        borough = self.borough_figures()
        if borough:
            paras.append("Across the borough: " + borough)
        paras.append("To report something in your area: 101, or 999 in an emergency.")
        return Reply(
            matched=True,
            topic=f"ward:{ward.id}",
            title=f"{ward.name}",
            confidence=confidence,
            body="\n\n".join(paras),
            footer=f"Source: {ward.source}. Checked {_date(ward.reviewed)}.",
            related=[Choice(t, self.kb.topics[t].title)
                     for t in ("priority-wards", "asb-report") if t in self.kb.topics],
        )

    def _place_reply(self, name: str, entry_id: str, confidence: float) -> Reply:
        paras = [f"The plan has no ward figures for {name}."]
        borough = self.borough_figures()
        if borough:
            paras.append("Across East Staffordshire: " + borough)
        paras.append("The partnership's priority wards are Anglesey, Burton Town and Shobnall, "
                     "and it also focuses on the inner Burton wards Eton Park, Horninglow, "
                     "Stapenhill and Winshill.")
        paras.append("To report something in your area: 101, or 999 in an emergency.")
        overall = self.kb.topics.get("overall-crime")
        return Reply(
            matched=True,
            topic=entry_id,
            title=name,
            confidence=confidence,
            body="\n\n".join(paras),
            footer=f"Source: {overall.source if overall else 'the plan'}, section 7.",
            related=[Choice(t, self.kb.topics[t].title)
                     for t in ("priority-wards",) if t in self.kb.topics],
        )
