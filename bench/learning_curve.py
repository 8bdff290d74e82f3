"""Study L98: the language crisis detector with less, the shipped and all of its training data.

    python -m bench.learning_curve            # all three variants (several minutes)
    python -m bench.learning_curve --variants shipped

Each variant refits every language's crisis model with that language's shipped trainer
settings (:func:`bench.train_crisis.fit`), then scores the union of each language's blind and
other sets (never trained on) and, apart, its real sets: crises caught (the detector sure, as
``csp-bot eval`` counts a crisis reply) and false crises, at a range of sure thresholds and at
the shipped ones. Each message goes to the detector of the language the bot detects in it.
Pre-registered in ``tests/data/lang/README.md`` (session 34); nothing ships from it.

The variants (:data:`VARIANTS`): ``first``, the written and translated messages alone;
``shipped``, the shipped training files; ``all``, every file in ``tests/data/lang/train/``
(nothing left out, no file calm-only).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache

from bench import train_crisis
from bench.first_sight import cases
from bot.answering import i18n
from bot.answering.crisis import detect_crisis as detect_english_crisis
from bot.answering.crisis_model import CrisisModel, Scores
from bot.answering.language import SUPPORTED, detect_language

LANG = train_crisis.ROOT / "tests" / "data" / "lang"
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@contextmanager
def _first() -> Iterator[None]:
    """No native or real batch: the written and translated messages only."""
    native = train_crisis.native_files
    train_crisis.native_files = lambda lang, left_out=frozenset(): []  # type: ignore[assignment]
    try:
        yield
    finally:
        train_crisis.native_files = native  # type: ignore[assignment]


@contextmanager
def _shipped() -> Iterator[None]:
    yield


@contextmanager
def _all() -> Iterator[None]:
    """Every training file, none left out and none calm-only."""
    left_out, calm_only = train_crisis.LEFT_OUT, train_crisis.CALM_ONLY
    train_crisis.LEFT_OUT = train_crisis.CALM_ONLY = frozenset()
    try:
        yield
    finally:
        train_crisis.LEFT_OUT, train_crisis.CALM_ONLY = left_out, calm_only


VARIANTS: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "first": _first, "shipped": _shipped, "all": _all}


class _Cached:
    """A model whose scores are remembered: each message is scored once per threshold sweep."""

    def __init__(self, model: CrisisModel) -> None:
        self.score: Callable[[str], Scores] = lru_cache(maxsize=None)(model.score)


def models(variant: str) -> dict[str, _Cached]:
    out = {}
    with VARIANTS[variant]():
        for lang in SUPPORTED:
            rows = train_crisis.language_data(lang)
            model = train_crisis.fit(rows, i18n.fold, nb=lang in train_crisis.NB_LANGUAGES,
                                     blend=train_crisis.BLEND_LANGUAGES.get(lang, 0.0))
            print(f"{variant} {lang}: {len(rows)} rows", file=sys.stderr)
            out[lang] = _Cached(model)
    return out


def items(pattern: str, lang: str) -> list[tuple[str, bool]]:
    """``(text, is_crisis)`` of every ``<pattern>/<lang>.yaml``, read as ``csp-bot eval`` reads
    them (:func:`bench.first_sight.cases`)."""
    return [(case.question, case.crisis)
            for path in sorted(LANG.glob(f"{pattern}/{lang}.yaml")) for case in cases(path)]


def caught(texts: list[tuple[str, bool]], sure: dict[str, float]) -> tuple[int, int]:
    """Crises the detector is sure of, and calm messages it is sure are crises, with the sure
    thresholds ``sure`` (the shipped ones are put back after)."""
    shipped, i18n.SURE_SCORES = i18n.SURE_SCORES, sure
    hits = false = 0
    try:
        for text, crisis in texts:
            lang = detect_language(text)
            found = (i18n.detect_crisis(text, lang) if lang in SUPPORTED
                     else detect_english_crisis(text))
            if found is not None and found.sure:
                hits += crisis
                false += not crisis
    finally:
        i18n.SURE_SCORES = shipped
    return hits, false


def sweep(texts: list[tuple[str, bool]], shipped: dict[str, float]) -> list[tuple[str, int, int]]:
    """``(threshold, crises caught, false crises)`` at the shipped thresholds, then at each of
    :data:`THRESHOLDS` for every language."""
    points = [("shipped thresholds", *caught(texts, shipped))]
    return points + [(f"{sure:.2f}", *caught(texts, dict.fromkeys(SUPPORTED, sure)))
                     for sure in THRESHOLDS]


def format_line(variant: str, lang: str, kind: str, texts: list[tuple[str, bool]],
                points: list[tuple[str, int, int]]) -> str:
    crises = sum(crisis for _, crisis in texts)
    head = f"{variant:8} {lang} {kind:11} ({crises} crises, {len(texts) - crises} calm):"
    return " | ".join([head, *(f"{name}: {hits}, {false}" for name, hits, false in points)])


def run(variants: list[str]) -> None:
    shipped_sure, shipped_model = dict(i18n.SURE_SCORES), i18n.crisis_model
    sets = {}
    for lang in SUPPORTED:
        sets[(lang, "blind+other")] = items("blind*", lang) + items("other*", lang)
        sets[(lang, "real")] = items("real*", lang)
    try:
        for variant in variants:
            fitted = models(variant)
            i18n.crisis_model = fitted.get  # type: ignore[assignment]
            for (lang, kind), texts in sets.items():
                print(format_line(variant, lang, kind, texts, sweep(texts, shipped_sure)),
                      flush=True)
    finally:
        i18n.crisis_model = shipped_model  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated, of " + ", ".join(VARIANTS))
    chosen = parser.parse_args(argv).variants.split(",")
    unknown = [v for v in chosen if v not in VARIANTS]
    if unknown:
        print(f"unknown variant(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    run(chosen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
