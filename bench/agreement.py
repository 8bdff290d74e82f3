"""Study A25: how often readers of the words alone agree with the corpus's labels.

    python -m bench.agreement          # the readers, and the shipped bot on the same items

Four helpers that saw neither the bot, nor the labels, nor the pages labelled 500 training-side
items (``tests/data/corpus/study_a25/``; the study and its pre-registration are in
``tests/data/corpus/README.md``). Each reader's labels are turned into the reply a bot would
give and judged by :func:`bot.answering.evaluation.judge`, exactly as ``csp-bot eval`` judges
the bot: a crisis label is a reply that leads with 999 (followed by the reader's support topic,
none for ``emergency``), an out-of-scope label a declined reply with the reader's ``oos-*``
topic, a topic label a matched reply with that topic. So the readers' figures and the bot's are
the same five counts on the same items, and say how high a careful reader of the message alone
gets by the corpus's labels: a ceiling no bot that reads only the message can be expected to
pass.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from bench.common import DATA
from bot.answering.evaluation import Case, Outcome, Report, judge, load_cases

STUDY = DATA / "corpus" / "study_a25"
READERS = ("A1", "A2", "B1", "B2")


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


def gold_cases() -> dict[int, Case]:
    """The corpus's own label of each study item, found by its words on the training side
    (``train.yaml``, or ``pending/`` until a round is trained on and moves to ``raw/``)."""
    corpus = DATA / "corpus"
    known: dict[str, Case] = {}
    for path in [corpus / "train.yaml", *sorted((corpus / "pending").glob("*.yaml"))]:
        for case in load_cases(path):
            known.setdefault(case.question, case)
    items = yaml.safe_load((STUDY / "items.yaml").read_text(encoding="utf-8"))
    return {int(item["id"]): known[str(item["q"])] for item in items}


def labels(reader: str) -> dict[int, dict[str, Any]]:
    rows = yaml.safe_load((STUDY / f"labels_{reader}.yaml").read_text(encoding="utf-8"))
    return {int(row["id"]): row for row in rows}


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


def readers_against_corpus(gold: dict[int, Case]) -> dict[str, Figures]:
    out = {}
    every: list[tuple[Case, dict[str, Any]]] = []
    for reader in READERS:
        pairs = [(gold[i], as_reply(label)) for i, label in labels(reader).items()]
        out[reader] = figures(pairs)
        every += pairs
    out["all"] = figures(every)
    return out


def as_case(question: str, label: dict[str, Any]) -> Case:
    """A reader's label as the gold case another reader is judged against."""
    kind = str(label.get("label"))
    topics = tuple(str(t) for t in [label.get("topic"), *(label.get("also") or [])]
                   if t and t != "emergency")
    return Case(question, kind, crisis=kind == "crisis",
                matched=False if kind == "out_of_scope" else None, topics=topics)


def readers_against_each_other(gold: dict[int, Case]) -> dict[str, Figures]:
    """The second reader of each half judged against the first, as if the first were gold."""
    out = {}
    for half in "AB":
        first, second = labels(half + "1"), labels(half + "2")
        out[half] = figures((as_case(gold[i].question, first[i]), as_reply(second[i]))
                            for i in first)
    return out


def judged_alone(gold: dict[int, Case]) -> list[int]:
    """The items both readers of their half said the words alone were enough to judge."""
    out = []
    for half in "AB":
        first, second = labels(half + "1"), labels(half + "2")
        out += [i for i in first if first[i].get("alone", True) and second[i].get("alone", True)]
    return out


def main(argv: list[str]) -> int:
    from bot.answering.answer import Responder
    from bot.knowledge import load_knowledge

    del argv
    gold = gold_cases()
    for name, found in readers_against_corpus(gold).items():
        print(f"reader {name} against the corpus: {found.line()}")
    for half, found in readers_against_each_other(gold).items():
        print(f"half {half}, reader 2 against reader 1: {found.line()}")
    alone = judged_alone(gold)
    print(f"items both readers judged from the words alone: {len(alone)}/{len(gold)}")
    responder = Responder(load_knowledge(DATA.parent.parent / "knowledge"))
    answers = {i: responder.answer(case.question).to_json() for i, case in gold.items()}
    print(f"shipped bot against the corpus: {figures((gold[i], answers[i]) for i in gold).line()}")
    on_alone = [(gold[i], as_reply(labels(r)[i])) for r in READERS for i in alone
                if i in labels(r)]
    print(f"  on the items judged alone, readers: {figures(on_alone).line()}")
    bot_alone = figures((gold[i], answers[i]) for i in alone)
    print(f"  on the items judged alone, bot: {bot_alone.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
