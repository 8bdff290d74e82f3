"""The statistical layer of crisis detection: a linear model over word and character n-grams.

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
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from operator import add, mul
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("crisis_model.tsv")
#: The model's classes; "none" is every message that is not a crisis.
NONE = "none"


# Function words carry no danger on their own; with a small corpus the model would otherwise
# learn "out" (from "get out") or "my" as signs of a crisis. They still count inside bigrams
# ("hurt me", "on fire").
_FUNCTION_WORDS = frozenset(
    """a an the is am are was were be been of in on at to for from by with as into than then so
    if or and but out up my your his her their our its this that these those there here it
    what how do does did can could would should will""".split())


def content_words(words: list[str]) -> list[str]:
    """The words whose vectors a model with word vectors averages: all but function words
    (the same for training, bench/train_crisis.py, and scoring)."""
    return [w for w in words if w not in _FUNCTION_WORDS]


#: The features of word-vector rows (``e:word``): one per word of the vocabulary.
VECTOR_PREFIX = "e:"


class SortedRows:
    """Feature lines ``feature<TAB>weights`` kept as one sorted list and found by bisection.

    Most of a model's lines are never used by a given chat (word-vector rows, n-grams of words
    nobody writes). Read into a dict, the lines cost a cold start their hashing: the English
    crisis model's 24,000 ``e:`` rows took a cold ``csp-bot ask`` 39 ms, left as a list 6 ms,
    and the Urdu and Punjabi topic models' 88,000-90,000 lines took 45 ms against 13 ms for
    the split alone (session 24). The file is written sorted (:func:`write_weights`), and a
    tab sorts before every character a feature holds, so ``feature + "\t"`` bisects to its
    own line. A model keeps the rows it has found in a dict, and the features found missing
    are kept here (most of a message's letter groups are not in a model): without that, warm
    scoring was a third slower than from a dict.
    """

    #: Missing features remembered, at most; then forgotten all at once, so that a bot that
    #: runs for months, reading words nobody wrote before, keeps a bounded set (a few MB).
    ABSENT_KEPT = 50_000

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._absent: set[str] = set()

    def get(self, feature: str) -> str | None:
        if feature in self._absent:
            return None
        key = feature + "\t"
        i = bisect_left(self._lines, key)
        if i < len(self._lines) and self._lines[i].startswith(key):
            return self._lines[i][len(key):]
        if len(self._absent) >= self.ABSENT_KEPT:
            self._absent.clear()
        self._absent.add(feature)
        return None

    def items(self) -> Iterable[tuple[str, str]]:
        for line in self._lines:
            feature, _, text = line.partition("\t")
            yield feature, text


def read_weights_lazily(path: Path) -> tuple[dict[str, Any], SortedRows]:
    """:func:`read_weights`, with the feature lines left sorted, to be bisected."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n")
    return json.loads(header), SortedRows(body.rstrip("\n").split("\n") if body.strip() else [])


def read_weights(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """A model file's JSON header and all its feature lines (``feature -> weights as text``),
    read in order: what the bisected lines of :func:`read_weights_lazily` must agree with."""
    header, lines = read_weights_lazily(path)
    return header, dict(lines.items())


def found_and_lines(rows: dict[str, Any] | SortedRows) -> tuple[dict[str, Any], SortedRows]:
    """A model's rows as given, split into the rows found so far and the lines still to be
    searched: a file's lines (:func:`read_weights_lazily`) start with none found, a model
    trained in memory with all of them and no lines."""
    if isinstance(rows, SortedRows):
        return {}, rows
    return dict(rows), SortedRows([])


def write_weights(path: Path, classes: list[str], intercepts: list[float],
                  meta: dict[str, object], rows: Iterable[tuple[str, str]]) -> None:
    """The file :func:`read_weights` reads: a sorted JSON header, then a line a feature."""
    head = {"meta": meta, "classes": classes, "intercepts": intercepts}
    lines = [json.dumps(head, sort_keys=True), *(f"{f}\t{text}" for f, text in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@lru_cache(maxsize=8192)
def _word_features(word: str) -> tuple[str, ...]:
    """One word's own features in the order :func:`features` counts them: the word, then its
    character 3-grams, then its 4-grams. Residents reuse words, so this is cached."""
    padded = f"<{word}>"
    out = ["w:" + word]
    for n in (3, 4):
        prefix = f"c{n}:"
        out += [prefix + padded[i:i + n] for i in range(len(padded) - n + 1)]
    return tuple(out)


# Concepts: words grouped by what they say about danger. A linear model over n-grams cannot
# tell "he hit me" from "he hit me years ago"; with a concept for each word and a feature for
# each *pair* of concepts present ("harm&now", "harm&past", "death&self"), it can learn that
# harm with "now" is a crisis and harm with "past" or a question is not, for words it has never
# seen together. English only; a model uses them when its header says ``"concepts": true``.
_CONCEPT_GROUPS = {
    "harm": """hit hitting hits beat beating beats beaten punch punching punched kick kicking
        kicked hurt hurting hurts strangle strangling strangled choke choking choked stab
        stabbing stabbed attack attacking attacked shoot shooting shot kill killing rape raping
        slap slapping batter battering smash smashing threaten threatening threatened grab
        grabbed grabbing push pushed shove shoved assault assaulting murder murdering""",
    "weapon": "knife knives blade blades machete gun guns shotgun pistol weapon bat hammer axe "
              "crowbar acid",
    "death": "die dying dead death suicide suicidal goodbye goodbyes alive",
    "method": "pills tablets overdose overdosed paracetamol rope noose hang hanging razor cut "
              "cutting bridge jump jumping railway tracks bleach",
    "fear": "scared terrified frightened afraid panicking panic crying screaming hiding hide "
            "locked",
    "plea": "help please hurry quick quickly emergency police ambulance urgent",
    "now": "now tonight currently outside downstairs upstairs here hallway coming inside still "
           "today minute",
    "self": "i me my myself",
    "past": "ago last yesterday used years was were happened previously ex once",
    "question": "how what why who where which whether statistics figures rate law legal "
                "report reported advice",
    "fire": "fire fires smoke smoky flames flame burning burnt blaze alarm",
    "medical": """breathing breathe unconscious collapsed collapse fitting seizure bleeding blood
        pulse responsive wake waking ambulance cpr heart stroke choking overdose""",
    "child": "child children kid kids baby toddler son daughter boy girl",
    "family": "husband wife partner boyfriend girlfriend dad mum stepdad mother father brother "
              "sister",
}
_CONCEPTS: dict[str, tuple[str, ...]] = {}
for _name, _words in sorted(_CONCEPT_GROUPS.items()):
    for _word in _words.split():
        _CONCEPTS[_word] = (*_CONCEPTS.get(_word, ()), _name)


def _concept_keys(words: list[str]) -> list[str]:
    """``k:concept`` for each concept in the message, then ``k:a&b`` for each pair (sorted)."""
    found = sorted({c for w in words for c in _CONCEPTS.get(w, ())})
    return ([f"k:{c}" for c in found]
            + [f"k:{a}&{b}" for i, a in enumerate(found) for b in found[i + 1:]])


def _counted(corrected: str, concepts: bool = False,
             vectors: bool = False, prior: float = 0.0) -> dict[str, float]:
    """:func:`features` as a plain dict: the same keys in the same order, the same values."""
    words = corrected.split()
    counts: dict[str, int] = {}
    get = counts.get
    for w in words:
        if w in _FUNCTION_WORDS:
            continue
        for key in _word_features(w):
            counts[key] = get(key, 0) + 1
    for a, b in zip(words, words[1:], strict=False):
        key = f"b:{a} {b}"
        counts[key] = get(key, 0) + 1
    if concepts:
        for key in _concept_keys(words):
            counts[key] = 1
    # Longer messages have more features; scale so length alone does not push a score.
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    out = {k: v / norm for k, v in counts.items()}
    if vectors:
        # The mean of the content words' vectors, as one weight row per word: see "Word
        # vectors" below. Not part of the n-grams' norm, as in training.
        # ``prior``: the mean is taken as if over ``prior`` more words with a zero vector, so
        # the vectors of a short message ("thanks for your help") pull less than a long one's.
        content = content_words(words)
        for w in content:
            key = VECTOR_PREFIX + w
            out[key] = out.get(key, 0.0) + 1.0 / (len(content) + prior)
    return out


def features(corrected: str, concepts: bool = False, vectors: bool = False) -> Counter[str]:
    """The model's features for a normalised, spelling-corrected message (with ``concepts``,
    the concept features too: see :data:`_CONCEPT_GROUPS`; with ``vectors``, one ``e:word``
    feature per content word, worth its share of them: see "Word vectors" below).

    Shared by training and scoring, so the two can never disagree.
    """
    return Counter(_counted(corrected, concepts, vectors))


# Word vectors. The n-grams know only words seen in training; "I swallowed the whole packet"
# shares none with "I took all my tablets". A model trained with ``--vectors``
# (bench/train_crisis.py) also learnt weights W over the mean vector of a message's content
# words (bench/embed_words.py: all-MiniLM-L6-v2's vector for each word, cut to 64 dimensions).
# The mean's contribution, W . (v1 + ... + vn) / n, is the sum over the words of (W . vi) / n,
# so the file carries W . v for each word as the row of feature ``e:word``, worth 1/n a word:
# the same logits, with no vectors, numpy or embedding model at run time. A word with no row
# (unknown, or its row too small to keep) counts in n and adds nothing, as in training.


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
                 weights: dict[str, list[float]] | dict[str, str] | SortedRows,
                 meta: dict[str, object] | None = None):
        self.classes = classes
        self.intercepts = intercepts
        # Rows found so far (lists, or text "w1 w2 ..." parsed on first use), and a file's
        # lines, each looked up when a message first uses its feature (see SortedRows).
        self._weights: dict[str, list[float] | str]
        self._weights, self._lines = found_and_lines(weights)
        # The rows parsed so far, apart, so scoring looks each feature up once.
        self._parsed: dict[str, list[float]] = {
            f: w for f, w in self._weights.items() if not isinstance(w, str)}
        self.meta = meta or {}
        #: Whether this model was trained with the concept features (its header says so).
        self.concepts = bool(self.meta.get("concepts"))
        #: Whether it carries word-vector rows (``e:word``; its header says so).
        self.vectors = bool(self.meta.get("vectors"))
        #: Zero vectors added to a message's mean (header ``vector_prior``; 0 for older models).
        self.vector_prior = float(self.meta.get("vector_prior", 0.0))  # type: ignore[arg-type]

    @property
    def weights(self) -> dict[str, list[float]]:
        """Every feature's weights, parsed."""
        for feature, _ in self._lines.items():
            self._row(feature)
        return {f: self._row(f) or [] for f in self._weights}

    def _row(self, feature: str) -> list[float] | None:
        row = self._weights.get(feature)
        if row is None:
            row = self._lines.get(feature)
            if row is not None:
                self._weights[feature] = row
        if isinstance(row, str):
            row = [float(w) for w in row.split()]
            self._weights[feature] = row
            self._parsed[feature] = row
        return row

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CrisisModel:
        head, lines = read_weights_lazily(path)
        return cls(head["classes"], head["intercepts"], lines, head.get("meta"))

    def save(self, path: Path = MODEL_PATH) -> None:
        weights = self.weights
        write_weights(path, self.classes, self.intercepts, self.meta,
                      ((f, " ".join(f"{w:g}" for w in weights[f])) for f in sorted(weights)))

    def score(self, corrected: str) -> Scores:
        parsed = self._parsed
        rows: list[list[float]] = []
        values: list[float] = []
        for feature, value in _counted(corrected, self.concepts, self.vectors,
                                       self.vector_prior).items():
            row = parsed.get(feature)
            if row is None:
                row = self._row(feature)
                if row is None:
                    continue
            rows.append(row)
            values.append(value)
        # Each class's logit is its intercept plus ``w * value`` feature by feature, in the
        # order of the message: the same floats to the last bit as a plain loop of
        # ``logit += w * value``, with the loop in C (reduce and map, not sum(), whose
        # rounding differs between Python versions).
        logits = ([reduce(add, map(mul, column, values), start)
                   for column, start in zip(zip(*rows, strict=True), self.intercepts,
                                               strict=True)]
                  if rows else list(self.intercepts))
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
