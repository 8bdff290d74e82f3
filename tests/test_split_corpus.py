"""`python -m bench.split_corpus` never changes the frozen test split."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import split_corpus

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    monkeypatch.setattr(split_corpus, "CORPUS", copy)
    return copy


def test_rebuilding_keeps_the_committed_split(corpus: Path) -> None:
    assert split_corpus.main() == 0
    assert (corpus / "test.yaml").read_bytes() == (CORPUS / "test.yaml").read_bytes()
    assert (corpus / "train.yaml").read_bytes() == (CORPUS / "train.yaml").read_bytes()


def test_a_new_round_not_named_train_is_refused(corpus: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "raw" / "new_round.yaml").write_text(
        '- q: "a brand new question about noise"\n  source: "https://example.org"\n'
        "  label: topic\n  topic: noise\n", encoding="utf-8")
    assert split_corpus.main() == 1
    assert "new_round.yaml" in capsys.readouterr().err
    assert (corpus / "test.yaml").read_bytes() == (CORPUS / "test.yaml").read_bytes()


def test_a_new_training_round_only_adds_to_training(corpus: Path) -> None:
    (corpus / "raw" / "train_round99.yaml").write_text(
        '- q: "a brand new question about noise"\n  source: "https://example.org"\n'
        "  label: topic\n  topic: noise\n", encoding="utf-8")
    assert split_corpus.main() == 0
    assert (corpus / "test.yaml").read_bytes() == (CORPUS / "test.yaml").read_bytes()
    assert "a brand new question about noise" in (corpus / "train.yaml").read_text("utf-8")


def test_an_edit_that_would_move_test_items_writes_nothing(
        corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = corpus / "raw" / "topics_asb_abuse_reporting.yaml"
    first.write_text(first.read_text("utf-8") + '\n- q: "one more first-round question"\n'
                     '  source: "https://example.org"\n  label: topic\n  topic: noise\n',
                     encoding="utf-8")
    assert split_corpus.main() == 1
    assert "frozen test split" in capsys.readouterr().err
    assert (corpus / "test.yaml").read_bytes() == (CORPUS / "test.yaml").read_bytes()


def test_an_item_of_a_later_test_part_never_joins_training(corpus: Path) -> None:
    item = ('- q: "{q}"\n  source: "https://example.org"\n  label: topic\n'
            "  topic: noise\n")
    (corpus / "test99.yaml").write_text(item.format(q="a frozen question about barking"),
                                        encoding="utf-8")
    (corpus / "raw" / "train_round99.yaml").write_text(
        item.format(q="A frozen question  about barking")
        + item.format(q="a brand new question about noise"), encoding="utf-8")
    assert split_corpus.main() == 0
    training = (corpus / "train.yaml").read_text("utf-8").lower()
    assert "a brand new question about noise" in training
    assert "a frozen question" not in training
