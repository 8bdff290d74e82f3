"""Proof that the faster matcher answers exactly as the one before it (issue 15).

``bench/matching_before.py`` is the matcher as it was before the speed work, kept verbatim as
the reference engine. Both answer every question of every evaluation set, at the shipped
knowledge base and at the synthetic 10x and 100x ones (see ``bench/speed.py``); an answer is
the same when the topic (or none), the confidence and every shortlisted candidate with its
confidence (rounded as ``Matcher.match`` rounds, to 4 places) are equal.

The corpus's test split is read only to compare the two engines' answers for identity,
never to tune anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bench import matching_before
from bench.common import DATA, DEV_QUESTIONS, HELDOUT, HELDOUT_EVAL, TUNING
from bot.answering import matching
from bot.answering.evaluation import load_cases
from bot.knowledge import KnowledgeBase

CORPUS = DATA / "corpus"
Answer = tuple[str | None, float, tuple[tuple[str, float], ...]]


def _labelled(path: Path) -> list[str]:
    return [line.rsplit(" => ", 1)[0].strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#") and " => " in line]


def _corpus(path: Path) -> list[str]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [str(item["q"]) for item in items]


def question_sets() -> dict[str, list[str]]:
    """Every evaluation set by name (the development set only where it exists)."""
    sets: dict[str, list[str]] = {}
    for name, path, read in (
        ("development (../shared/eval/questions.yaml)", DEV_QUESTIONS,
         lambda p: [c.question for c in load_cases(p)]),
        ("heldout_eval.yaml", HELDOUT_EVAL, lambda p: [c.question for c in load_cases(p)]),
        ("heldout_questions.txt", HELDOUT, _labelled),
        ("tuning_questions.txt", TUNING, _labelled),
        ("corpus train.yaml", CORPUS / "train.yaml", _corpus),
        ("corpus test.yaml (identity only)", CORPUS / "test.yaml", _corpus),
    ):
        reader: Callable[[Path], list[str]] = read
        if path.exists():
            sets[name] = reader(path)
    return sets


def answer(matcher: Any, question: str) -> Answer:
    """What a resident would notice of one match: topic, confidence, the shortlist."""
    result = matcher.match(question)
    return (result.best.id if result.best else None, result.confidence,
            tuple((c.id, c.score) for c in result.candidates))


def compare(kb: KnowledgeBase, questions: list[str],
            vectorised: bool | None = None) -> list[tuple[str, Answer, Answer]]:
    """The questions the two engines answer differently (empty: identical)."""
    before = matching_before.Matcher(kb)
    after = matching.Matcher(kb, vectorised=vectorised)
    out = []
    for q in questions:
        old, new = answer(before, q), answer(after, q)
        if old != new:
            out.append((q, old, new))
    return out
