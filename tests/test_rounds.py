"""bench.rounds: assembling a frozen part and cleaning training files, on a corpus of our own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench import rounds


def _write(path: Path, items: list[dict[str, str]], head: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + yaml.safe_dump(items, sort_keys=False), encoding="utf-8")


def _item(q: str, page: str = "https://example.org/a") -> dict[str, str]:
    return {"q": q, "source": page, "label": "topic", "topic": "noise"}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    _write(root / "test.yaml", [_item("my neighbour plays loud music", "https://www.x.org/p1/")])
    _write(root / "train.yaml", [_item("who do I tell about graffiti")])
    _write(root / "raw" / "train_round1.yaml", [_item("bins not collected")])
    return root


def test_freeze_keeps_new_words_once_and_never_rewrites_a_part(corpus: Path) -> None:
    _write(corpus / "test9_raw" / "a.yaml", [
        _item("My neighbour plays  LOUD music"),  # already a frozen item, case and spaces aside
        _item("someone keeps kicking my door"),
        _item("someone keeps kicking my door"),  # twice in the helpers' files
    ])
    _write(corpus / "test9_raw" / "b.yaml", [_item("who do i tell about graffiti"),
                                            _item("is there a pcso for my street")])
    out, kept, dropped = rounds.freeze("9", corpus, development=[])
    assert [i["q"] for i in kept] == ["someone keeps kicking my door",
                                      "is there a pcso for my street"]
    assert dropped == 3
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Round 9") and yaml.safe_load(text) == kept
    with pytest.raises(FileExistsError):
        rounds.freeze("9", corpus, development=[])
    assert out.read_text(encoding="utf-8") == text


def test_clean_drops_what_a_frozen_part_holds_and_keeps_the_files_notes(corpus: Path) -> None:
    path = corpus / "raw" / "train_round9_crisis.yaml"
    _write(path, [
        _item("a different post from a frozen part's page", "http://x.org/p1"),
        _item("Who do I tell about graffiti"),  # words already in the training split
        _item("there is smoke coming from the flat below"),
    ], head="# collected by a helper\n# two doubtful items kept\n")
    assert rounds.clean(path, corpus) == (1, 2)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# collected by a helper\n# two doubtful items kept\n# bench.rounds")
    assert [i["q"] for i in yaml.safe_load(text)] == ["there is smoke coming from the flat below"]


def test_the_command_line_reports_a_missing_round_on_stderr(capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    assert rounds.main(["freeze", "no-such-round"]) == 1
    assert "no helper files" in capsys.readouterr().err
    assert not (rounds.CORPUS / "testno-such-round.yaml").exists()


def test_the_dump_reads_no_frozen_part_or_language_judge() -> None:
    names = {name for name, _ in rounds.training_texts()}
    assert "train.yaml" in names and "everyday_messages.txt" in names
    assert not any(name.startswith("test") for name in names)
    assert not any("real" in name or "blind" in name for name in names)


def test_the_language_dump_reads_training_messages_only() -> None:
    found = rounds.language_texts()
    assert {lang for _, lang, _ in found} == {"pl", "ur", "pa"}
    assert {name.split("/")[0] for name, _, _ in found} == {"train", "pending"}
