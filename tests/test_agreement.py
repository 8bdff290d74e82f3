"""Study A25 (tests/data/corpus/README.md): the readers' labels are whole and valid, and the
figures the READMEs report are the ones ``python -m bench.agreement`` computes from them."""

from __future__ import annotations

from bench import agreement
from bot.knowledge import KnowledgeBase
from tests.conftest import ROOT


def test_every_study_item_still_has_its_corpus_label_and_four_readers() -> None:
    gold = agreement.gold_cases()
    assert sorted(gold) == list(range(1, 501))
    for reader in agreement.READERS:
        ids = set(agreement.labels(reader))
        half = range(1, 251) if reader.startswith("A") else range(251, 501)
        assert ids == set(half), reader


def test_readers_used_only_the_shipped_topics_and_labels(kb: KnowledgeBase) -> None:
    for reader in agreement.READERS:
        for row in agreement.labels(reader).values():
            assert row["label"] in ("topic", "crisis", "out_of_scope"), row
            for topic in [row["topic"], *(row.get("also") or [])]:
                assert topic in kb.topics, (reader, row)
            if row["label"] == "crisis":
                assert row["crisis"] in ("danger", "self_harm", "medical", "fire", "child"), row


def test_the_readmes_report_the_readers_figures_as_computed() -> None:
    line = agreement.readers_against_corpus(agreement.gold_cases())["all"].line()
    assert line == ("746/1000 right (74.6%), crises 136/196, false crises 22/804, "
                    "declined 143/180")
    corpus_readme = " ".join((ROOT / "tests" / "data" / "corpus" / "README.md").read_text(
        encoding="utf-8").split())
    assert line in corpus_readme
    main_readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "746/1000 right (74.6 %), crises 136/196, false crises 22/804, declined 143/180" \
        in main_readme.replace("**", "")
