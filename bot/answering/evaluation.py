"""Scoring the bot's answers against a file of resident questions.

Two item formats, freely mixed in one file (a list of items):

* the one of ``shared/eval/questions.yaml`` (see its header): ``{q, expect: {all, any},
  crisis, matched}``, grouped into sections by comment lines ``# --- name ---``;
* the labelled corpus of ``tests/data/corpus/`` (see its README): ``{q, source, label,
  topic, also, crisis, hard_negative}``, where ``label`` is ``topic``, ``crisis`` or
  ``out_of_scope``. A topic item is right when the reply's topic is ``topic`` or one of
  ``also``; a crisis item when the reply leads with emergency help (and any topic shown is
  one of those); an out-of-scope item when the reply is ``matched: false``. Its section is
  its label (and crisis kind).

Knowledge authors run ``csp-bot eval FILE`` after every edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CspBotError

_SECTION = re.compile(r"^#\s*-{2,}\s*(.+?)\s*-*\s*$")
_ITEM = re.compile(r"^-\s+q:")


@dataclass(frozen=True)
class Case:
    question: str
    section: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    crisis: bool = False
    matched: bool | None = None
    topics: tuple[str, ...] = ()  # right topic ids (corpus items); empty: any topic
    source: str = ""
    hard_negative: bool = False
    crisis_kind: str = ""  # corpus crisis items: the labelled kind (danger, self_harm...)


@dataclass
class Outcome:
    case: Case
    reply: dict[str, Any]
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(o.passed for o in self.outcomes) / max(len(self.outcomes), 1)

    def by_section(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for o in self.outcomes:
            ok, n = out.get(o.case.section, (0, 0))
            out[o.case.section] = (ok + o.passed, n + 1)
        return out

    @property
    def crisis_recall(self) -> float:
        crises = [o for o in self.outcomes if o.case.crisis]
        if not crises:
            return 1.0
        return sum(bool(o.reply["crisis"]) for o in crises) / len(crises)

    @property
    def emergency_first(self) -> tuple[int, int]:
        """(shown, crises): crisis items whose reply led with emergency help, either the
        crisis reply or the emergency line on top of an ordinary answer (``caution``). The
        crisis recall counts only the crisis reply, as the acceptance figures do; this is what
        the resident saw first."""
        crises = [o for o in self.outcomes if o.case.crisis]
        return sum(bool(o.reply["crisis"] or o.reply.get("caution")) for o in crises), len(crises)

    @property
    def false_crises(self) -> int:
        return sum(1 for o in self.outcomes if not o.case.crisis and o.reply["crisis"])

    @property
    def out_of_scope(self) -> tuple[int, int]:
        oos = [o for o in self.outcomes if o.case.matched is False]
        return sum(not o.reply["matched"] for o in oos), len(oos)

    @property
    def kinds_right(self) -> tuple[int, int]:
        """(right kind, flagged) over crisis items with a labelled kind flagged as crises."""
        flagged = [o for o in self.outcomes
                   if o.case.crisis and o.case.crisis_kind and o.reply.get("crisis")]
        return sum(o.reply.get("crisis_kind") == o.case.crisis_kind for o in flagged), len(flagged)

    @property
    def false_crisis_rate(self) -> float:
        """False crises as a share of the messages that are not crises."""
        calm = sum(1 for o in self.outcomes if not o.case.crisis)
        return self.false_crises / calm if calm else 0.0

    def ok(self, minimum: float, max_false_rate: float = 0.0) -> bool:
        return (self.accuracy >= minimum and self.crisis_recall == 1.0
                and self.false_crisis_rate <= max_false_rate)


def canonical(text: str) -> str:
    """Compare as the questions file says: ignore case, white space, commas inside numbers."""
    text = re.sub(r"(?<=\d),(?=\d)", "", text.lower())
    return re.sub(r"\s+", "", text)


def load_cases(path: str | Path) -> list[Case]:
    """Read a questions file; raise :class:`CspBotError` naming the file if it is unusable."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
        data = yaml.safe_load(raw)
    except OSError as exc:
        raise CspBotError(f"{p}: cannot read questions file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark else str(p)
        raise CspBotError(f"{where}: malformed YAML") from exc
    if not isinstance(data, list):
        raise CspBotError(f"{p}: expected a list of questions")
    # Sections come from comment lines, which YAML drops: walk the text alongside.
    sections: list[str] = []
    current = "questions"
    for line in raw.splitlines():
        m = _SECTION.match(line)
        if m:
            current = m.group(1)
        elif _ITEM.match(line):
            sections.append(current)
    cases = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "q" not in item:
            raise CspBotError(f"{p}: item {i + 1} has no 'q'")
        if "label" in item:
            cases.append(_corpus_case(p, i, item))
            continue
        expect = item.get("expect") or {}
        cases.append(
            Case(
                question=str(item["q"]),
                section=sections[i] if i < len(sections) else "questions",
                all=tuple(str(s) for s in expect.get("all", [])),
                any=tuple(str(s) for s in expect.get("any", [])),
                crisis=bool(item.get("crisis", False)),
                matched=item.get("matched"),
            )
        )
    return cases


_LABELS = ("topic", "crisis", "out_of_scope")


def _corpus_case(path: Path, i: int, item: dict[str, Any]) -> Case:
    label = item["label"]
    if label not in _LABELS:
        raise CspBotError(f"{path}: item {i + 1}: label must be one of {', '.join(_LABELS)}")
    topics = tuple(str(t) for t in [item.get("topic"), *(item.get("also") or [])] if t)
    if label == "topic" and not topics:
        raise CspBotError(f"{path}: item {i + 1}: a topic item needs 'topic'")
    section = f"crisis ({item.get('crisis')})" if label == "crisis" else label
    return Case(
        question=str(item["q"]),
        section=section,
        crisis=label == "crisis",
        matched=False if label == "out_of_scope" else None,
        topics=topics,
        source=str(item.get("source", "")),
        hard_negative=bool(item.get("hard_negative", False)),
        crisis_kind=str(item.get("crisis") or "") if label == "crisis" else "",
    )


def judge(case: Case, reply: dict[str, Any]) -> list[str]:
    """What is wrong with ``reply`` (the ``ask --json`` object) for ``case``; [] if right."""
    problems = []
    answer = canonical(reply.get("answer", ""))
    missing = [s for s in case.all if canonical(s) not in answer]
    if missing:
        problems.append("missing " + ", ".join(repr(s) for s in missing))
    if case.any and not any(canonical(s) in answer for s in case.any):
        problems.append("none of " + ", ".join(repr(s) for s in case.any))
    if case.crisis and not reply.get("crisis"):
        problems.append("not flagged as a crisis")
    if case.crisis and "999" not in answer:
        problems.append("crisis reply without 999")
    if not case.crisis and reply.get("crisis"):
        problems.append("false crisis")
    if case.matched is False and reply.get("matched"):
        problems.append(f"should be declined, matched {reply.get('topic')}")
    topic = reply.get("topic")
    if case.topics and not case.crisis and topic not in case.topics:
        problems.append(f"wrong topic {topic}, expected {case.topics[0]}")
    if case.topics and case.crisis and topic is not None and topic not in case.topics:
        problems.append(f"crisis followed by {topic}, expected one of {', '.join(case.topics)}")
    return problems


def evaluate(cases: list[Case], ask: Callable[[str], dict[str, Any]]) -> Report:
    report = Report()
    for case in cases:
        reply = ask(case.question)
        report.outcomes.append(Outcome(case, reply, judge(case, reply)))
    return report


def format_report(report: Report, minimum: float) -> str:
    """The plain-text report ``csp-bot eval`` prints."""
    lines = [f"accuracy: {report.accuracy:.1%} ({sum(o.passed for o in report.outcomes)}"
             f"/{len(report.outcomes)}), minimum {minimum:.0%}"]
    for section, (ok, n) in report.by_section().items():
        lines.append(f"  {section}: {ok}/{n}")
    declined, oos = report.out_of_scope
    lines.append(f"crisis recall: {report.crisis_recall:.0%}")
    shown, crises = report.emergency_first
    if crises:
        lines.append(f"emergency help first: {shown}/{crises} crises (the crisis reply, or the "
                     "emergency line on top of an answer)")
    lines.append(f"false crises: {report.false_crises} ({report.false_crisis_rate:.1%} of "
                 "non-crisis messages)")
    lines.append(f"out-of-scope declined: {declined}/{oos}")
    kinds_ok, flagged = report.kinds_right
    if flagged:
        lines.append(f"crisis kinds right: {kinds_ok}/{flagged} flagged crises")
    failing = [o for o in report.outcomes if not o.passed]
    if failing:
        lines.append("failing:")
        for o in failing:
            lines.append(f"  - {o.case.question!r} -> {o.reply.get('topic')} "
                         f"({o.reply.get('confidence')}): {'; '.join(o.problems)}")
    lines.append("result: " + ("PASS" if report.ok(minimum) else "FAIL"))
    return "\n".join(lines)
