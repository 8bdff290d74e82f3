"""Matching residents' own words to the right answer."""

import pytest

from bot.answering.answer import Responder
from bot.answering.matching import Matcher
from bot.knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("how do i report anti social behavior", "asb-report"),
        ("who do i ring about yobs hanging round the shops", "asb-report"),
        ("someone dumped a mattress in the alley", "fly-tipping"),
        ("my neighbour plays loud music every night", "noise"),
        ("i was called a racist name on the bus", "hate-crime-report"),
        ("domestic violence helpline number", "domestic-abuse-support"),
        ("why is domestic abuse a priority", "domestic-abuse"),
        ("knife crime figures", "knife-crime"),
        ("free home fire safety check", "safe-and-well"),
        ("how do i report a crime without giving my name", "anonymous"),
        ("what does trent and dove do", "partner-trent-dove"),
        ("what is cuckooing", {"county-lines-explained", "cuckooing-report"}),
    ],
)
def test_residents_wording_finds_the_topic(responder: Responder, question: str,
                                           topic: str | set[str]) -> None:
    reply = responder.answer(question)
    allowed = topic if isinstance(topic, set) else {topic}
    assert reply.topic in allowed, (question, reply.topic, reply.confidence)


@pytest.mark.parametrize(
    ("typo", "topic"),
    [
        ("how do i reprot anti socail behavour", "asb-report"),
        ("domestik abuse helpline", "domestic-abuse-support"),
        ("flytiping", "fly-tipping"),
    ],
)
def test_typos_still_match(responder: Responder, typo: str, topic: str) -> None:
    assert responder.answer(typo).topic == topic


@pytest.mark.parametrize(
    "question",
    ["what's the weather like tomorrow", "who won the football last night", "asdfgh",
     "best pizza in burton", "how do i pay my council tax", "",
     "what time does tesco in uttoxeter close tonight"],
)
def test_out_of_scope_is_declined_with_menu_and_emergency_line(
    responder: Responder, question: str
) -> None:
    reply = responder.answer(question)
    assert not reply.matched, (question, reply.topic, reply.confidence)
    assert "I can help with" in reply.text
    assert "999" in reply.text


def test_confidence_is_in_unit_interval_and_orders_matches(responder: Responder) -> None:
    good = responder.answer("how do i report anti social behaviour")
    vague = responder.answer("behaviour")
    none = responder.answer("qwertyuiop asdfgh")
    # The weather is now declined as out of scope, confidently: still never an answer.
    weather = responder.answer("weather tomorrow")
    for r in (good, vague, none, weather):
        assert 0.0 <= r.confidence <= 1.0
    assert good.confidence > none.confidence
    assert not weather.matched and weather.to_json()["matched"] is False


def test_threshold_is_configurable(kb: KnowledgeBase) -> None:
    # The matcher's threshold; the topic model, asked below it, has settings of its own.
    question = "kids causing trouble"
    lenient = Responder(kb, threshold=0.05, topic_model=False).answer(question)
    strict = Responder(kb, threshold=0.99, topic_model=False).answer(question)
    assert lenient.matched
    assert not strict.matched


def test_close_answers_are_offered_as_suggestions(kb: KnowledgeBase) -> None:
    matcher = Matcher(kb, threshold=0.3, suggest_margin=0.5)
    result = matcher.match("domestic abuse")
    assert result.best is not None
    assert result.suggestions, "a wide margin must surface runners-up"
    assert all(s.id != result.best.id for s in result.suggestions)
    narrow = Matcher(kb, threshold=0.3, suggest_margin=0.0).match("knife crime figures")
    assert narrow.suggestions == []


def test_unmatched_reply_may_suggest_near_misses(kb: KnowledgeBase) -> None:
    result = Matcher(kb, threshold=0.9).match("abuse")
    assert result.best is None
    assert result.suggestions


@pytest.mark.parametrize(
    ("name", "ward"),
    [("stapenhil", "ward:stapenhill"), ("Stapenhill", "ward:stapenhill"),
     ("eton prk", "ward:eton-park"), ("SHOBNALL", "ward:shobnall"),
     ("anglesy", "ward:anglesey")],
)
def test_ward_names_match_fuzzily(kb: KnowledgeBase, name: str, ward: str) -> None:
    assert Matcher(kb).match_area(name) == ward


def test_unknown_place_is_not_forced_onto_a_ward(kb: KnowledgeBase) -> None:
    assert Matcher(kb).match_area("Timbuktu") is None


def test_ward_question_answers_about_that_ward(responder: Responder) -> None:
    reply = responder.answer("is stapenhil a priority area")
    assert "Stapenhill" in reply.text


def test_place_without_figures_gets_honest_answer_and_borough_figures(
    responder: Responder,
) -> None:
    reply = responder.unknown_area_reply("Nowhereville")
    assert "no ward figures" in reply.text
    assert "53.4" in reply.text


def test_kinds_restrict_answers(responder: Responder) -> None:
    reply = responder.answer("domestic abuse", kinds=frozenset({"report"}))
    assert reply.topic is not None
    assert responder.kb.topics[reply.topic].kind == "report"


def _labelled(name: str) -> list[tuple[str, set[str]]]:
    from tests.conftest import ROOT

    out = []
    for line in (ROOT / "tests" / "data" / name).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            question, expected = line.rsplit(" => ", 1)
            out.append((question, set(expected.split())))
    return out


def test_held_out_resident_questions(responder: Responder) -> None:
    """Questions written without seeing the knowledge base's own examples: every crisis is
    caught, nothing else is treated as one, and most get the right answer or an honest
    'I can help with...'."""
    right = crises = caught = false_crises = 0
    for question, expected in _labelled("heldout_questions.txt"):
        reply = responder.answer(question)
        if "CRISIS" in expected:
            crises += 1
            caught += reply.crisis is not None
            continue
        false_crises += reply.crisis is not None
        right += (reply.topic if reply.matched else "NONE") in expected
    total = sum(1 for _, e in _labelled("heldout_questions.txt") if "CRISIS" not in e)
    assert caught == crises
    assert false_crises == 0
    assert right / total >= 0.85, f"{right}/{total}"


@pytest.mark.parametrize(
    ("question", "ward"),
    [("does the partnership cover eton prk", "ward:eton-park"),
     ("crime in burtn town", "ward:burton-town")],
)
def test_misspelt_two_word_ward_in_a_sentence(responder: Responder, question: str,
                                              ward: str) -> None:
    assert responder.answer(question).topic == ward
