"""The training scripts refuse an option they do not know instead of training.

``python -m bench.train_topics --help`` once fell through to training and overwrote the shipped
model; a typo such as ``--cv --mises`` did the same. A refused option must leave every shipped
model file as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from bench import first_sight, train_crisis, train_topics

MODELS = sorted((Path(__file__).parents[1] / "bot" / "answering").glob("*_model*.tsv"))


def _digests() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in MODELS}


@pytest.mark.parametrize("main", [train_crisis.main, train_topics.main])
@pytest.mark.parametrize("argv", [["--mises"], ["--cv", "--lang", "de"], ["extra"]])
def test_an_unknown_option_trains_nothing(main: Callable[[list[str]], int], argv: list[str],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert MODELS, "no shipped model files found"
    before = _digests()
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err
    assert _digests() == before


@pytest.mark.parametrize("main", [train_crisis.main, train_topics.main])
def test_help_describes_the_options_and_trains_nothing(
        main: Callable[[list[str]], int], capsys: pytest.CaptureFixture[str]) -> None:
    before = _digests()
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--no-save" in out and "--lang" in out
    assert _digests() == before


def test_first_sight_names_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert first_sight.main(["no-such-batch.yaml"]) == 2
    assert "no-such-batch.yaml" in capsys.readouterr().err


def test_make_train_crisis_retrains_the_kind_of_model_that_ships() -> None:
    # A retrain without the shipped model's features would silently drop them (and the
    # figures they were chosen for): the Makefile must ask for what the header says.
    from bot.answering.crisis_model import CrisisModel

    shipped = CrisisModel.load()
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntrain-crisis:", 1)[1].split("\n\n", 1)[0]
    assert ("--concepts" in recipe) == shipped.concepts
    assert ("--vectors" in recipe) == shipped.vectors


def test_make_train_topics_retrains_the_kind_of_model_that_ships() -> None:
    # ``make train-topics`` once retrained without word vectors, quietly replacing the shipped
    # model (trained with them) by one its figures were never measured for.
    from bot.answering.topic_model import TopicModel

    shipped = TopicModel.load()
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntrain-topics:", 1)[1].split("\n\n", 1)[0]
    assert ("--vectors" in recipe) == bool(shipped.meta.get("vectors"))
    assert "bench.split_corpus" in recipe, "train on the split the raw files make"


def test_language_trainers_read_only_what_the_shipped_models_learned_from() -> None:
    # The Polish models were once not reproducible: the trainers read two files whose
    # candidates did not ship (L12, L14). Those stay out.
    names = {p.name for lang in ("pl", "ur", "pa") for p in train_crisis.native_files(lang)}
    assert names and not names & train_crisis.LEFT_OUT
    assert all((train_crisis.LANG_TRAIN / name).is_file() for name in train_crisis.LEFT_OUT)


@pytest.mark.parametrize("lang", ["pl", "ur", "pa"])
def test_a_language_topic_retrain_scales_by_naive_bayes_as_the_shipped_model_was(
        lang: str) -> None:
    # ``python -m bench.train_topics --lang X`` must rebuild the kind of model whose figures
    # were judged: one fitted with or without naive Bayes scaling (L88), its ratios smoothed as
    # they were (L91), at the regularisation it was judged with (L94, L96).
    from bot.answering import topic_model

    shipped = topic_model.language_topic_model(lang)
    assert shipped is not None
    assert bool(shipped.meta.get("nb")) == (lang in train_topics.TOPIC_NB)
    assert shipped.meta.get("nb_alpha", 1) == train_topics.TOPIC_NB_ALPHA.get(lang, 1)
    assert shipped.meta["C"] == train_topics.LANGUAGE_C.get(lang, train_topics.C)


def test_topic_ratios_favour_the_words_one_topic_uses() -> None:
    # A word only one topic's questions hold is scaled up; a word every topic holds alike
    # counts for about nothing.
    import numpy as np

    # columns: graffiti, report, dealer
    x = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1]])
    topics = ["asb-report", "asb-report", "drugs-report", "drugs-report"]
    graffiti, report, dealer = train_topics.topic_ratios(x, topics)[0]
    assert graffiti > 0.5 > report and dealer > 0.5


@pytest.mark.parametrize("lang", ["pl", "ur", "pa"])
def test_a_language_crisis_retrain_builds_the_kind_of_model_that_ships(lang: str) -> None:
    # ``python -m bench.train_crisis --lang X`` must rebuild the kind of model whose threshold
    # was chosen (i18n.SURE_SCORES): plain, or a mix of a plain and a naive Bayes-scaled fit
    # (L89) with the scaled fit's share it was judged with (L90).
    from bot.answering import i18n

    shipped = i18n.crisis_model(lang)
    assert shipped is not None
    assert (shipped.meta.get("blend") == "plain+nb") == (lang in train_crisis.BLEND_LANGUAGES)
    if lang in train_crisis.BLEND_LANGUAGES:
        assert shipped.meta.get("nb_share", 0.5) == train_crisis.BLEND_LANGUAGES[lang]
    assert bool(shipped.meta.get("nb")) == (lang in train_crisis.NB_LANGUAGES)


def test_naive_bayes_ratios_favour_the_words_crises_use() -> None:
    # A word only crises hold is scaled up for the crisis side, one only calm messages hold
    # the other way, and a word both hold evenly counts for about nothing.
    import numpy as np

    # columns: stab, now, bins
    x = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1]])
    stab, now, bins = train_crisis.nb_ratios(x, ["danger", "danger", "none", "none"])[0]
    assert stab > 0.5 > abs(now) and bins < -0.5


def test_a_knobs_spec_names_each_languages_value() -> None:
    # CRISIS_BLEND="pa,ur=0.2": a bare language is L89's even mix, a number its scaled share;
    # a knob with no bare default refuses a language without a value instead of guessing.
    from bench.common import per_language

    assert per_language("pa,ur=0.2", bare=0.5) == {"pa": 0.5, "ur": 0.2}
    assert per_language("pl=25,ur=25") == {"pl": 25.0, "ur": 25.0}
    assert per_language("") == {}
    with pytest.raises(ValueError, match="pl needs a value"):
        per_language("pl")
