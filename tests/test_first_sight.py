"""bench.first_sight scores a new batch of training messages before anything learns from it."""

from __future__ import annotations

from pathlib import Path

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
