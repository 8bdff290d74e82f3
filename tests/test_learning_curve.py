"""bench.learning_curve (study L98) refits the language crisis models on less or more of their
training files and counts what the detector is sure of; its variants must change only what
they say and put the trainer back."""

from __future__ import annotations

import pytest

from bench import learning_curve, train_crisis
from bot.answering import i18n


def test_first_learns_no_native_batch_and_all_learns_every_file() -> None:
    shipped = len(train_crisis.language_messages("pl"))
    with learning_curve.VARIANTS["first"]():
        first = len(train_crisis.language_messages("pl"))
    with learning_curve.VARIANTS["all"]():
        everything = len(train_crisis.language_messages("pl"))
        assert not train_crisis.crisis_left_out("pl")
    assert first < shipped < everything
    # Both put the trainer back as it was.
    assert len(train_crisis.language_messages("pl")) == shipped
    assert train_crisis.LEFT_OUT and train_crisis.CALM_ONLY


def test_caught_counts_sure_crises_and_false_ones_and_keeps_the_thresholds() -> None:
    shipped = dict(i18n.SURE_SCORES)
    texts = [("Pomocy mój mąż mnie bije", True), ("gdzie zgłosić hałas sąsiadów", False)]
    assert learning_curve.caught(texts, shipped) == (1, 0)
    # Above any probability, only a rule can still be sure: the calm message stays calm.
    hits, false = learning_curve.caught(texts, dict.fromkeys(shipped, 1.01))
    assert false == 0 and hits <= 1
    assert i18n.SURE_SCORES == shipped


def test_format_line_names_the_variant_and_each_threshold() -> None:
    line = learning_curve.format_line("all", "pl", "real", [("a", True), ("b", False)],
                                      [("shipped thresholds", 1, 0), ("0.50", 1, 1)])
    assert line == "all      pl real        (1 crises, 1 calm): | shipped thresholds: 1, 0 | " \
                   "0.50: 1, 1"


def test_an_unknown_variant_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert learning_curve.main(["--variants", "shipped,most"]) == 2
    assert "most" in capsys.readouterr().err
