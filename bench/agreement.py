"""Reader studies: how often readers of the words alone agree with a set's labels.

    python -m bench.agreement          # study A25 (the English corpus's training side)
    python -m bench.agreement l26      # study L26 (every item of the language blind sets)

In each study, helpers that saw neither the bot, nor the labels, nor the pages labelled items
from their words alone, two readers to a group of items. A25: 500 training-side English items,
four readers (``tests/data/corpus/study_a25/``; pre-registered in ``tests/data/corpus/
README.md``). L26: every item of each language's blind sets, two readers per language
(``tests/data/lang/study_l26/``; pre-registered in ``tests/data/lang/README.md``). Each
reader's labels are turned into the reply a bot would give and judged by
:func:`bot.answering.evaluation.judge`, exactly as ``csp-bot eval`` judges the bot: a crisis
label is a reply that leads with 999 (followed by the reader's support topic, none for
``emergency``), an out-of-scope label a declined reply with the reader's ``oos-*`` topic, a
topic label a matched reply with that topic. So the readers' figures and the bot's are the same
counts on the same items, and say how high a careful reader of the message alone gets by the
set's labels: a ceiling no bot that reads only the message can be expected to pass.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.common import DATA
from bot.answering.evaluation import Case, Outcome, Report, judge, load_cases


@dataclass(frozen=True)
class Figures:
    """The guard's five counts (``tests/test_corpus.py``), over one set of answers."""

    right: int
    items: int
    crises: int
    crisis_items: int
    false_crises: int
    calm_items: int
    declined: int
    oos_items: int

    def line(self) -> str:
        return (f"{self.right}/{self.items} right ({self.right / self.items:.1%}), "
                f"crises {self.crises}/{self.crisis_items}, "
                f"false crises {self.false_crises}/{self.calm_items}, "
                f"declined {self.declined}/{self.oos_items}")


@dataclass(frozen=True)
class Study:
    """A reader study: its folder, and its groups of items, each read by two readers.

    A25's groups are the halves of one set of 500 items; L26's are the languages, each with
    ids of its own. A reader's labels live in ``labels_<reader>.yaml``."""

    name: str
    directory: Path
    groups: dict[str, tuple[str, str]]

    @property
    def readers(self) -> tuple[str, ...]:
        return tuple(r for pair in self.groups.values() for r in pair)

    def labels(self, reader: str) -> dict[int, dict[str, Any]]:
        rows = yaml.safe_load((self.directory / f"labels_{reader}.yaml").read_text(
            encoding="utf-8"))
        return {int(row["id"]): row for row in rows}

    def gold(self, group: str) -> dict[int, Case]:
        """The set's own label of each item of ``group``, by its id."""
        if self.name == "a25":
            every = _a25_gold(self.directory)
            first = 1 if group == "A" else 251
            return {i: case for i, case in every.items() if first <= i < first + 250}
        items = yaml.safe_load((self.directory / f"items_{group}.yaml").read_text(
            encoding="utf-8"))
        cases = {name: load_cases(DATA / "lang" / name)
                 for name in sorted({str(item["file"]) for item in items})}
        return {int(item["id"]): cases[str(item["file"])][int(item["index"])] for item in items}


A25 = Study("a25", DATA / "corpus" / "study_a25", {"A": ("A1", "A2"), "B": ("B1", "B2")})
L26 = Study("l26", DATA / "lang" / "study_l26",
            {"pl": ("P1", "P2"), "ur": ("U1", "U2"), "pa": ("J1", "J2")})
STUDIES = {"a25": A25, "l26": L26}
READERS = A25.readers


def _a25_gold(directory: Path) -> dict[int, Case]:
    """A25's items' labels, found by their words on the training side (``train.yaml``, or
    ``pending/`` until a round is trained on and moves to ``raw/``)."""
    corpus = DATA / "corpus"
    known: dict[str, Case] = {}
    for path in [corpus / "train.yaml", *sorted((corpus / "pending").glob("*.yaml"))]:
        for case in load_cases(path):
            known.setdefault(case.question, case)
    items = yaml.safe_load((directory / "items.yaml").read_text(encoding="utf-8"))
    return {int(item["id"]): known[str(item["q"])] for item in items}


def gold_cases() -> dict[int, Case]:
    """Study A25's 500 items with the corpus's own label of each."""
    return _a25_gold(A25.directory)


def labels(reader: str) -> dict[int, dict[str, Any]]:
    """A25 reader ``reader``'s labels by item id."""
    return A25.labels(reader)


def as_reply(label: dict[str, Any]) -> dict[str, Any]:
    """A reader's label as the ``ask --json`` reply it stands for."""
    kind = label.get("label")
    topic = label.get("topic")
    if kind == "crisis":
        return {"crisis": True, "answer": "Call 999", "matched": True,
                "topic": None if topic == "emergency" else topic}
    return {"crisis": False, "answer": "", "matched": kind != "out_of_scope", "topic": topic}


def figures(pairs: Iterable[tuple[Case, dict[str, Any]]]) -> Figures:
    """The counts of a :class:`Report` of the answers, judged as ``csp-bot eval`` judges."""
    report = Report([Outcome(case, reply, judge(case, reply)) for case, reply in pairs])
    crises = [o for o in report.outcomes if o.case.crisis]
    declined, oos = report.out_of_scope
    return Figures(
        right=sum(o.passed for o in report.outcomes), items=len(report.outcomes),
        crises=sum(bool(o.reply["crisis"]) for o in crises), crisis_items=len(crises),
        false_crises=report.false_crises, calm_items=len(report.outcomes) - len(crises),
        declined=declined, oos_items=oos)


def readers_against_set(study: Study) -> dict[str, Figures]:
    """Each reader's figures against the set's labels; ``all`` (A25) pools every reader, and
    ``<group> both`` pools the two readers of a group."""
    out = {}
    every: list[tuple[Case, dict[str, Any]]] = []
    for group, pair in study.groups.items():
        gold = study.gold(group)
        both: list[tuple[Case, dict[str, Any]]] = []
        for reader in pair:
            pairs = [(gold[i], as_reply(label)) for i, label in study.labels(reader).items()]
            out[reader] = figures(pairs)
            both += pairs
        out[f"{group} both"] = figures(both)
        every += both
    out["all"] = figures(every)
    return out


def readers_against_corpus(gold: dict[int, Case]) -> dict[str, Figures]:
    """Study A25's readers against the corpus (``gold``: :func:`gold_cases`)."""
    del gold  # each half's labels are found by the study itself
    found = readers_against_set(A25)
    return {name: f for name, f in found.items() if not name.endswith(" both")}


def as_case(question: str, label: dict[str, Any]) -> Case:
    """A reader's label as the gold case another reader is judged against."""
    kind = str(label.get("label"))
    topics = tuple(str(t) for t in [label.get("topic"), *(label.get("also") or [])]
                   if t and t != "emergency")
    return Case(question, kind, crisis=kind == "crisis",
                matched=False if kind == "out_of_scope" else None, topics=topics)


def readers_against_each_other(study: Study = A25) -> dict[str, Figures]:
    """The second reader of each group judged against the first, as if the first were gold."""
    out = {}
    for group, (one, two) in study.groups.items():
        gold = study.gold(group)
        first, second = study.labels(one), study.labels(two)
        out[group] = figures((as_case(gold[i].question, first[i]), as_reply(second[i]))
                             for i in first)
    return out


def judged_alone(study: Study = A25) -> dict[str, list[int]]:
    """Per group, the items both its readers said the words alone were enough to judge."""
    out = {}
    for group, (one, two) in study.groups.items():
        first, second = study.labels(one), study.labels(two)
        out[group] = [i for i in first
                      if first[i].get("alone", True) and second[i].get("alone", True)]
    return out


def main(argv: list[str]) -> int:
    from bot.answering.answer import Responder
    from bot.knowledge import load_knowledge

    study = STUDIES[argv[0]] if argv else A25
    responder = Responder(load_knowledge(DATA.parent.parent / "knowledge"))
    for name, found in readers_against_set(study).items():
        if study is A25 and name.endswith(" both"):
            continue
        print(f"reader {name} against the set: {found.line()}")
    for group, found in readers_against_each_other(study).items():
        print(f"{group}, reader 2 against reader 1: {found.line()}")
    alone = judged_alone(study)
    for group in study.groups:
        gold = study.gold(group)
        answers = {i: responder.answer(case.question).to_json() for i, case in gold.items()}
        print(f"{group}: shipped bot against the set: "
              f"{figures((gold[i], answers[i]) for i in gold).line()}")
        mine = alone[group]
        print(f"  items both readers judged from the words alone: {len(mine)}/{len(gold)}")
        on_alone = [(gold[i], as_reply(study.labels(r)[i])) for r in study.groups[group]
                    for i in mine]
        print(f"  on them, readers: {figures(on_alone).line()}")
        print(f"  on them, bot: {figures((gold[i], answers[i]) for i in mine).line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
