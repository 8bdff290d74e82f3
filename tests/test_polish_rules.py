"""Session 20's Polish crisis rules (L33): each message here was written for this test, not
taken from a training, test or blind set. Each crisis is now named by a rule (the model alone
read some of them, and may not read the next resident's words); each calm message shows where
a rule must stay quiet."""

from __future__ import annotations

import pytest

from bot.answering import i18n
from bot.answering.crisis import Level

SURE = [
    # An overdose told in the first person, with how much (self-harm), or of someone else.
    ("połknęłam całe opakowanie tabletek nasennych pół godziny temu", "self_harm"),
    ("lyknalem 20 paracetamoli i popilem wodka", "self_harm"),
    ("mąż łyknął 30 tabletek przeciwbólowych i nie chce jechać do szpitala", "medical"),
    # Flames, something catching fire now, smoke through the building with the alarm.
    ("cały dom w płomieniach, dzieci są na górze", "fire"),
    ("zapaliła się zasłona w salonie!", "fire"),
    ("dym w całym bloku, nic nie widać na schodach", "fire"),
    # A child gone, the phone off.
    ("mój 9-letni syn nie wrócił z boiska, telefon wyłączony", "child"),
    # Written where the abuser can hear; a weapon aimed; shooting now; petrol poured.
    ("nie mogę gadać, on słucha. potrzebuję pomocy", "danger"),
    ("facet z pistoletem celuje w ludzi przy przystanku", "danger"),
    ("ktoś strzela pod sklepem na Waterloo Street", "danger"),
    ("oblał mnie benzyną i szuka zapałek", "danger"),
    # Choking, bleeding hard, a bone through the skin, drowning.
    ("teściowa nie może oddychać, coś utknęło jej w gardle", "medical"),
    ("krew tryska z ręki, przeciął się piłą", "medical"),
    ("syn się topi w stawie za domem", "medical"),
    # A goodbye on the way to the railway; a note for mum.
    ("idę na tory. nie szukajcie mnie", "self_harm"),
    ("powiedz mamie że to nie jej wina. kocham was", "self_harm"),
]

CALM = [
    "nie mogę oddychać ze śmiechu 😂",
    "zapaliła się kontrolka silnika w aucie, co robić",
    "co by było, jakby się zapaliło w nocy? jak zrobić plan ucieczki",
    "zapalił się tost, ale już jest ok",
    "dwa lata temu połknęłam garść tabletek, przeżyłam i jestem pod opieką",
    "dwa lata temu połknęłam garść tabletek, teraz czuję się dobrze",  # "now" said too
    "nie mogę złapać oddechu w tej pracy, tyle zaległości",
    "mój kolega strzela gole jak szalony",
    "mąż nie wrócił z pracy, telefon wyłączony, ma 45 lat",  # an adult, not a child
]


@pytest.mark.parametrize(("text", "kind"), SURE)
def test_polish_crisis_gets_999_first(text: str, kind: str) -> None:
    ruled = i18n.rule_crisis(text)
    assert ruled is not None and ruled.kind.value == kind, ruled
    found = i18n.detect_crisis(text, "pl")
    assert found is not None and found.level is Level.SURE, found
    assert found.kind.value == kind


@pytest.mark.parametrize("text", CALM)
def test_polish_calm_message_is_no_sure_crisis(text: str) -> None:
    found = i18n.detect_crisis(text, "pl")
    assert found is None or found.level is not Level.SURE, found


def test_laughing_face_quiets_a_threat_said_in_jest_in_urdu() -> None:
    # "Mum will kill me if I'm late again 😂": a figure of speech, as "haha" already was.
    found = i18n.detect_crisis("میری امی مجھے مار ڈالیں گی اگر میں پھر دیر سے گئی 😂", "ur")
    assert found is None or found.level is not Level.SURE


# Session 20 (L34): gates on the Polish rules, written from round 27's false alarms. Each calm
# message was a sure alarm before; each crisis beside it shows the gate leaves danger now alone.
L34_CALM = [
    "pożar w bloku obok już ugaszony, czy wiadomo co się stało?",  # a fire already out
    "pożar w kuchni był w zeszłym tygodniu, już wszystko ok, gdzie kupić gaśnicę?",
    "język mi płonie po tej papryczce z kebaba",  # a burning tongue
    "w robocie totalny pożar, pół zmiany na L4",  # chaos at work
    "ktoś na tiktoku napisał w komentarzach że mnie zabije, zgłaszać to?",  # online, not now
    "teściowa mnie zabije jak zobaczy ten bałagan 😅",  # a sweating face
]
L34_STILL_SURE = [
    # "instalację" (an installation) is not Instagram
    "sąsiad krzyczy że mnie zabije, bo zgłosiłam jego nielegalną instalację",
    "ktoś z facebooka pisał że mnie zabije, teraz stoi pod moimi drzwiami",
    "pali się kuchnia, ogień już na suficie",
    "on mnie zabije, jest pijany i ma nóż",
]


@pytest.mark.parametrize("text", L34_CALM)
def test_polish_rule_gates_keep_calm_messages_calm(text: str) -> None:
    found = i18n.detect_crisis(text, "pl")
    assert found is None or found.level is not Level.SURE, found


@pytest.mark.parametrize("text", L34_STILL_SURE)
def test_polish_rule_gates_leave_danger_now_alone(text: str) -> None:
    found = i18n.detect_crisis(text, "pl")
    assert found is not None and found.level is Level.SURE, found
