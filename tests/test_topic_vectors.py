"""Word vectors in the topic model: "can a PCSO search you" and "can a community support
officer search you" share few n-grams, but their words' vectors are close, so a word the
model never saw with a topic still leans the way words of like meaning do. The vectors ship
as one signed byte per dimension (``bot/answering/word_vectors.bin``) and are read with no
numpy; a model trained without them never reads the file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.answering import topic_model
from bot.answering.topic_model import TopicModel, WordVectors


def test_the_vector_file_round_trips_within_a_byte_of_precision(tmp_path: Path) -> None:
    table = {"racket": [0.9, -0.2, 0.05], "blade": [-0.7, 0.4, 0.0], "ünïcode": [0.1, 0.1, 0.1]}
    path = tmp_path / "v.bin"
    WordVectors.write(path, table)
    vectors = WordVectors(path)
    assert vectors.dims == 3
    assert vectors.get("missing") is None
    for word, vector in table.items():
        back = vectors.get(word)
        assert back is not None
        for x, y, scale in zip(vector, back, vectors.scales, strict=True):
            assert abs(x - y) <= scale / 2 + 1e-12


@pytest.fixture
def vectors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WordVectors:
    path = tmp_path / "v.bin"
    # "racket" leans to noise, "blade" to knives; "quiet" has a vector of zeros.
    WordVectors.write(path, {"racket": [1.0, 0.0], "blade": [-1.0, 0.0], "quiet": [0.0, 0.0]})
    loaded = WordVectors(path)
    monkeypatch.setattr(topic_model, "shipped_word_vectors", lambda: loaded)
    return loaded


def _model(with_vectors: bool) -> TopicModel:
    # No n-gram knows "racket" or "blade": only the mean vector's weights (row v0) can tell.
    return TopicModel(["noise", "knife"], [0.0, 0.0],
                      {"v0": [(0, 4.0), (1, -4.0)], "v1": [(0, 0.0), (1, 0.0)]},
                      {"vectors": "v.bin"} if with_vectors else {})


def test_a_word_never_seen_with_a_topic_leans_the_way_its_vector_does(vectors: WordVectors) -> None:
    model = _model(with_vectors=True)
    assert model.guess("racket").topic == "noise"
    assert model.guess("blade").topic == "knife"


def test_each_content_word_is_worth_its_share_of_the_message(vectors: WordVectors) -> None:
    model = _model(with_vectors=True)
    # Content words: racket, zzkx (no vector: counts in the share, adds nothing); "the" is a
    # function word. Logits: noise 4 / 2 = 2, knife -2.
    guess = model.guess("the racket zzkx")
    assert math.isclose(guess.probability, math.exp(2) / (math.exp(2) + math.exp(-2)),
                        rel_tol=1e-6)


def test_a_model_without_vectors_ignores_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def never() -> WordVectors:
        raise AssertionError("a model trained without vectors read the vector file")

    monkeypatch.setattr(topic_model, "shipped_word_vectors", never)
    guess = _model(with_vectors=False).guess("racket")
    assert math.isclose(guess.probability, 0.5)


def test_a_model_trained_with_vectors_refuses_to_load_without_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topic_model, "VECTORS_PATH", tmp_path / "missing.bin")
    path = tmp_path / "m.tsv"
    _model(with_vectors=True).save(path)
    with pytest.raises(FileNotFoundError, match="word vectors"):
        TopicModel.load(path)
    _model(with_vectors=False).save(path)
    assert TopicModel.load(path).classes == ["noise", "knife"]


def test_the_shipped_vectors_are_read_from_the_configured_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v.bin"
    WordVectors.write(path, {"racket": [1.0, 0.0]})
    monkeypatch.setattr(topic_model, "VECTORS_PATH", path)
    topic_model.shipped_word_vectors.cache_clear()
    try:
        vectors = topic_model.shipped_word_vectors()
        assert vectors is not None and vectors.get("racket") is not None
    finally:
        topic_model.shipped_word_vectors.cache_clear()
