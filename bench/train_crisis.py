"""Train the crisis model shipped as ``bot/answering/crisis_model.tsv``.

    make train-crisis        # installs scikit-learn (the ``train`` extra), then runs this

Training data, and nothing else:

* the corpus's training split (``tests/data/corpus/train.yaml``): crisis items with their
  kind; topic and out-of-scope items (hard negatives included) as "none";
* the knowledge base's own example questions, labelled "none" unless a crisis rule fires on
  them (then the rule's kind): they teach the model what ordinary questions look like.

The frozen test split is never read here. Multinomial logistic regression (scikit-learn)
over :func:`bot.answering.crisis_model.features`; weights below :data:`PRUNE` are dropped so
the file stays small. The script prints cross-validated figures for the whole detector
(rules, then the model) on the training split at the shipped thresholds, which is where
:data:`bot.answering.crisis.SURE_SCORE` and ``POSSIBLE_SCORE`` were chosen.

``--lang pl`` (or ``ur``, ``pa``) trains that language's model instead, shipped as
``bot/answering/crisis_model.<lang>.tsv``: on ``tests/data/lang/train/<lang>.yaml`` (messages
written in the language, never the frozen test sets beside it) plus the translation's
keywords as "none", over :func:`bot.answering.i18n.fold` (no English spelling correction).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.answering import crisis as rules
from bot.answering.crisis_model import NONE, CrisisModel, features
from bot.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "tests" / "data" / "corpus" / "train.yaml"
PRUNE = 0.2
# Regularisation and class weighting, chosen by the --cv figures; overridable to explore.
C = float(os.environ.get("CRISIS_C", "16"))
BALANCED = os.environ.get("CRISIS_BALANCED", "1") == "1"


def _rule_kind(text: str) -> str | None:
    found = rules.detect_crisis(text, use_model=False)
    return found.kind.value if found else None


def training_data() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for item in yaml.safe_load(TRAIN.read_text(encoding="utf-8")):
        label = item["crisis"] if item["label"] == "crisis" else NONE
        rows.append((str(item["q"]), label))
    kb = load_knowledge(ROOT / "knowledge")
    for topic in kb.topics.values():
        for q in topic.questions:
            rows.append((q, _rule_kind(q) or NONE))
    return rows


def language_option() -> str | None:
    """The value of ``--lang`` (``--lang pl`` or ``--lang=pl``), or None for English."""
    for i, arg in enumerate(sys.argv):
        if arg == "--lang" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def language_data(lang: str) -> list[tuple[str, str]]:
    """A language's training messages, and its translation's keywords as non-crises."""
    from bot.answering import i18n

    path = ROOT / "tests" / "data" / "lang" / "train" / f"{lang}.yaml"
    rows = [(str(item["q"]), item["crisis"] if item["label"] == "crisis" else NONE)
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    t = i18n.translation(lang)
    if t is not None:
        for topic in t.topics.values():
            rows += [(word, NONE) for word, _ in topic.keywords]
            rows.append((topic.title, NONE))
    return rows


def fit(rows: list[tuple[str, str]], prepare: Callable[[str], str] = rules.corrected,
        trained_on: str = "tests/data/corpus/train.yaml + knowledge questions") -> CrisisModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([features(prepare(t)) for t, _ in rows])
    y = [label for _, label in rows]
    clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced" if BALANCED else None)
    clf.fit(x, y)
    names = vec.get_feature_names_out()
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        column = [float(clf.coef_[i, j]) for i in range(len(clf.classes_))]
        if max(abs(w) for w in column) >= PRUNE:
            weights[str(name)] = [round(w, 3) for w in column]
    return CrisisModel([str(c) for c in clf.classes_],
                       [round(float(b), 3) for b in clf.intercept_], weights,
                       {"trained_on": trained_on,
                        "examples": len(rows), "C": C, "prune": PRUNE})


def cross_validate(rows: list[tuple[str, str]], folds: int = 5) -> None:
    """Whole-detector figures on held-out folds of the training data, per threshold."""
    seen: list[tuple[bool, bool, bool, float]] = []  # crisis?, rule fired, info question, p
    for k in range(folds):
        model = fit([r for i, r in enumerate(rows) if i % folds != k])
        for text, label in (r for i, r in enumerate(rows) if i % folds == k):
            s = rules.corrected(text)
            info = rules.is_info_question(s)
            seen.append((label != NONE, _rule_kind(text) is not None, info,
                         model.score(s).crisis))
    crises = sum(c for c, *_ in seen)
    calm = len(seen) - crises
    print(f"cross-validated ({folds} folds) on the training data, rules then model:",
          file=sys.stderr)
    for sure in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        info_sure = rules.INFO_SURE_SCORE
        caught = sum(1 for c, r, i, p in seen if c and (r or p >= (info_sure if i else sure)))
        false = sum(1 for c, r, i, p in seen
                    if not c and (r or p >= (info_sure if i else sure)))
        print(f"  sure >= {sure:.1f}: recall {caught}/{crises}, false {false}/{calm} "
              f"({false / max(calm, 1):.1%})", file=sys.stderr)


def main() -> int:
    lang = language_option()
    if lang is not None:
        from bot.answering import i18n

        rows = language_data(lang)
        model = fit(rows, i18n.fold, f"tests/data/lang/train/{lang}.yaml + translation keywords")
        model.save(i18n.MODELS_DIR / f"crisis_model.{lang}.tsv")
        print(f"{lang}: wrote {len(model.weights)} features from {len(rows)} examples",
              file=sys.stderr)
        return 0
    rows = training_data()
    if "--cv" in sys.argv:
        cross_validate(rows)
    model = fit(rows)
    model.save()
    print(f"wrote {len(model.weights)} features, classes {model.classes}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
