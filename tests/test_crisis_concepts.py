"""Concept features: a crisis model can weigh *pairs* of ideas (harm with "now", harm with
"years ago"), which word n-grams alone cannot. Only a model whose header asks for them gets
them, so a model trained without them scores exactly as it did."""

from __future__ import annotations

from bot.answering.crisis import corrected
from bot.answering.crisis_model import NONE, CrisisModel, features


def test_pairs_of_concepts_are_features_only_when_asked_for() -> None:
    text = corrected("he's hitting me right now")
    with_concepts = features(text, concepts=True)
    assert {"k:harm", "k:now", "k:harm&now", "k:harm&self"} <= set(with_concepts)
    assert not any(key.startswith("k:") for key in features(text))


def _model(concepts: bool) -> CrisisModel:
    # One weight: harm happening now is a danger; harm in the past is not.
    return CrisisModel(["danger", NONE], [0.0, 0.0],
                       {"k:harm&now": [30.0, -30.0], "k:harm&past": [-30.0, 30.0]},
                       {"concepts": True} if concepts else {})


def test_a_model_trained_with_concepts_tells_now_from_the_past() -> None:
    model = _model(concepts=True)
    now = model.score(corrected("my brother is punching me downstairs now"))
    past = model.score(corrected("my brother punched me years ago"))
    assert now.crisis > 0.9
    assert past.crisis < 0.1


def test_a_model_trained_without_them_never_sees_them() -> None:
    model = _model(concepts=False)
    assert model.score(corrected("my brother is punching me downstairs now")).crisis == 0.5
