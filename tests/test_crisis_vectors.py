"""Word vectors in the crisis model: a word the n-grams never saw in a crisis can still lean
the way words of like meaning do. The model ships, per word, the weights its vector stands
for (``e:word``), each worth the word's share of the message's content words: so the mean
vector is scored with no vectors at run time, and a model without them scores as before."""

from __future__ import annotations

import math
from pathlib import Path

from bot.answering.crisis import corrected
from bot.answering.crisis_model import NONE, CrisisModel, features


def _model(vectors: bool) -> CrisisModel:
    # "swallowed" was never in a crisis message, but its vector is near "overdose"'s: its row
    # leans to "medical". "biscuits" leans the other way.
    return CrisisModel(["medical", NONE], [0.0, 0.0],
                       {"e:swallowed": [6.0, -6.0], "e:biscuits": [-4.0, 4.0]},
                       {"vectors": True} if vectors else {})


def test_each_content_word_is_worth_its_share_of_the_message() -> None:
    text = corrected("i swallowed the whole packet")
    found = features(text, vectors=True)
    # Content words: i, swallowed, whole, packet ("the" is a function word).
    assert found["e:i"] == found["e:swallowed"] == found["e:whole"] == found["e:packet"] == 1 / 4
    assert "e:the" not in found
    assert not any(key.startswith("e:") for key in features(text))


def test_a_word_vector_moves_the_score_by_its_share() -> None:
    model = _model(vectors=True)
    scores = model.score(corrected("i swallowed the whole packet"))
    # Logits: medical 6/4 = 1.5, none -1.5; the words with no row count in the share and add
    # nothing.
    assert math.isclose(scores.crisis, math.exp(1.5) / (math.exp(1.5) + math.exp(-1.5)))
    calm = model.score(corrected("i ate the biscuits"))
    assert calm.crisis < 0.5 < scores.crisis


def test_a_model_trained_without_vectors_never_reads_the_rows() -> None:
    assert _model(vectors=False).score(corrected("i swallowed the whole packet")).crisis == 0.5


def test_the_word_list_is_built_from_training_text_only(tmp_path: Path) -> None:
    # The vectors' vocabulary must never learn a word from a frozen test part.
    from bench import embed_words

    read = {p for pattern in embed_words.SOURCES for p in embed_words.ROOT.glob(pattern)}
    assert any(p.name == "train.yaml" for p in read)
    assert not any(p.name.startswith("test") for p in read)
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[CLS]\n##ing\nswallowed\nX\n", encoding="utf-8")
    words = embed_words.vocabulary(vocab)
    assert "swallowed" in words and "##ing" not in words and "[CLS]" not in words
