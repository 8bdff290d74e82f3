"""The faster matcher (issue 15) answers exactly as the matcher before it.

``bench/matching_before.py`` is the old matcher, unchanged. ``make bench`` compares every
question of every evaluation set at 1x, 10x and 100x; here a sample keeps ``make test`` fast.
No timings: speed is ``make bench``'s business.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bench import equivalence
from bench.speed import synthetic
from bot.answering import matching
from bot.knowledge import KnowledgeBase


@pytest.fixture(scope="module")
def sample() -> list[str]:
    # Every 7th question of every set: a few hundred, wide-ranging, stable.
    return [q for qs in equivalence.question_sets().values() for q in qs[::7]]


@pytest.mark.parametrize("vectorised", [False, True], ids=["loop", "numpy"])
def test_same_answers_as_before_on_the_shipped_knowledge(
        kb: KnowledgeBase, sample: list[str], vectorised: bool) -> None:
    assert len(sample) > 200
    assert equivalence.compare(kb, sample, vectorised=vectorised) == []


def test_same_answers_as_before_on_a_knowledge_base_ten_times_larger(
        kb: KnowledgeBase, sample: list[str]) -> None:
    # Perturbed clones of every topic: many near-equal coverages, so ties must be broken
    # in the old order, and common words take the narrowed path.
    big = synthetic(kb, 10)
    assert equivalence.compare(big, sample[::3], vectorised=True) == []


def test_shipped_knowledge_base_is_scored_without_numpy(kb: KnowledgeBase) -> None:
    matcher = matching.Matcher(kb)
    assert not matcher.vectorised and matcher._arrays is None


def test_a_cached_index_answers_the_same_and_follows_the_content(
        kb: KnowledgeBase, sample: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(matching.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(matching, "CACHE_MIN_PHRASES", 0)
    built = matching.Matcher(kb)
    assert len(list(tmp_path.glob("index-*.marshal"))) == 1
    cached = matching.Matcher(kb)
    questions = sample[::4]
    assert ([equivalence.answer(cached, q) for q in questions]
            == [equivalence.answer(built, q) for q in questions])
    # An edited knowledge base (a question appended to a topic) is a new index.
    topic = next(iter(kb.topics.values()))
    edited = dataclasses.replace(kb, topics={**kb.topics, topic.id: topic.model_copy(
        update={"questions": [*topic.questions, "zebra crossing wombat"]})})
    assert "wombat" in matching.Matcher(edited)._vocab
    assert len(list(tmp_path.glob("index-*.marshal"))) == 2


def test_a_knowledge_base_from_files_is_cached_by_their_content(
        kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Loaded from files, the key is their texts' digest (no hashing of every topic): an
    # edited file, even with the same size and time, is a new index; the same texts in
    # another folder find the one already built.
    import shutil

    from bot.knowledge import load_knowledge

    monkeypatch.setenv(matching.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(matching, "CACHE_MIN_PHRASES", 0)
    folder = tmp_path / "kb"
    shutil.copytree(kb.source_dir, folder)
    first = load_knowledge(folder)
    assert first.digest is not None and first.digest == kb.digest
    assert dataclasses.replace(first, places=list(first.places)).digest is None
    matching.Matcher(first)
    assert len(list((tmp_path / "cache").glob("index-*.marshal"))) == 1
    matching.Matcher(load_knowledge(kb.source_dir))  # same texts elsewhere: a hit
    assert len(list((tmp_path / "cache").glob("index-*.marshal"))) == 1
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    assert "      - how do i report" in text
    report.write_text(text.replace("      - how do i report",
                                   "      - how do i wombat", 1), encoding="utf-8")
    edited = load_knowledge(folder)
    assert edited.digest != first.digest
    assert "wombat" in matching.Matcher(edited)._vocab
    assert len(list((tmp_path / "cache").glob("index-*.marshal"))) == 2


def test_an_unreadable_cache_is_rebuilt(kb: KnowledgeBase, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(matching.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(matching, "CACHE_MIN_PHRASES", 0)
    matching.Matcher(kb)
    (path,) = tmp_path.glob("index-*.marshal")
    path.write_bytes(b"not a cached index")
    assert matching.Matcher(kb).match("how do i report fly tipping").best is not None


@pytest.mark.parametrize("vectorised", [False, True], ids=["loop", "numpy"])
def test_every_feature_of_every_shortlisted_entry_is_the_same_to_the_last_bit(
        kb: KnowledgeBase, vectorised: bool) -> None:
    # Stricter than the rounded confidences: phrasing (the set/sort bound that skips
    # rapidfuzz calls), coverage and the rest, float for float, on every question we hold.
    from bench import matching_before

    before = matching_before.Matcher(kb)
    after = matching.Matcher(kb, vectorised=vectorised)
    questions = [q for qs in equivalence.question_sets().values() for q in qs]
    assert len(questions) > 2000
    for q in questions:
        assert ([(e, dataclasses.astuple(f)) for e, f in after.features(q)]
                == [(e, dataclasses.astuple(f)) for e, f in before.features(q)]), q


def test_an_index_read_from_the_cache_is_the_index_built(
        kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cache keeps postings as raw arrays and builds entries when asked for: key for
    # key, in the same order, float for float, it must be what a build gives.
    monkeypatch.setenv(matching.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(matching, "CACHE_MIN_PHRASES", 0)
    big = synthetic(kb, 10)
    built = matching._build_index(big, matching._raw_entries(big))
    matching._load_index(big)  # writes the cache
    cached = matching._load_index(big)
    assert "columns" in cached
    for part in ("entries", "sorted_phrases", "postings"):
        assert list(cached[part]) == list(built[part]), part
        assert all(cached[part][k] == v for k, v in built[part].items()), part
    for part in ("idf", "vocab", "area_names", "area_stems"):
        assert list(cached[part].items()) == list(built[part].items()), part


@pytest.mark.parametrize("vectorised", [False, True], ids=["loop", "numpy"])
def test_a_matcher_from_the_cache_scores_to_the_last_bit_as_one_built(
        kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        vectorised: bool) -> None:
    monkeypatch.setenv(matching.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(matching, "CACHE_MIN_PHRASES", 0)
    big = synthetic(kb, 10)
    built = matching.Matcher(big, vectorised=vectorised)
    assert built._columns is None
    cached = matching.Matcher(big, vectorised=vectorised)
    assert cached._columns is not None
    questions = [q for qs in equivalence.question_sets().values() for q in qs[::3]]
    for q in questions:
        assert ([(e, dataclasses.astuple(f)) for e, f in cached.features(q)]
                == [(e, dataclasses.astuple(f)) for e, f in built.features(q)]), q


def test_an_unwritable_cache_folder_still_answers_and_only_notes_it(
        kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # systemd's ProtectHome or a read-only container: the index is built in memory, the
    # answers are the same, and the log holds a note, not a warning on every start.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv(matching.CACHE_ENV, str(blocker / "cache"))
    with caplog.at_level("INFO", logger=matching.__name__):
        matcher = matching.Matcher(kb)
    assert matcher.match("how do i report fly tipping").best is not None
    notes = [r for r in caplog.records if "not written" in r.getMessage()]
    assert notes and all(r.levelname == "INFO" for r in notes)
