"""Fit the matcher's confidence (``bot.answering.matching.WEIGHTS``) on labelled resident questions.

    .venv/bin/python -m bench.calibrate            # prints weights and accuracy by threshold

Data: ``tests/data/tuning_questions.txt`` and ``tests/data/heldout_questions.txt``
(``question => topic-id [topic-id...] | NONE | CRISIS [...]``) and the development set
``../shared/eval/questions.yaml``, where a candidate counts as right when its answer meets
the item's expectations. Crisis items are left out (crisis detection runs first). The
fit is a plain L2-regularised logistic regression (over ``Features.vector``) of every
shortlisted candidate of every question, so it learns ranking and calibration together.
Two-fold cross-validation on the held-out file estimates accuracy on questions the weights
did not see.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bot.answering.answer import Responder
from bot.answering.evaluation import judge, load_cases
from bot.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEV = ROOT.parent / "shared" / "eval" / "questions.yaml"

Item = tuple[str, object]  # question, and either a set of ids or an eval Case


def read_labelled(path: Path) -> Iterator[Item]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, expected = line.rsplit(" => ", 1)
        ids = set(expected.split())
        if "CRISIS" not in ids:
            yield question, ids


def dataset(responder: Responder) -> tuple[list[Item], list[Item]]:
    train = list(read_labelled(DATA / "tuning_questions.txt"))
    if DEV.exists():
        train += [(c.question, c) for c in load_cases(DEV) if not c.crisis]
    held = list(read_labelled(DATA / "heldout_questions.txt"))
    return train, held


def is_right(responder: Responder, label: object, entry_id: str | None) -> bool:
    if isinstance(label, set):
        return (entry_id or "NONE") in label
    reply = responder.topic_reply(entry_id) if entry_id else None
    as_json = reply.to_json() if reply else {"matched": False, "answer": "", "crisis": False}
    return not judge(label, as_json)  # type: ignore[arg-type]


def rows(responder: Responder, items: list[Item]) -> tuple[np.ndarray, np.ndarray]:
    x, y = [], []
    for question, label in items:
        for eid, f in responder.matcher.features(question):
            x.append(f.vector())
            y.append(1.0 if is_right(responder, label, eid) else 0.0)
    return np.array(x), np.array(y)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.001, steps: int = 6000) -> np.ndarray:
    mu, sd = x[:, 1:].mean(0), x[:, 1:].std(0) + 1e-9
    z = x.copy()
    z[:, 1:] = (x[:, 1:] - mu) / sd
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]])
    raw = w.copy()
    raw[1:] = w[1:] / sd
    raw[0] = w[0] - float(np.sum(w[1:] * mu / sd))
    return raw


def accuracy(responder: Responder, items: list[Item], weights: np.ndarray,
             threshold: float) -> float:
    right = 0
    for question, label in items:
        best, best_id = 0.0, None
        for eid, f in responder.matcher.features(question):
            p = 1 / (1 + math.exp(-float(np.dot(weights, f.vector()))))
            if p > best:
                best, best_id = p, eid
        right += is_right(responder, label, best_id if best >= threshold else None)
    return right / max(len(items), 1)


def main() -> None:
    responder = Responder(load_knowledge(ROOT / "knowledge"))
    train, held = dataset(responder)
    random.Random(7).shuffle(held)
    half = len(held) // 2
    folds = [(held[:half], held[half:]), (held[half:], held[:half])]
    thresholds = [0.4, 0.5, 0.55, 0.6, 0.65, 0.7]
    print("two-fold cross-validation on the held-out questions (accuracy, non-crisis):")
    for th in thresholds:
        scores = []
        for seen, unseen in folds:
            w = fit(*rows(responder, train + seen))
            scores.append(accuracy(responder, unseen, w, th))
        print(f"  threshold {th:.2f}: {sum(scores) / len(scores):.1%}")
    w = fit(*rows(responder, train + held))
    print("fitted on everything:")
    print("WEIGHTS = (" + ", ".join(f"{v:.4f}" for v in w) + ")")
    for th in thresholds:
        print(f"  threshold {th:.2f}: train+held {accuracy(responder, train + held, w, th):.1%}")


if __name__ == "__main__":
    main()
