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


def test_a_short_message_is_not_judged_by_its_few_vectors_alone() -> None:
    # With a prior of 3 zero vectors, "swallowed" alone (one content word) pulls a quarter
    # of what it would as the whole mean; in a message of 9 content words the share is 1/12.
    model = CrisisModel(["medical", NONE], [0.0, 0.0], {"e:swallowed": [6.0, -6.0]},
                        {"vectors": True, "vector_prior": 3})
    found = model.score(corrected("swallowed"))
    assert math.isclose(found.crisis, math.exp(1.5) / (math.exp(1.5) + math.exp(-1.5)))
    # A model whose header has no prior scores as before: the word is the whole mean.
    assert _model(vectors=True).score(corrected("swallowed")).crisis > found.crisis


def test_vector_rows_are_found_in_the_file_without_a_dict_of_them(tmp_path: Path) -> None:
    # The ~24,000 e: rows stay one sorted list (bisected) until a message uses one; the
    # scores are those of the whole file read into a dict.
    from bot.answering.crisis_model import read_weights

    rows = {"b:he hit": [1.0, -1.0], "c3:<sw": [0.5, 0.0], "e:swallowed": [6.0, -6.0],
            "e:swallow": [2.0, -2.0], "e:zz": [1.0, 1.0], "w:packet": [0.25, 0.0]}
    path = tmp_path / "m.tsv"
    CrisisModel(["medical", NONE], [0.0, 0.0], rows, {"vectors": True}).save(path)
    lazy = CrisisModel.load(path)
    head, eager_rows = read_weights(path)
    eager = CrisisModel(head["classes"], head["intercepts"], eager_rows, head["meta"])
    for text in ("i swallowed the whole packet", "swallow", "he hit me", "zz", "nothing"):
        assert lazy.score(corrected(text)) == eager.score(corrected(text)), text
    assert lazy.weights == eager.weights == rows
    again = tmp_path / "again.tsv"
    lazy.save(again)
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
