"""The crisis model's scoring as it was before issue 15's second speed pass, kept unchanged as the
reference that tests/test_crisis_speed_equivalence.py compares the current one with (the same
weights file, ``bot/answering/crisis_model.tsv``).



The rules in :mod:`bot.answering.crisis` catch the unmistakable phrasings; this model catches
the ones nobody wrote a rule for ("i feel like nobody would miss me", "he's in the hallway,
I've locked myself in"). It is multinomial logistic regression over:

* word unigrams and bigrams of the normalised, spelling-corrected message;
* character 3- and 4-grams inside words (with ``<`` and ``>`` marking the word's edges), so
  unseen misspellings still share most of their features with the words they mean.

It is trained offline by ``bench/train_crisis.py`` (scikit-learn, only on the developer's
machine) on the labelled real-message corpus in ``tests/data/corpus/`` plus the knowledge
base's own questions as non-crises. The weights ship as ``crisis_model.tsv`` beside this
file: a JSON header line (classes, intercepts, how it was trained), then one line per
feature, ``feature<TAB>w1 w2 ...``, readable in a diff. Loading keeps each line's weights as
text until a message uses that feature, so start-up stays fast; scoring is plain Python (a
dict lookup per feature), so ``csp-bot ask`` imports nothing new.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.answering.crisis_model import _concept_keys

MODEL_PATH = (Path(__file__).resolve().parent.parent / "bot" / "answering"
              / "crisis_model.tsv")
#: The model's classes; "none" is every message that is not a crisis.
NONE = "none"


# Function words carry no danger on their own; with a small corpus the model would otherwise
# learn "out" (from "get out") or "my" as signs of a crisis. They still count inside bigrams
# ("hurt me", "on fire").
_FUNCTION_WORDS = frozenset(
    """a an the is am are was were be been of in on at to for from by with as into than then so
    if or and but out up my your his her their our its this that these those there here it
    what how do does did can could would should will""".split())


def features(corrected: str, concepts: bool = False) -> Counter[str]:
    """The model's features for a normalised, spelling-corrected message (``concepts``: with
    the concept keys, from the shipped concept table, for a model whose header asks for them;
    added after this copy was frozen, as later rules are).

    Shared by training and scoring, so the two can never disagree.
    """
    words = corrected.split()
    out: Counter[str] = Counter()
    for w in words:
        if w in _FUNCTION_WORDS:
            continue
        out["w:" + w] += 1
        padded = f"<{w}>"
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                out[f"c{n}:" + padded[i:i + n]] += 1
    for a, b in zip(words, words[1:], strict=False):
        out[f"b:{a} {b}"] += 1
    if concepts:
        for key in _concept_keys(words):
            out[key] = 1
    # Longer messages have more features; scale so length alone does not push a score.
    norm = math.sqrt(sum(v * v for v in out.values())) or 1.0
    return Counter({k: v / norm for k, v in out.items()})


@dataclass(frozen=True)
class Scores:
    """Probabilities per class; ``crisis`` is the chance it is any crisis."""

    probabilities: dict[str, float]

    @property
    def crisis(self) -> float:
        return 1.0 - self.probabilities.get(NONE, 1.0)

    @property
    def kind(self) -> str:
        """The most likely crisis kind (never "none")."""
        kinds = {k: p for k, p in self.probabilities.items() if k != NONE}
        return max(kinds, key=kinds.__getitem__) if kinds else NONE


class CrisisModel:
    """Weights of a trained model, scored in pure Python."""

    def __init__(self, classes: list[str], intercepts: list[float],
                 weights: dict[str, list[float]] | dict[str, str],
                 meta: dict[str, object] | None = None):
        self.classes = classes
        self.intercepts = intercepts
        # Values are lists, or text ("w1 w2 ...") parsed on first use.
        self._weights: dict[str, list[float] | str] = dict(weights)
        self.meta = meta or {}

    @property
    def weights(self) -> dict[str, list[float]]:
        """Every feature's weights, parsed."""
        return {f: self._row(f) or [] for f in self._weights}

    def _row(self, feature: str) -> list[float] | None:
        row = self._weights.get(feature)
        if isinstance(row, str):
            row = [float(w) for w in row.split()]
            self._weights[feature] = row
        return row

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CrisisModel:
        header, _, body = path.read_text(encoding="utf-8").partition("\n")
        head = json.loads(header)
        rows = dict(line.split("\t", 1) for line in body.splitlines() if line)
        return cls(head["classes"], head["intercepts"], rows, head.get("meta"))

    def save(self, path: Path = MODEL_PATH) -> None:
        head = {"meta": self.meta, "classes": self.classes, "intercepts": self.intercepts}
        lines = [json.dumps(head, sort_keys=True)]
        for feature in sorted(self._weights):
            row = self._row(feature) or []
            lines.append(feature + "\t" + " ".join(f"{w:g}" for w in row))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def score(self, corrected: str) -> Scores:
        logits = list(self.intercepts)
        for feature, value in features(corrected, bool(self.meta.get("concepts"))).items():
            row = self._row(feature)
            if row is not None:
                for i, w in enumerate(row):
                    logits[i] += w * value
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return Scores({c: e / total for c, e in zip(self.classes, exps, strict=True)})


@cache
def shipped_model() -> CrisisModel | None:
    """The shipped model, loaded once; ``None`` if the weights file is missing."""
    if not MODEL_PATH.is_file():
        return None
    return CrisisModel.load()
