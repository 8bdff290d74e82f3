"""The topic model: a second opinion where the matcher is unsure, and only there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.answering import topic_model
from bot.answering.answer import Responder
from bot.answering.topic_model import Guess, TopicModel
from bot.knowledge import KnowledgeBase
from tests.conftest import ROOT


class _Fixed:
    """A model that always guesses the same topic, and counts how often it is asked."""

    def __init__(self, topic: str, probability: float) -> None:
        self.answer = Guess(topic, probability)
        self.asked = 0

    def guess(self, corrected: str) -> Guess:
        self.asked += 1
        return self.answer


@pytest.fixture
def fixed(monkeypatch: pytest.MonkeyPatch) -> _Fixed:
    model = _Fixed("noise", 0.9)
    monkeypatch.setattr(topic_model, "shipped_topic_model", lambda: model)
    return model


def test_a_complaint_in_words_no_example_uses_finds_its_topic(kb: KnowledgeBase) -> None:
    # No "noise", "loud" or "music": the matcher alone guesses anti-social behaviour.
    text = "we cant put up with the racket next door any longer"
    alone = Responder(kb, topic_model=False).answer(text)
    helped = Responder(kb).answer(text)
    assert alone.topic != "noise"
    assert helped.topic == "noise" and helped.matched


def test_a_confident_answer_is_never_replaced(kb: KnowledgeBase, fixed: _Fixed) -> None:
    text = "how do I report fly tipping"
    alone = Responder(kb, topic_model=False).answer(text)
    reply = Responder(kb).answer(text)
    assert alone.confidence >= topic_model.UNSURE_BELOW
    assert reply.topic == alone.topic != "noise"
    assert fixed.asked == 0


def test_an_unsure_or_missing_answer_takes_the_models_topic(kb: KnowledgeBase,
                                                           fixed: _Fixed) -> None:
    reply = Responder(kb).answer("zzkx qwv blorp")
    assert fixed.asked == 1
    assert reply.topic == "noise" and reply.matched


def test_a_weak_guess_leaves_the_menu(kb: KnowledgeBase, fixed: _Fixed) -> None:
    fixed.answer = Guess("noise", topic_model.TAKE_OVER_NOTHING - 0.01)
    reply = Responder(kb).answer("zzkx qwv blorp")
    assert not reply.matched and reply.topic is None


def test_a_topic_the_knowledge_base_lacks_is_ignored(kb: KnowledgeBase, fixed: _Fixed) -> None:
    fixed.answer = Guess("no-such-topic", 0.99)
    reply = Responder(kb).answer("zzkx qwv blorp")
    assert not reply.matched


def test_crises_menus_and_a_switched_off_model_never_ask_it(kb: KnowledgeBase,
                                                          fixed: _Fixed) -> None:
    crisis = Responder(kb).answer("he's strangling me")
    assert crisis.crisis is not None and crisis.topic != "noise"
    limited = Responder(kb).answer("zzkx qwv blorp", kinds=frozenset({"report"}))
    assert limited.topic != "noise"
    off = Responder(kb, topic_model=False).answer("zzkx qwv blorp")
    assert not off.matched
    assert fixed.asked == 0


def test_a_named_ward_is_never_replaced(kb: KnowledgeBase, fixed: _Fixed) -> None:
    ward = next(iter(kb.wards.values()))
    reply = Responder(kb).answer(f"crime in {ward.name}")
    assert reply.topic != "noise"


def test_the_model_file_round_trips(tmp_path: Path) -> None:
    model = TopicModel(["a", "b"], [0.0, 0.1], {"w:noise": [(0, 2.5)], "w:knife": [(1, 3.0)]})
    path = tmp_path / "m.tsv"
    model.save(path)
    again = TopicModel.load(path)
    assert again.guess("noise noise") == model.guess("noise noise")
    assert again.guess("knife").topic == "b"


def test_a_confident_ask_never_reads_the_model() -> None:
    code = ("from bot.cli.main import main; from bot.answering import topic_model as t; "
            "main(['ask', 'how do I report fly tipping']); "
            "print('READ', t.shipped_topic_model.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert "READ 0" in out


def test_the_word_by_word_sum_is_the_models_formula() -> None:
    """guess() gathers the sum word by word (fast); it must equal intercept + sum(w * value)
    over the features, as scikit-learn trained it."""
    import math

    from bot.answering.crisis import corrected
    from bot.answering.crisis_model import content_words, features

    model = topic_model.shipped_topic_model()
    assert model is not None
    for text in ["we cant put up with the racket next door any longer",
                 "can a pcso search you", "how many people go missing each year",
                 "noise noise noise", "zzkx qwv blorp", ""]:
        words = corrected(text)
        logits = list(model.intercepts)
        for feature, value in features(words).items():
            for index, weight in model._row(feature) or ():
                logits[index] += weight * value
        if model.meta.get("vectors"):
            # The mean vector of the content words, times its weights (rows v0, v1...).
            vectors = topic_model.shipped_word_vectors()
            assert vectors is not None
            content = content_words(words.split())
            for word in content:
                for d, x in enumerate(vectors.get(word) or ()):
                    for index, weight in model._row(f"v{d}") or ():
                        logits[index] += weight * x / len(content)
        top = max(logits)
        probability = 1 / sum(math.exp(v - top) for v in logits)
        guess = model.guess(words)
        assert guess.topic == model.classes[logits.index(top)]
        assert math.isclose(guess.probability, probability, rel_tol=1e-9)


def test_a_message_in_another_language_is_never_guessed_from_english(kb: KnowledgeBase,
                                                                     fixed: _Fixed) -> None:
    # Words the Polish keywords do not know: the Polish "not sure" menu, not an English
    # topic guessed from Polish words.
    reply = Responder(kb).answer("Czy ktoś wie coś o tym świętym obrazku z kościoła?",
                                 language="pl")
    assert reply.topic != "noise"
    assert fixed.asked == 0


def test_a_languages_own_model_answers_before_its_keywords(kb: KnowledgeBase,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # "przemoc" is a domestic abuse keyword; the model, sure enough, knows the question is
    # about reporting hate crime. Unsure, it leaves the keywords to decide.
    text = "gdzie zgłosić przemoc słowną z powodu mojego pochodzenia"
    model = _Fixed("hate-crime-report", 0.9)
    monkeypatch.setattr(topic_model, "language_topic_model", lambda language: model)
    assert Responder(kb).answer(text, language="pl").topic == "hate-crime-report"
    model.answer = Guess("hate-crime-report", topic_model.LANGUAGE_TAKE_OVER["pl"] - 0.01)
    assert Responder(kb).answer(text, language="pl").topic != "hate-crime-report"
    assert model.asked == 2


def test_each_language_ships_its_topic_model() -> None:
    for language in ("pl", "ur", "pa"):
        model = topic_model.language_topic_model(language)
        assert model is not None, language
        assert "mental-health" in model.classes


def test_made_up_words_cannot_grow_the_word_cache_without_bound() -> None:
    model = TopicModel(["a", "b"], [0.0, 0.0], {"w:real": [(1, 2.0)]})
    for i in range(topic_model._MAX_WORDS_KEPT + 500):
        model.guess(f"real madeup{i}")
    assert len(model._words) == topic_model._MAX_WORDS_KEPT
    assert model.guess("real madeup999999").topic == "b"  # still answered, only not kept
