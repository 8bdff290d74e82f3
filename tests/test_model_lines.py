"""The shipped model files are read as sorted lines and bisected (see
:class:`bot.answering.crisis_model.SortedRows`), which saves a cold ``csp-bot ask`` the
hashing of up to 90,000 lines. That is only right while every file stays sorted: a file
edited by hand or written by another tool would quietly lose rows, and answers with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import crisis_model, topic_model
from bot.answering.crisis_model import SortedRows, read_weights, read_weights_lazily

MODEL_FILES = sorted(Path(crisis_model.__file__).parent.glob("*_model*.tsv"))


def test_every_shipped_model_file_is_found() -> None:
    names = {path.name for path in MODEL_FILES}
    for language in ("", ".pl", ".ur", ".pa"):
        assert f"crisis_model{language}.tsv" in names
        assert f"topic_model{language}.tsv" in names


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.name)
def test_every_row_of_a_shipped_file_is_found_by_bisection(path: Path) -> None:
    head, rows = read_weights(path)
    lazy_head, lines = read_weights_lazily(path)
    assert lazy_head == head
    assert rows, path.name
    missing = [f for f, text in rows.items() if lines.get(f) != text]
    assert not missing, f"{path.name}: {len(missing)} rows not found, e.g. {missing[:3]}"
    # A prefix of a feature, or a feature with more after it, is not that feature's row.
    for feature in list(rows)[:: max(1, len(rows) // 200)]:
        assert lines.get(feature[:-1]) == rows.get(feature[:-1])
        assert lines.get(feature + "x") == rows.get(feature + "x")


def test_features_found_missing_are_remembered_within_a_bound() -> None:
    lines = SortedRows(["w:a\t1"])
    for i in range(SortedRows.ABSENT_KEPT + 10):
        assert lines.get(f"w:never{i}") is None
    assert len(lines._absent) <= SortedRows.ABSENT_KEPT
    assert lines.get("w:a") == "1"


def test_a_loaded_topic_model_saves_the_same_file(tmp_path: Path) -> None:
    path = topic_model.language_model_path("pl")
    model = topic_model.TopicModel.load(path)
    model.guess("pomocy sasiad halasuje w nocy")  # some rows parsed, most still lines
    again = tmp_path / "again.tsv"
    model.save(again)
    assert again.read_bytes() == path.read_bytes()
