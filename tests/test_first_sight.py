"""bench.first_sight scores a new batch of training messages before anything learns from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.first_sight import cases, summary
from bot.answering.answer import Responder
from bot.answering.evaluation import evaluate


def test_a_language_batch_is_judged_as_residents_would_be_answered(
        tmp_path: Path, responder: Responder) -> None:
    batch = tmp_path / "new_pl.yaml"
    batch.write_text(
        '- {q: "Pomocy, mąż mnie bije", label: crisis, crisis: danger}\n'
        '- {q: "ile było kradzieży w Burton w zeszłym roku", label: none}\n'
        '- {q: "gdzie zgłosić handel narkotykami na osiedlu", topic: drugs-report}\n',
        encoding="utf-8")
    found = cases(batch)
    assert [c.crisis for c in found] == [True, False, False]
    assert found[2].topics == ("drugs-report",)
    text = summary("new_pl", evaluate(found, lambda q: responder.answer(q).to_json()))
    assert "crises flagged: 1/1" in text
    assert "false crises: 0/2" in text


def test_a_corpus_batch_keeps_the_corpus_judgement(tmp_path: Path, responder: Responder) -> None:
    batch = tmp_path / "round.yaml"
    batch.write_text(
        '- q: "when do the bins get collected"\n'
        '  source: "https://example.org"\n'
        '  label: out_of_scope\n'
        '  service: bins\n', encoding="utf-8")
    text = summary("round", evaluate(cases(batch), lambda q: responder.answer(q).to_json()))
    assert "out of scope declined: 1/1" in text


def test_a_candidate_model_is_scored_instead_of_the_shipped_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from bench import first_sight
    from bot.answering import crisis as rules
    from bot.answering import topic_model as tm
    from bot.answering.crisis_model import CrisisModel

    # first_sight swaps the models for its process; put them back after this test.
    monkeypatch.setattr(rules, "shipped_model", rules.shipped_model)
    monkeypatch.setattr(rules, "SURE_SCORE", rules.SURE_SCORE)
    monkeypatch.setattr(tm, "shipped_topic_model", tm.shipped_topic_model)
    batch = tmp_path / "round.yaml"
    batch.write_text('- q: "someone dumped an old mattress on our street"\n'
                     '  source: "https://example.org"\n  label: topic\n  topic: fly-tipping\n',
                     encoding="utf-8")
    assert first_sight.main([str(batch)]) == 0
    assert "false crises: 0/1" in capsys.readouterr().out
    alarmist = tmp_path / "alarmist.tsv"
    CrisisModel(["danger", "none"], [5.0, -5.0], {}).save(alarmist)  # everything is a crisis
    assert first_sight.main(["--crisis-model", str(alarmist), "--sure", "0.5", str(batch)]) == 0
    assert "false crises: 1/1" in capsys.readouterr().out


def test_candidate_topic_thresholds_are_used_and_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import first_sight
    from bot.answering import topic_model as tm

    for name in ("TAKE_OVER_NOTHING", "TAKE_OVER_UNSURE", "UNSURE_BELOW"):
        monkeypatch.setattr(tm, name, getattr(tm, name))
    batch = tmp_path / "round.yaml"
    batch.write_text('- {q: "gdzie zgłosić handel narkotykami", topic: drugs-report}\n',
                     encoding="utf-8")
    assert first_sight.main(["--topic-thresholds", "0.1,0.3,1.01", str(batch)]) == 0
    assert (tm.TAKE_OVER_NOTHING, tm.TAKE_OVER_UNSURE, tm.UNSURE_BELOW) == (0.1, 0.3, 1.01)
    with pytest.raises(SystemExit) as exit_info:
        first_sight.main(["--topic-thresholds", "0.1,0.3", str(batch)])
    assert exit_info.value.code == 2


def test_development_sets_and_the_union_of_several_parts_are_scored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import first_sight

    # The development sets' format (expect/crisis/matched), as csp-bot eval reads it.
    dev = tmp_path / "dev.yaml"
    dev.write_text('- q: "my husband is hitting me right now"\n  crisis: true\n'
                   '- q: "when are the bins collected"\n  matched: false\n', encoding="utf-8")
    part = tmp_path / "part.yaml"
    part.write_text('- q: "when do the bins get collected"\n  source: "https://example.org"\n'
                    '  label: out_of_scope\n  service: bins\n', encoding="utf-8")
    assert first_sight.main([str(dev), str(part)]) == 0
    out = capsys.readouterr().out
    assert "crises flagged: 1/1" in out
    # Both files' out-of-scope questions count together on the union's line.
    assert "together: 3 items, 100.0% right" in out
    assert "out of scope declined: 2/2" in out.split("together")[1]


def test_a_crisis_given_another_kinds_advice_is_counted_apart(
        tmp_path: Path, responder: Responder) -> None:
    # Both are caught (999 first), so both are right; but only the first gets the advice
    # of its kind: the kinds figure is the one that tells the two apart.
    batch = tmp_path / "round.yaml"
    batch.write_text(
        '- {q: "I want to kill myself", source: "https://example.org", label: crisis, '
        'crisis: self_harm}\n'
        '- {q: "I want to kill myself", source: "https://example.org/2", label: crisis, '
        'crisis: fire}\n', encoding="utf-8")
    report = evaluate(cases(batch), lambda q: responder.answer(q).to_json())
    assert report.accuracy == 1.0
    assert report.kinds_right == (1, 2)
    assert "crisis kinds right: 1/2" in summary("round", report)
