"""Crisis detection: emergency help first, whatever the spelling; statistics are not crises."""

import re
from pathlib import Path

import pytest

from bot.answering.answer import CRISIS_TEXT, Responder
from bot.answering.crisis import CrisisKind, detect_crisis
from bot.knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("he's hitting me right now", CrisisKind.DANGER),
        ("hes hiting me", CrisisKind.DANGER),
        ("my boyfriend is strangling me", CrisisKind.DANGER),
        ("someone is trying to break into my house", CrisisKind.DANGER),
        ("there's a fight outside right now", CrisisKind.DANGER),
        ("he says he will kill me", CrisisKind.DANGER),
        ("someone has a knife outside my flat", CrisisKind.DANGER),
        ("I'm being followed home", CrisisKind.DANGER),
        ("I want to kill myself", CrisisKind.SELF_HARM),
        ("im gonna kil myslef", CrisisKind.SELF_HARM),
        ("i want to end my life", CrisisKind.SELF_HARM),
        ("I feel suicidal", CrisisKind.SELF_HARM),
        ("i dont want to be alive anymore", CrisisKind.SELF_HARM),
        ("my friend has taken an overdose", CrisisKind.MEDICAL),
        ("she took all her tablets", CrisisKind.MEDICAL),
    ],
)
def test_crises_are_detected(text: str, kind: CrisisKind) -> None:
    crisis = detect_crisis(text)
    assert crisis is not None, text
    assert crisis.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "what is the suicide rate in east staffordshire",
        "suicide statistics",
        "how many knife crimes were there",
        "how many people have been stabbed",
        "how do I report domestic abuse",
        "the kids keep kicking my fence",
        "my son is getting into drugs",
        "I want to stop hurting my wife",
        "I get angry and hurt my partner and want to stop",
        "my husband hit me last year, where can I get support",
        "my teenage son has gone missing",
        "what is county lines",
    ],
)
def test_questions_about_harm_are_not_crises(text: str) -> None:
    assert detect_crisis(text) is None, text


def test_crisis_reply_leads_with_999_and_has_no_buttons(responder: Responder) -> None:
    reply = responder.answer("hes hitting me rn")
    assert reply.crisis is not None
    assert reply.text.startswith("If you or someone else is in danger now, call 999")
    assert "55" in reply.text
    assert reply.to_json()["crisis"] is True


def test_self_harm_reply_gives_samaritans(responder: Responder) -> None:
    reply = responder.answer("i want to die")
    assert "116 123" in reply.text.split("\n\n")[0]


def test_crisis_numbers_all_come_from_verified_contacts(kb: KnowledgeBase) -> None:
    known = " ".join(f"{c.phone} {c.notes}" for c in kb.contacts.values())
    for text in CRISIS_TEXT.values():
        for number in re.findall(r"\b\d[\d ]{1,10}\d\b|\b\d{2,3}\b", text):
            assert number.strip() in known, number


@pytest.mark.parametrize(
    "text",
    [
        "hes kicking the door in right now im so scared",
        "my mate took too much and wont wake up",
        "ive got the pills in my hand",
        "someones in my back garden trying the door handles NOW",
        "theres a man following me down the canal",
        "my sister is on the bridge saying shes going to jump",
        "house next door is on fire",
        "i think someones spiked me",
        "i took a whole packet of paracetamol about an hour ago",
        "my husband just punched me and hes still in the house",
        "a man just grabbed a girl and is dragging her into a car",
        "my brother od'd on heroin and hes not responding",
    ],
)
def test_danger_in_residents_own_words(text: str) -> None:
    assert detect_crisis(text) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "i think my mates lad is carrying a blade, what should i do",
        "how can i support someone who was suicidal in the past",
        "i used to self harm, is there somewhere to talk if the urges come back",
        "a man keeps following me home from work, its been weeks",
        "worried about my grandson, I think someone is hurting him at home. who do I ring",
    ],
)
def test_worry_about_the_past_or_others_is_not_an_emergency(text: str) -> None:
    assert detect_crisis(text) is None, text


def test_unsure_answer_is_left_out_of_a_crisis_reply(responder: Responder) -> None:
    """Someone being hurt must not be shown a guess (here: help for abusers)."""
    reply = responder.answer("my carer is hitting me")
    assert reply.crisis is not None
    assert reply.text == reply.crisis_text
    assert "0808 8024 040" not in reply.text  # the Respect phoneline, for perpetrators


def test_sure_answer_follows_the_emergency_help(responder: Responder) -> None:
    reply = responder.answer("I want to kill myself")
    assert reply.matched and reply.text.startswith(reply.crisis_text)


@pytest.mark.parametrize(
    "text",
    [
        # Round 9's real calm messages (training split): figures of speech and looking back.
        "Ahhh, i’m dying for a cup of tea",
        "This job will be the death of me.",
        "My back is so sore, it’s like someone stabbing me in the pelvis when I cough.",
        "I nearly had a heart attack when I opened Saturday's mail.",
        "I need to cut down on my drinking. Where do I start?",
        "What Happens If You Get Caught With A Knife?",
        "Why is my smoke alarm going off if there isn’t a fire in the house?",
        "After Mom survived a suicide attempt this winter, friends brought soup.",
        "Lucy Knight is stabbed in ER season 6, episode 14.",
        "My shoes are trying to kill me!",
    ],
)
def test_figures_of_speech_never_get_the_999_first_reply(text: str) -> None:
    crisis = detect_crisis(text)
    assert crisis is None or not crisis.sure, (text, crisis)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The same words, meant: the figure-of-speech guards must not quiet these.
        ("i am dying, he stabbed me", CrisisKind.DANGER),
        ("he is stabbing me right now", CrisisKind.DANGER),
        ("my dad is having a heart attack", CrisisKind.MEDICAL),
        ("I want to kill myself tonight", CrisisKind.SELF_HARM),
        ("the kitchen is on fire and we can't get out", CrisisKind.FIRE),
    ],
)
def test_the_same_words_meant_are_still_crises(text: str, kind: CrisisKind) -> None:
    crisis = detect_crisis(text)
    assert crisis is not None and crisis.sure, (text, crisis)
    assert crisis.kind == kind


def test_a_figure_of_speech_with_now_in_it_still_errs_towards_help() -> None:
    crisis = detect_crisis("they all told me to kill myself and tonight i am going to")
    assert crisis is not None and crisis.sure


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("he won't stop raping me", CrisisKind.DANGER),
        ("he wont stop hitting my mum", CrisisKind.DANGER),
        ("the place is going up in smoke and there's people trapped", CrisisKind.FIRE),
        ("smoke everywhere, we're trapped upstairs", CrisisKind.FIRE),
    ],
)
def test_ongoing_harm_and_people_trapped_by_fire_are_sure_crises(text: str,
                                                                 kind: CrisisKind) -> None:
    found = detect_crisis(text, use_model=False)
    assert found is not None and found.sure and found.kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "I was trapped in a lift for an hour, no fire though",
        "how many people were trapped in the grenfell fire",
        "my plans went up in smoke",
        "I will not stop hitting the gym",
    ],
)
def test_trapped_or_not_stopping_without_danger_is_not_a_crisis(text: str) -> None:
    found = detect_crisis(text)
    assert found is None or not found.sure


@pytest.mark.parametrize(
    "text",
    [
        "I need to cut the hedge before the council complains",
        "I need to cut down on the drink",
        "we need to cut back on costs",
    ],
)
def test_cutting_the_hedge_or_the_drink_is_not_self_harm(text: str) -> None:
    found = detect_crisis(text)
    assert found is None or not found.sure


def test_needing_to_cut_oneself_is_still_a_crisis() -> None:
    for text in ("I need to cut and I need to hurt", "i need to cut my wrists"):
        found = detect_crisis(text, use_model=False)
        assert found is not None and found.sure and found.kind is CrisisKind.SELF_HARM, text


def _everyday_messages() -> list[str]:
    path = Path(__file__).parent / "data" / "everyday_messages.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def test_everyday_chat_raises_no_sure_alarm() -> None:
    """Plain chat ("ok thank you", "my mum lives in burton", "im fine thanks") is not an
    emergency."""
    alarms = [m for m in _everyday_messages() if (c := detect_crisis(m)) is not None and c.sure]
    assert alarms == []


@pytest.mark.parametrize("text", ["im fine thanks", "I'm ok now thanks", "i am safe now thanks",
                                  "yes", "yes please", "im alright", "im good ty", "got it",
                                  "ok cool", "no thanks"])
def test_an_acknowledgement_raises_no_alarm_at_all(text: str) -> None:
    # The model read "im fine thanks" and "I'm ok now thanks" as sure crises, "yes" as a
    # possible one: a reply in the conversation is not news of danger.
    assert detect_crisis(text) is None, text


@pytest.mark.parametrize("text", ["im dead tired", "dead on my feet today", "i'm bored to death"])
def test_worn_out_is_not_a_sure_crisis(text: str) -> None:
    # "im dead tired" was a sure self-harm crisis on the model alone.
    found = detect_crisis(text)
    assert found is None or not found.sure, (text, found)
    # Someone in danger who is scared to death is still read as in danger.
    found = detect_crisis("im scared to death he is going to kill me")
    assert found is not None and found.sure


@pytest.mark.parametrize("text", ["im not ok", "i am not fine", "im not safe",
                                  "im fine honestly just tired of everything"])
def test_saying_one_is_not_fine_is_still_read(text: str) -> None:
    found = detect_crisis(text)
    assert found is not None and found.sure, text


@pytest.mark.parametrize("text", ["ok", "yes", "thanks", "please", "mum", "my mum", "im fine",
                                  "dont know", "hi there", "good"])
def test_one_or_two_words_are_never_a_sure_crisis_on_the_model_alone(text: str) -> None:
    found = detect_crisis(text)
    assert found is None or not found.sure, (text, found)


@pytest.mark.parametrize("text", ["help me", "please help", "fire!", "hes here"])
def test_short_cries_for_help_still_lead_with_999(text: str) -> None:
    # The rules, not the model, answer the shortest emergencies; at worst the middle tier,
    # which puts the emergency line on top.
    assert detect_crisis(text) is not None, text


@pytest.mark.parametrize("text", ["fire in the kitchen, no one hurt yet but its spreading",
                                  "there is a fire and nobody can get out"])
def test_saying_nobody_is_hurt_yet_does_not_quiet_a_fire_now(text: str) -> None:
    found = detect_crisis(text)
    assert found is not None and found.sure, text


@pytest.mark.parametrize("text", ["help me", "please help", "HELP ME NOW!!", "someone help us",
                                  "help pls"])
def test_a_plea_and_nothing_else_is_a_sure_crisis(text: str) -> None:
    found = detect_crisis(text)
    assert found is not None and found.sure and found.kind is CrisisKind.DANGER, text


@pytest.mark.parametrize("text", ["help with noise", "can you help me report fly tipping"])
def test_asking_for_help_with_something_is_not_a_plea(text: str) -> None:
    found = detect_crisis(text)
    assert found is None or not found.sure, text


def test_a_long_run_of_plea_words_is_judged_in_one_pass() -> None:
    # 800 "help"s then another word: not a plea, and the rule must not try every split of
    # the run (it did: 17 ms for this message, quadratic in its length).
    from bot.answering import crisis

    plea = next(pattern for name, pattern, _, _ in crisis._RULES if name == "plea")
    assert plea.search("help " * 800 + "x") is None
    assert plea.search("help " * 800 + "me") is not None
