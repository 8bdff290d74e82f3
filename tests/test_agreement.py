"""Study A25 (tests/data/corpus/README.md): the readers' labels are whole and valid, and the
figures the READMEs report are the ones ``python -m bench.agreement`` computes from them."""

from __future__ import annotations

from bench import agreement
from bot.answering.evaluation import load_cases
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


def test_study_l26_readers_labelled_every_blind_item_of_their_language(kb: KnowledgeBase) -> None:
    for group, pair in agreement.L26.groups.items():
        gold = agreement.L26.gold(group)
        # every item of the language's blind sets of the time (the first to the eighth; the
        # later ones came after the study), each once
        of_the_time = {"blind", *(f"blind{n}" for n in range(2, 9))}
        blind = [p for p in sorted((ROOT / "tests" / "data" / "lang").glob(f"blind*/{group}.yaml"))
                 if p.parent.name in of_the_time]
        assert len(gold) == sum(len(load_cases(p)) for p in blind)
        for reader in pair:
            rows = agreement.L26.labels(reader)
            assert set(rows) == set(gold), reader
            for row in rows.values():
                assert row["label"] in ("topic", "crisis", "out_of_scope"), row
                for topic in [row["topic"], *(row.get("also") or [])]:
                    assert topic in kb.topics, (reader, row)


def test_the_language_readme_reports_study_l26_as_computed() -> None:
    found = agreement.readers_against_set(agreement.L26)
    line = found["all"].line()
    assert line == "2409/2752 right (87.5%), crises 1014/1014, false crises 4/1738, declined 0/0"
    readme = " ".join((ROOT / "tests" / "data" / "lang" / "README.md").read_text(
        encoding="utf-8").split())
    assert line.removesuffix(", declined 0/0") in readme
    for reader in agreement.L26.readers:
        f = found[reader]
        assert (f"{f.right}/{f.items} | {f.crises}/{f.crisis_items} | "
                f"{f.false_crises}/{f.calm_items} |") in readme, reader
