"""Scoring the bot's answers against a file of resident questions.

The file format is the one of ``shared/eval/questions.yaml`` (see its header): a list of
``{q, expect: {all, any}, crisis, matched}`` items, grouped into sections by comment lines
``# --- name ---``. Knowledge authors run ``csp-bot eval FILE`` after every edit.
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
    def false_crises(self) -> int:
        return sum(1 for o in self.outcomes if not o.case.crisis and o.reply["crisis"])

    @property
    def out_of_scope(self) -> tuple[int, int]:
        oos = [o for o in self.outcomes if o.case.matched is False]
        return sum(not o.reply["matched"] for o in oos), len(oos)

    def ok(self, minimum: float) -> bool:
        return self.accuracy >= minimum and self.crisis_recall == 1.0 and self.false_crises == 0


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
    lines.append(f"false crises: {report.false_crises}")
    lines.append(f"out-of-scope declined: {declined}/{oos}")
    failing = [o for o in report.outcomes if not o.passed]
    if failing:
        lines.append("failing:")
        for o in failing:
            lines.append(f"  - {o.case.question!r} -> {o.reply.get('topic')} "
                         f"({o.reply.get('confidence')}): {'; '.join(o.problems)}")
    lines.append("result: " + ("PASS" if report.ok(minimum) else "FAIL"))
    return "\n".join(lines)
