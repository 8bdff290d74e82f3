"""Polish, Urdu and Punjabi (issue 13): detection, crisis help, core answers, translations."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.answering import i18n
from bot.answering.answer import Responder
from bot.answering.crisis import Crisis, CrisisKind, Level
from bot.answering.evaluation import evaluate, load_cases
from bot.answering.language import detect_language
from bot.knowledge import check_translations

ROOT = Path(__file__).resolve().parent.parent
LANG = ROOT / "tests" / "data" / "lang"
CORE = {"emergency", "non-emergency", "domestic-abuse-support", "domestic-abuse-report",
        "hate-crime-report", "hate-crime-support", "asb-report", "noise", "drugs-report",
        "drugs-alcohol-support", "child-safeguarding-report", "children-young-people",
        "mental-health", "welcome"}


# --------------------------------------------------------------------------- detection


def test_detection_on_real_sentences() -> None:
    items = yaml.safe_load((LANG / "detect.yaml").read_text(encoding="utf-8"))
    wrong = [(i["q"], i["lang"], detect_language(i["q"])) for i in items
             if detect_language(i["q"]) != i["lang"]]
    assert not wrong


@pytest.mark.parametrize("text, lang", [
    ("Pomocy mój mąż mnie bije", "pl"),
    ("pomocy maz mnie bije", "pl"),  # typed without diacritics
    ("mujhe madad chahiye", "ur"),
    ("mainu madad chahidi aa", "pa"),
    ("ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ", "pa"),
    ("مجھے مدد چاہیے", "ur"),
    ("مینوں مدد چاہیدی اے", "pa"),  # Shahmukhi
    ("Мне нужна помощь", "other"),
    ("أحتاج إلى مساعدة", "other"),  # Arabic
    ("how do I report anti-social behaviour", "en"),
    ("Don’t parking tickets just suck?", "en"),
    # A resident typing the bot's own word for its menu is writing English (it was Punjabi).
    ("menu", "en"),
    ("Menu", "en"),
    ("menu madad chahidi aa", "pa"),
    # Greetings and thanks alone (they were English and not understood).
    ("salam", "ur"),
    ("assalam o alaikum", "ur"),
    ("shukriya", "ur"),
    ("sat sri akal", "pa"),
    ("dhanvaad ji", "pa"),
    ("dzieki", "pl"),
])
def test_detects_each_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text, lang", [
    # Typed without diacritics and without the hand lists' words: the learned lists
    # (bot/answering/language_words.py) recognise them.
    ("probuja nas zabic", "pl"),
    ("main bathroom vich band haan, please jaldi karo!", "pa"),
    # English with words residents of every language borrow stays English...
    ("volunteer interpreter needed", "en"),
    ("customer service number for the council", "en"),
    ("my neighbour has a bbq grill every night", "en"),
    # ...and a word or two is judged by the hand lists alone.
    ("halo", "en"),
    ("grill", "en"),
    # "police" is English: it once made "police station" Roman Urdu.
    ("police station", "en"),
    ("call police", "en"),
    ("police bulao", "ur"),
])
def test_learned_word_lists(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_learned_lists_can_be_switched_off() -> None:
    from bot.answering import language

    try:
        language.use_learned(None)
        assert detect_language("probuja nas zabic") == "en"  # the hand lists miss it
    finally:
        language.use_learned(language._shipped_lists())
    assert detect_language("probuja nas zabic") == "pl"


def test_english_questions_stay_english() -> None:
    for path in (ROOT / "tests" / "data" / "heldout_eval.yaml",
                 ROOT / "tests" / "data" / "corpus" / "train.yaml"):
        cases = load_cases(path)
        wrong = [c.question for c in cases if detect_language(c.question) != "en"]
        assert not wrong, wrong


# --------------------------------------------------------------------------- test sets


@pytest.mark.parametrize("lang", ["pl", "ur", "pa"])
def test_language_test_set(responder: Responder, lang: str) -> None:
    cases = load_cases(LANG / f"{lang}.yaml")
    assert sum(c.crisis for c in cases) >= 15 and sum(not c.crisis for c in cases) >= 40
    report = evaluate(cases, lambda q: responder.answer(q).to_json())
    assert report.crisis_recall == 1.0, [o.case.question for o in report.outcomes
                                         if o.case.crisis and not o.passed]
    assert report.false_crises == 0
    core = [o for o in report.outcomes if not o.case.crisis and set(o.case.topics) & CORE]
    assert sum(o.passed for o in core) / len(core) >= 0.9


# --------------------------------------------------------------------------- replies


@pytest.mark.parametrize("text, lang, first, interpreter", [
    ("Pomocy mój mąż mnie bije", "pl", "Jeśli ty lub ktoś inny jest teraz", "tłumacza"),
    ("مدد کریں میرا شوہر مجھے مار رہا ہے", "ur", "اگر آپ یا کوئی اور ابھی خطرے", "مترجم"),
    ("ਮਦਦ ਕਰੋ ਮੇਰਾ ਘਰਵਾਲਾ ਮੈਨੂੰ ਕੁੱਟ ਰਿਹਾ ਹੈ", "pa", "ਜੇ ਤੁਸੀਂ ਜਾਂ ਕੋਈ ਹੋਰ ਹੁਣੇ", "ਦੁਭਾਸ਼ੀਏ"),
])
def test_crisis_reply_leads_with_999_in_the_language(responder: Responder, text: str,
                                                     lang: str, first: str,
                                                     interpreter: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is not None
    crisis_block = reply.sections()[0][1]
    assert crisis_block.startswith(first) and "999" in crisis_block.split("\n")[0]
    assert "55" in crisis_block and interpreter in crisis_block
    # Only contacts from contacts.yaml: the helpline's line is the knowledge base's own.
    helpline = responder.kb.contacts["national-domestic-abuse-helpline"].line()
    assert helpline in reply.contacts


def test_self_harm_reply_gives_samaritans_in_the_language(responder: Responder) -> None:
    reply = responder.answer("Chcę się zabić")
    assert reply.crisis is not None
    assert reply.text.startswith("Jeśli twoje życie jest teraz zagrożone, dzwoń pod 999")
    assert "116 123" in reply.text and "Samaritans" in reply.text


def test_other_topic_in_english_with_one_line_in_the_language(responder: Responder) -> None:
    reply = responder.answer("Jak zgłosić oszustwo telefoniczne?")
    assert reply.topic == "scams-report"
    assert reply.body.startswith("Tej odpowiedzi nie mam jeszcze po polsku")
    assert "Action Fraud" in reply.text  # the English answer follows


def test_footer_says_translation_unreviewed(responder: Responder) -> None:
    reply = responder.answer("Gdzie szukać pomocy przy przemocy domowej?")
    assert reply.topic == "domestic-abuse-support"
    assert reply.footer.startswith("Tłumaczenie nie zostało jeszcze sprawdzone")


@pytest.mark.parametrize("text, chosen, start", [
    ("dziękuję", None, "Proszę bardzo."),  # was the child-safeguarding topic ("dziecko")
    ("dzięki za pomoc", None, "Proszę bardzo."),
    ("shukriya", None, "کوئی بات نہیں۔"),  # was the drug-dealing topic
    ("شکریہ", None, "کوئی بات نہیں۔"),
    ("ਧੰਨਵਾਦ", None, "ਕੋਈ ਗੱਲ ਨਹੀਂ ਜੀ।"),  # was the non-emergency topic
    ("thanks", "pl", "Proszę bardzo."),  # a chat that chose Polish, thanking in English
    ("salam", None, "السلام علیکم، میں"),
    ("sat sri akal", None, "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਮੈਂ"),
    ("hello", "ur", "السلام علیکم، میں"),
])
def test_greetings_and_thanks_alone_get_the_welcome_or_thanks_in_the_language(
        responder: Responder, text: str, chosen: str | None, start: str) -> None:
    reply = responder.answer(text, language=chosen)
    assert reply.body.startswith(start), reply.body
    assert reply.crisis is None and reply.caution is None
    assert "999" in reply.body  # the emergency line, in the language, below


@pytest.mark.parametrize("text, start", [
    ("pomocy", "Jeśli ty lub ktoś inny jest teraz"),  # was domestic abuse support
    ("madad", "اگر آپ یا کوئی اور ابھی خطرے"),  # was domestic abuse support
    ("مدد", "اگر آپ یا کوئی اور ابھی خطرے"),  # was drugs and alcohol support
    ("ਮਦਦ", "ਜੇ ਤੁਸੀਂ ਜਾਂ ਕੋਈ ਹੋਰ ਹੁਣੇ"),
])
def test_help_alone_gets_the_menu_under_the_emergency_line_in_the_language(
        responder: Responder, text: str, start: str) -> None:
    # As "help" alone in English: it may come from someone in danger, and no topic fits.
    reply = responder.answer(text)
    assert reply.caution is not None and reply.topic == "welcome"
    assert reply.text.startswith(start) and "999" in reply.text.split("\n")[0]


@pytest.mark.parametrize("text, lang", [("pomocy", "pl"), ("madad", "ur"), ("ਮਦਦ", "pa")])
def test_help_alone_the_model_reads_as_possibly_in_danger_still_gets_the_menu(
        responder: Responder, monkeypatch: pytest.MonkeyPatch, text: str, lang: str) -> None:
    # A retrained model may score "help" alone high enough for the middle tier; the reply
    # must still be the menu under the emergency line, not a guessed topic.
    possible = Crisis(CrisisKind.DANGER, "model", Level.POSSIBLE, 0.9)
    monkeypatch.setattr(i18n, "detect_crisis", lambda _text, _lang: possible)
    reply = responder.answer(text, language=lang)
    assert reply.crisis is None and reply.caution is not None and reply.topic == "welcome"
    assert "999" in reply.text.split("\n")[0]


@pytest.mark.parametrize("text, start", [
    ("pomóż mi", "Jeśli ty lub ktoś inny jest teraz"),  # was the welcome, no emergency line
    ("pomocy, proszę", "Jeśli ty lub ktoś inny jest teraz"),
    ("meri madad karo", "اگر آپ یا کوئی اور ابھی خطرے"),  # was domestic abuse support
    ("madad karo", "اگر آپ یا کوئی اور ابھی خطرے"),  # was the welcome
    ("میری مدد کرو", "اگر آپ یا کوئی اور ابھی خطرے"),  # was mental health
    ("ਮੇਰੀ ਮਦਦ ਕਰੋ", "ਜੇ ਤੁਸੀਂ ਜਾਂ ਕੋਈ ਹੋਰ ਹੁਣੇ"),  # was the welcome
])
def test_a_plea_alone_is_a_crisis_in_the_language(
        responder: Responder, text: str, start: str) -> None:
    # As "help me" in English: 999 first, in the language.
    reply = responder.answer(text)
    assert reply.crisis is not None and reply.crisis.sure, text
    assert reply.text.startswith(start) and "999" in reply.text.split("\n")[0], reply.text


@pytest.mark.parametrize("text", [
    "mujhe madad chahiye",  # "I need help": was domestic abuse support
    "مجھے مدد چاہیے",
    "ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ",
    "potrzebuję pomocy",  # was drugs and alcohol support
])
def test_i_need_help_gets_the_menu_under_the_emergency_line(
        responder: Responder, text: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is None and reply.caution is not None and reply.topic == "welcome"
    assert "999" in reply.text.split("\n")[0]


@pytest.mark.parametrize("text, start", [
    ("nie", "Dobrze."),  # was a sure self-harm crisis
    ("tak", "Dobrze."),  # was the mental health topic
    ("dobrze", "Dobrze."),  # was detected as English and not understood
    ("nie, dziękuję", "Proszę bardzo."),  # was the child-safeguarding topic
    ("theek hai", "ٹھیک ہے۔"),  # was the non-emergency topic
    ("nahi ji", "ٹھیک ہے۔"),
    ("ٹھیک ہے", "ٹھیک ہے۔"),  # was the mental health topic
    ("ok ji", "ٹھیک ہے۔"),
    ("ਠੀਕ ਹੈ", "ਠੀਕ ਹੈ ਜੀ।"),  # was the mental health topic
])
def test_yes_ok_or_no_alone_is_acknowledged_in_the_language(
        responder: Responder, text: str, start: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is None and reply.caution is None, text
    assert reply.body.startswith(start), reply.body
    assert "999" in reply.body  # the emergency line, in the language, below


@pytest.mark.parametrize("text", ["nie dobrze", "theek nahi hai", "ਠੀਕ ਨਹੀਂ ਹੈ",
                                  "nie, on mnie bije"])
def test_not_ok_is_not_an_acknowledgement(responder: Responder, text: str) -> None:
    reply = responder.answer(text)
    assert reply.small_talk not in ("ok", "thanks"), text


@pytest.mark.parametrize("text, start", [
    ("khuda hafiz", "اپنا خیال رکھیں۔"),  # was detected as English and not understood
    ("dobranoc", "Trzymaj się."),
    ("dzięki, pa", "Trzymaj się."),
    ("ਰੱਬ ਰਾਖਾ", "ਆਪਣਾ ਖ਼ਿਆਲ ਰੱਖੋ।"),  # was the non-emergency topic
    ("rab rakha ji", "ਆਪਣਾ ਖ਼ਿਆਲ ਰੱਖੋ।"),  # was read as Urdu and made a sure self-harm crisis
    # The models learnt farewell words from goodbye notes: both were sure self-harm crises.
    ("khuda hafiz ji", "اپنا خیال رکھیں۔"),
    ("ਰੱਬ ਰਾਖਾ ਵੀਰ ਜੀ", "ਆਪਣਾ ਖ਼ਿਆਲ ਰੱਖੋ।"),
])
def test_a_goodbye_gets_a_goodbye_in_the_language(
        responder: Responder, text: str, start: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is None and reply.small_talk == "bye", (text, reply.topic)
    assert start in reply.text and "999" in reply.text


def test_a_goodbye_that_says_thats_it_is_read_for_danger(responder: Responder) -> None:
    """"khuda hafiz bhai bas" ("goodbye brother, that's it") may be a last message: the
    model's alarm stands, as English reads "goodbye everyone"."""
    reply = responder.answer("khuda hafiz bhai bas")
    assert reply.crisis is not None and reply.small_talk != "bye"
    assert reply.text.splitlines()[0].count("999") == 1


@pytest.mark.parametrize("text, lang", [("nie", "pl"), ("rab rakha", "pa"), ("nie wiem", "pl")])
def test_the_model_alone_never_makes_a_sure_crisis_of_one_or_two_words(
        text: str, lang: str) -> None:
    # As in English: "nie" and "rab rakha" were sure crises on the model alone.
    from bot.answering import i18n

    found = i18n.detect_crisis(text, lang)
    assert found is None or not found.sure, (text, found)


@pytest.mark.parametrize("text", ["przestań mnie bić", "puść mnie", "mat maro",
                                  "mujhe mat maro", "مجھے مت مارو", "ਮੈਨੂੰ ਨਾ ਮਾਰੋ"])
def test_words_said_to_an_attacker_are_a_crisis_in_the_language(
        responder: Responder, text: str) -> None:
    # "Stop hitting me", "let me go", "don't hit me": the first was domestic abuse support,
    # "mat maro" was read as English and not understood.
    reply = responder.answer(text)
    assert reply.crisis is not None and reply.crisis.sure, text
    assert "999" in reply.text.split("\n")[0]


def test_someone_smoking_is_not_a_fire(responder: Responder) -> None:
    # "pali" is smokes as well as burns: the Polish model made this a sure fire crisis.
    reply = responder.answer("sąsiad pali trawkę na balkonie")
    assert reply.crisis is None, reply.crisis
    # A fire is still a fire.
    assert responder.answer("w kuchni się pali, dym wszędzie").crisis is not None


def test_harassment_online_is_not_danger_now() -> None:
    from bot.answering import i18n

    # The Urdu model made this ("someone is harassing me online") a sure danger crisis.
    found = i18n.detect_crisis("koi mujhe online tang kar raha hai", "ur")
    assert found is None or not found.sure, found
    # A groomer from online outside now is still a crisis (a child, by the model).
    found = i18n.detect_crisis("koi anjaan aadmi meri 11 saal ki beti ko online keh raha hai "
                               "abhi school ke bahar milo", "ur")
    assert found is not None and found.sure


def test_thanks_with_danger_is_still_a_crisis(responder: Responder) -> None:
    reply = responder.answer("dziękuję, mąż mnie bije teraz")
    assert reply.crisis is not None


def test_past_violence_is_not_a_crisis(responder: Responder) -> None:
    for text in ("Były mąż bił mnie kiedyś, gdzie mogę dostać wsparcie?",
                 "پچھلے سال میرے شوہر نے مجھے مارا تھا"):
        assert responder.answer(text).crisis is None, text


@pytest.mark.parametrize("text", [
    # The everyday ways of saying it, often typed without diacritics; the first rules missed
    # each of these (found while writing training messages, tests/data/lang/train/).
    "nie chce mi sie zyc", "Mam dość życia", "chcę skończyć ze sobą", "tnę się znowu",
    "chyba się powieszę", "ktoś jest w moim mieszkaniu", "zamknął mnie i nie pozwala mi wyjść",
    "on zaraz mnie pobije", "koleżanka przedawkowała", "brat leży na podłodze i się nie rusza",
    "ogień w kuchni, wszystko się pali", "pełno dymu na klatce",
    "main ab jeena nahi chahti", "ghar mein koi ghus gaya hai", "میں اب جینا نہیں چاہتا",
    "گھر میں کوئی گھس آیا ہے", "ਮੈਂ ਹੁਣ ਜੀਣਾ ਨਹੀਂ ਚਾਹੁੰਦਾ",
])
def test_everyday_crisis_phrasings_get_999_first(responder: Responder, text: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is not None, text
    assert "999" in reply.sections()[0][1].split("\n")[0]


@pytest.mark.parametrize("lang", ["ur", "pa"])
def test_a_crisis_the_model_is_unsure_of_still_gets_999_first(responder: Responder,
                                                              lang: str) -> None:
    """Urdu's and Punjabi's models are sure from 0.55 (L81, session 30); from 0.35 they give the
    middle tier (L60, session 26). Round 33's crises, which no crisis model learnt, that no rule
    reads and the model scores between 0.35 and its sure threshold get the emergency line on top
    of the answer, not silence."""
    model = i18n.crisis_model(lang)
    assert model is not None
    unsure = [text for path in sorted((LANG / "train").glob(f"native33?_{lang}.yaml"))
              for item in yaml.safe_load(path.read_text(encoding="utf-8"))
              if item["label"] == "crisis" and detect_language(text := str(item["q"])) == lang
              and i18n.rule_crisis(text) is None
              and i18n.POSSIBLE_SCORES[lang] <= model.score(i18n.fold(text)).crisis
              < i18n.SURE_SCORES[lang]]
    assert len(unsure) >= 8
    for text in unsure:
        reply = responder.answer(text).to_json()
        assert reply["crisis"] or reply.get("caution"), text
        assert "999" in reply["answer"].split("\n")[0], text


@pytest.mark.parametrize("text", [
    "mój brat przedawkował rok temu, gdzie szukać wsparcia dla rodziny",
    "nie rusza się nic w sprawie mojej skargi",
    "sąsiad grozi mi sądem przez płot",
    "kiedyś się cięłam, teraz szukam terapii",
    "mere bhai ne pichle saal khudkushi ki koshish ki thi, madad kahan milegi",
    "ਖ਼ੁਦਕੁਸ਼ੀ ਦੇ ਅੰਕੜੇ ਕੀ ਹਨ",
])
def test_their_look_alikes_are_not_alarms(responder: Responder, text: str) -> None:
    """The past, a figure or an idiom: answered, without a crisis reply."""
    assert responder.answer(text).crisis is None, text


@pytest.mark.parametrize("text", [
    # A knife, a fire or "he'll kill me" in a question, the past or a figure of speech: the
    # rules once sounded the alarm for each of these kinds (found in training messages).
    "ile było ataków nożem w Burton w tym roku",
    "szef mnie zabije jak znowu się spóźnię",
    "pożar w fabryce w zeszłym tygodniu, czy droga jest otwarta",
    "چاقو کے جرائم کے اعداد و شمار کہاں ملیں گے",
    "میرا باس مجھے مار ڈالے گا اگر دیر ہوئی",
    "yeh garmi to maar rahi hai",
    "ਚਾਕੂ ਰੱਖਣ ਬਾਰੇ ਕਾਨੂੰਨ ਕੀ ਹੈ",
    "ząb mnie zabija od rana, gdzie znajdę dentystę",
    "zabiję cię jak zjesz moje ciastko haha",
    "pali się termin w pracy, a council nie odpisuje",
    "zabić się można z tymi kolejkami do GP",
    "pożar na osiedlu w zeszłym tygodniu, czy już można tam chodzić",
    "برطانیہ میں چاقو رکھنے کی سزا کیا ہے",
    "flat ke liye aag se bachao ka plan kaise banayen",
    "mirchein itni tez theen ke munh mein aag lag gayi",
    "یہ اسائنمنٹ مجھے مار ڈالے گی، ڈیڈ لائن کل ہے",
    "Pakistan mein seelab se log mar rahe hain, chanda kaise bhejen",
    "ਯੂਕੇ ਵਿੱਚ ਚਾਕੂ ਰੱਖਣ ਦੀ ਸਜ਼ਾ ਕੀ ਹੈ",
    "ਪਿਛਲੇ ਹਫ਼ਤੇ ਕਿਸੇ ਨੇ ਸਾਡਾ ਦਰਵਾਜ਼ਾ ਤੋੜਨ ਦੀ ਕੋਸ਼ਿਸ਼ ਕੀਤੀ ਸੀ, ਹੁਣ ਕੀ ਕਰੀਏ",
    "ਗੁਆਂਢੀ ਦੀ ਗੱਲ ਸੁਣ ਕੇ ਤਨ ਬਦਨ ਨੂੰ ਅੱਗ ਲੱਗ ਗਈ",
    "دل تے چھریاں چل گئیاں جدوں پاکستان آخری بال تے ہاریا",
    "بزرگوں کے لیے فراڈ سے بچاؤ کی کوئی ورکشاپ ہوتی ہے؟",
    "wo film jismein ghar ko aag lag jati hai, naam bhool gaya",
    "u nas w domu istny pożar, trójka dzieci i remont",
])
def test_questions_and_idioms_do_not_fire_a_language_rule(text: str) -> None:
    from bot.answering import i18n

    assert i18n.rule_crisis(text) is None, text


def test_looking_back_in_the_language_quiets_english_words_too() -> None:
    from bot.answering import i18n

    found = i18n.detect_crisis("2 saal pehlan suicide attempt kita si, hun theek haan", "pa",
                               use_model=False)
    assert found is None
    found = i18n.detect_crisis("suicide note likh diya hai abhi", "ur", use_model=False)
    assert found is not None and found.sure


@pytest.mark.parametrize(("text", "lang"), [
    ("on ma nóż i stoi pod drzwiami, pomocy", "pl"),
    ("wszystko się pali, ratunku", "pl"),
    ("وہ چاقو لے کر میرے پیچھے ہے، ابھی", "ur"),
    ("woh mujhe jaan se maar dalega, abhi ghar aa raha hai", "ur"),
    ("ਉਹ ਚਾਕੂ ਲੈ ਕੇ ਖੜ੍ਹਾ ਹੈ, ਹੁਣ ਬਚਾਓ", "pa"),
    # The joke words only quiet the "kill" rules: a beating after the match is a beating.
    ("mąż mnie bije po meczu, dzieci płaczą", "pl"),
    ("od wczoraj nie pozwala mi wyjść, bije mnie", "pl"),
    ("bachao, woh mujhe maar raha hai", "ur"),
    ("kitchen mein aag lag gayi hai, abhi", "ur"),
])
def test_but_a_knife_or_a_fire_now_still_does(text: str, lang: str) -> None:
    from bot.answering import i18n

    found = i18n.detect_crisis(text, lang, use_model=False)
    assert found is not None and found.sure, text


def test_english_ask_never_loads_translations() -> None:
    """The cold start of an English `csp-bot ask` pays nothing for the other languages."""
    code = ("import sys; from bot.cli.main import main; "
            "main(['ask', 'how do I report anti-social behaviour']); "
            "print('I18N', 'bot.answering.i18n' in sys.modules, 'yaml_pl' if "
            "any('translations' in str(m) for m in sys.modules) else '')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert "I18N False" in out


# --------------------------------------------------------------------------- kb check


def test_kb_check_warns_on_each_unreviewed_translation() -> None:
    problems = check_translations(ROOT / "knowledge")
    assert not [p for p in problems if p.severity == "error"], problems
    unreviewed = [p for p in problems if "unreviewed" in p.message]
    assert unreviewed and all(p.severity == "warning" for p in unreviewed)
    assert any(p.file.endswith("pl.yaml") and "domestic-abuse-support" in p.message
               for p in unreviewed)


def test_kb_check_rejects_numbers_not_in_contacts(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb)
    path = kb / "translations" / "pl.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("dzwoń pod 999.", "dzwoń pod 0800 123 4567.", 1),
                    encoding="utf-8")
    errors = [p for p in check_translations(kb) if p.severity == "error"]
    assert any("0800 123 4567" in p.message for p in errors)


def test_kb_check_requires_the_translation_mark(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb)
    path = kb / "translations" / "ur.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    translation: unreviewed\n", "", 1), encoding="utf-8")
    errors = [p for p in check_translations(kb) if p.severity == "error"]
    assert any("translation:" in p.message for p in errors)


def test_a_council_service_word_added_to_a_translation_file_is_declined(
        tmp_path: Path) -> None:
    # The lists live in knowledge/translations/, where a partner who reads the language
    # can extend them without touching code.
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb)
    text = "gdzie oddać stary rower do wypożyczalni"
    assert i18n.council_service(text, "pl", ROOT / "knowledge" / "translations") is None
    path = kb / "translations" / "pl.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    oos-other: [", "    oos-other: [wypozyczaln, ", 1), encoding="utf-8")
    assert "wypozyczaln" in path.read_text(encoding="utf-8")
    assert i18n.council_service(text, "pl", kb / "translations") == "oos-other"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    oos-parking: [", "    oos-parkin: [", "topic oos-parkin does not exist"),
    ("    oos-parking: [", "    emergency: [", "emergency is not a declined"),
    ("\nalso:\n", "\nalso:\n  no-such-topic: [x]\n", "topic no-such-topic does not exist"),
])
def test_kb_check_rejects_translation_topics_that_are_wrong(tmp_path: Path, old: str,
                                                           new: str, message: str) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb)
    path = kb / "translations" / "pl.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    errors = [p for p in check_translations(kb) if p.severity == "error"]
    assert any(message in p.message and p.file.endswith("pl.yaml") and p.line
               for p in errors), errors


def test_translations_parse() -> None:
    for lang in ("pl", "ur", "pa"):
        t = i18n.translation(lang)
        assert t is not None and t.unreviewed
        assert {"emergency", "domestic-abuse-support", "mental-health"} <= t.topics.keys()


@pytest.mark.parametrize("text, kind", [
    ("ktoś dźga mojego kolegę", "danger"),  # was the hate crime topic
    ("sąsiadka krzyczy o pomoc", "danger"),
    ("ktoś wybija mi okna", "danger"),
    ("dziecko wpadło do rzeki", "medical"),
    ("moje dziecko zniknęło w sklepie", "child"),
    # "Everyone would be happier without me", "nobody would miss me": no crisis before.
    ("wszyscy byliby szczęśliwsi beze mnie", "self_harm"),
    ("nikt by za mną nie tęsknił", "self_harm"),
    # The same in Punjabi and Roman Punjabi (Urdu's model caught it already).
    ("ਮੇਰੇ ਬਿਨਾਂ ਸਾਰੇ ਖੁਸ਼ ਰਹਿਣਗੇ", "self_harm"),
    ("ਕੋਈ ਮੈਨੂੰ ਯਾਦ ਨਹੀਂ ਕਰੇਗਾ", "self_harm"),
    ("mere bina sare khush rehnge", "self_harm"),
    ("میرے بغیر سب بہتر ہوں گے", "self_harm"),
])
def test_emergencies_of_an_everyday_run_lead_with_999(responder: Responder, text: str,
                                                             kind: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is not None and reply.crisis.sure and reply.crisis.kind == kind, text
    assert "999" in reply.text.split("\n")[0]


@pytest.mark.parametrize("text", [
    "zabiję się ze śmiechu",  # "I'll die laughing": it was a sure self-harm crisis
    "firma tonie w długach", "mój syn zaginął rok temu",
    "ludzie chcą odpocząć, a nie patrzeć jak kogoś dźgają nożem",
    "nikt nie zatęsknił za mną na wakacjach",  # nobody missed me on holiday
    "mere bina party mein sab khush the",  # everyone was happy at the party without me
])
def test_everyday_look_alikes_are_not_alarms(responder: Responder, text: str) -> None:
    assert responder.answer(text).crisis is None, text


@pytest.mark.parametrize("text", [
    "mohalle mein drugs bik rahe hain",  # drugs are sold in the area: a sure medical crisis
    "ਗਲੀ ਵਿੱਚ ਨਸ਼ਾ ਵਿਕ ਰਿਹਾ ਹੈ",  # drugs are sold in the street: a sure danger
    "ktoś handluje narkotykami na klatce",
])
def test_drugs_being_sold_is_reported_not_an_emergency(responder: Responder, text: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is None and reply.topic == "drugs-report", text


@pytest.mark.parametrize(("text", "topic"), [
    # Session 14 (L21): real Polish posts about council services got safety topics.
    ("jak zgłosić dziurę w drodze", "oos-highways"),
    ("latarnia na naszej ulicy nie świeci od miesiąca", "oos-highways"),
    ("dostałam mandat za parkowanie, jak się odwołać", "oos-parking"),
    ("czy mogę ubiegać się o zasiłek", "oos-other"),
    ("kiedy jest wywóz odpadów na mojej ulicy", "oos-borough-council"),
])
def test_polish_council_service_questions_are_declined(responder: Responder, text: str,
                                                       topic: str) -> None:
    reply = i18n.answer(responder, text, "pl")
    assert reply.topic == topic and not reply.matched and reply.crisis is None, text


@pytest.mark.parametrize("text", ["sąsiad pobił mnie na parkingu wczoraj",
                                  "ktoś podpalił kosz na śmieci pod blokiem",
                                  "nieuczciwy budowlaniec oszukał moją mamę",
                                  "na parkingu przy Tesco ktoś handluje narkotykami"])
def test_polish_safety_words_beside_a_council_service_keep_a_safety_answer(
        responder: Responder, text: str) -> None:
    reply = i18n.answer(responder, text, "pl")
    assert reply.topic not in ("oos-highways", "oos-parking", "oos-borough-council",
                               "oos-other"), text


@pytest.mark.parametrize(("text", "kind"), [
    # Session 16, from the pending real Polish words (training): an ambulance asked for, a
    # heart attack now, a birth under way, someone told to open their eyes, cutting oneself,
    # being attacked by several people.
    ("Proszę przyślijcie karetkę, tata upadł", CrisisKind.MEDICAL),
    ("chyba mam zawał, boli mnie w klatce", CrisisKind.MEDICAL),
    ("żona rodzi, już wychodzi główka", CrisisKind.MEDICAL),
    ("babciu otwórz oczy! babciu!", CrisisKind.MEDICAL),
    ("znowu kaleczę się żyletką", CrisisKind.SELF_HARM),
    ("oni mnie atakują pod blokiem", CrisisKind.DANGER),
])
def test_polish_everyday_emergencies_lead_with_999(responder: Responder, text: str,
                                                   kind: CrisisKind) -> None:
    reply = i18n.answer(responder, text, "pl")
    assert reply.crisis is not None and reply.crisis.kind is kind and reply.crisis.sure, text
    assert "999" in reply.text.split("\n")[0], reply.text


@pytest.mark.parametrize(("text", "lang"), [
    # Session 16, from the pending real Urdu and Punjabi words (training): robbers in the
    # house now, someone being abducted now.
    ("ہمارے گھر میں چور گھس آئے ہیں", "ur"),
    ("ਕੁਝ ਬੰਦੇ ਇੱਕ ਕੁੜੀ ਨੂੰ ਅਗਵਾ ਕਰਕੇ ਲੈ ਜਾ ਰਹੇ ਹਨ", "pa"),
])
def test_urdu_and_punjabi_intruders_and_abductions_now_lead_with_999(
        responder: Responder, text: str, lang: str) -> None:
    reply = i18n.answer(responder, text, lang)
    assert reply.crisis is not None and reply.crisis.kind is CrisisKind.DANGER, text
    assert reply.crisis.sure and "999" in reply.text.split("\n")[0], reply.text


def test_an_urdu_question_about_an_intruder_is_no_sure_alarm(responder: Responder) -> None:
    # "If someone breaks into the house and I stop them, is the law on my side?"
    reply = i18n.answer(responder, "اگر کوئی گھر میں گھس آئے اور میں اسے روکوں تو کیا قانون "
                        "میرے ساتھ ہے؟", "ur")
    assert reply.crisis is None or not reply.crisis.sure


@pytest.mark.parametrize("text", [
    "mój tata miał zawał dwa lata temu, gdzie szukać wsparcia",
    "jak długo czeka się na karetkę w Burton?",
])
def test_polish_questions_about_a_heart_attack_or_an_ambulance_are_not_alarms(
        responder: Responder, text: str) -> None:
    reply = i18n.answer(responder, text, "pl")
    assert reply.crisis is None or not reply.crisis.sure, text


@pytest.mark.parametrize(("text", "lang", "topic"), [
    # Session 14: the same council-service questions in Urdu and Punjabi got safety topics.
    ("mujhe parking ticket mila hai kya karun", "ur", "oos-parking"),
    ("سڑک پر گڑھا ہے کہاں رپورٹ کروں", "ur", "oos-highways"),
    ("ਮੇਰੀ ਗਲੀ ਵਿੱਚ ਸਟ੍ਰੀਟ ਲਾਈਟ ਖਰਾਬ ਹੈ", "pa", "oos-highways"),
    ("ਪਾਰਕਿੰਗ ਟਿਕਟ ਮਿਲੀ ਹੈ", "pa", "oos-parking"),
    # Urdu and Punjabi read each other's lists: a chat set to one may write the other.
    ("mujhe parking ticket mila hai", "pa", "oos-parking"),
    ("ਮੇਰੀ ਗਲੀ ਵਿੱਚ ਸਟ੍ਰੀਟ ਲਾਈਟ ਖਰਾਬ ਹੈ", "ur", "oos-highways"),
    # Round 23 (L23k): bills, power cuts, bin days, broken roads and planning.
    ("ہمارے گھر کا بجلی کا بل بہت زیادہ آیا ہے کیا کریں", "ur", "oos-other"),
    ("کوڑا اٹھانے والی گاڑی اس ہفتے کیوں نہیں آئی", "ur", "oos-borough-council"),
    ("گھر کی توسیع کے لیے پلاننگ پرمیشن کیسے لیں", "ur", "oos-borough-council"),
    ("ਸਾਡੇ ਇਲਾਕੇ ਦੀਆਂ ਸੜਕਾਂ ਦੀ ਹਾਲਤ ਬਹੁਤ ਮਾੜੀ ਹੈ", "pa", "oos-highways"),
    ("ਕੂੜਾ ਚੁੱਕਣ ਵਾਲੇ ਕਦੋਂ ਆਉਣਗੇ", "pa", "oos-borough-council"),
])
def test_urdu_and_punjabi_council_service_questions_are_declined(
        responder: Responder, text: str, lang: str, topic: str) -> None:
    reply = i18n.answer(responder, text, lang)
    assert reply.topic == topic and not reply.matched and reply.crisis is None, text


@pytest.mark.parametrize(("text", "lang"), [
    ("street light ke neeche drugs bik rahe hain", "ur"),
    ("ਮੈਸੇਜ ਆਇਆ ਕਿ ਕੌਂਸਲ ਟੈਕਸ ਦਾ ਰਿਫ਼ੰਡ ਹੈ, ਲਿੰਕ ਤੇ ਕਲਿੱਕ ਕੀਤਾ", "pa"),
    # Someone paid to take rubbish away and dumped it: fly-tipping, not a bin day.
    ("جس آدمی کو کوڑا اٹھانے کے پیسے دیے اس نے کھیتوں میں پھینک دیا", "ur"),
    ("ਜਿਸ ਨੂੰ ਕੂੜਾ ਚੁੱਕਣ ਦੇ ਪੈਸੇ ਦਿੱਤੇ ਉਹਨੇ ਸੜਕ ਕੰਢੇ ਸੁੱਟ ਦਿੱਤਾ", "pa"),
])
def test_urdu_and_punjabi_safety_words_keep_a_safety_answer(responder: Responder, text: str,
                                                            lang: str) -> None:
    assert i18n.answer(responder, text, lang).topic not in ("oos-highways", "oos-parking",
                                                            "oos-borough-council"), text


def test_polish_break_in_with_the_clitic_first_is_a_999_call() -> None:
    # Session 17: "się" before the verb ("ktoś się włamuje do domu", someone is breaking into
    # the house) raised nothing; breaking into garages, heard of, is no alarm.
    found = i18n.detect_crisis("ktoś się włamuje do domu", "pl")
    assert found is not None and found.sure and found.kind == CrisisKind.DANGER, found
    calm = i18n.detect_crisis("sąsiadka słyszy jak ktoś się włamuje do garaży w nocy, jak "
                              "wzmocnić zabezpieczenia?", "pl")
    assert calm is None or not calm.sure, calm


def test_polish_this_is_finishing_me_off_is_no_sure_alarm() -> None:
    # "to mnie dobija" (this is wearing me down) was a sure danger alarm from the model.
    found = i18n.detect_crisis("to mnie dobija", "pl")
    assert found is None or not found.sure, found


def test_roman_urdu_someone_in_the_house_is_a_999_call() -> None:
    # Session 17: "koi ghar mein ghus aaya hai" (someone has got into the house) raised
    # nothing, though the Urdu-script rule read the same words.
    found = i18n.detect_crisis("koi ghar mein ghus aaya hai", "ur")
    assert found is not None and found.sure and found.kind == CrisisKind.DANGER, found


def test_urdu_bullying_at_school_is_no_sure_alarm() -> None:
    found = i18n.detect_crisis("meri beti ko school mein tang kiya ja raha hai", "ur")
    assert found is None or not found.sure, found


@pytest.mark.parametrize("text", [
    # Session 18: shapes a helper's blind probe messages (/tmp/p25) showed missing, in words
    # of the developer's own. "پچھلے دروازے" is the back door and "ਪਿਛਲੀ ਖਿੜਕੀ" the back
    # window, not "last": the look back silenced every rule.
    "کوئی پچھلے دروازے سے اندر آ گیا ہے، ہم اوپر چھپے ہیں",
    "ਕੋਈ ਪਿਛਲੀ ਖਿੜਕੀ ਤੋੜ ਕੇ ਘਰ ਅੰਦਰ ਵੜ ਗਿਆ",
    "ek aadmi bachi ko gaari mein bitha ke le gaya",
    "kitchen jal raha hai kya karun",
    "abbu ke seene mein bahut dard hai aur paseena aa raha hai",
    "sąsiad leży na ziemi i nie kontaktuje",
    "dziecko wbiegło na tory",
    # minutes ago is now, though "ਸੀ" (was) marks the past
    "ਮੇਰੀ ਧੀ ਪਾਰਕ ਵਿੱਚੋਂ ਗੁਆਚ ਗਈ, ਪੰਜ ਮਿੰਟ ਪਹਿਲਾਂ ਇੱਥੇ ਸੀ",
])
def test_probe_crises_get_999_first_in_the_language(responder: Responder, text: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is not None and reply.crisis.sure, text
    assert "999" in reply.sections()[0][1].split("\n")[0]


@pytest.mark.parametrize("text", [
    "w pokoju światło się pali całą noc, czy to dużo prądu",  # the light is on
    "ta robota mnie zabije, znowu nadgodziny",  # this job will kill me
    "ktoś zablokował mi samochód na parkingu",  # someone has blocked my car in
    "یہ بارش تو مار ڈالے گی",  # this rain will kill (me)
    "sharm se mar gayi main jab sab ne dekha",  # I died of shame
    "beta ka phone gum ho gaya school mein",  # my son's phone got lost at school
    "ਪੁੱਤ ਦਾ ਫੋਨ ਗੁਆਚ ਗਿਆ",  # my son's phone got lost
    # Session 20: "topi się" is melting as well as drowning; the model read it as self-harm.
    "śnieg się topi na dachu i cieknie do kuchni",  # the snow on the roof is melting
    "na dachu topi się śnieg",
])
def test_probe_look_alikes_are_no_sure_alarm(responder: Responder, text: str) -> None:
    crisis = responder.answer(text).crisis
    assert crisis is None or not crisis.sure, text


@pytest.mark.parametrize("text", [
    "وہ بارش میں باہر کھڑا ہے اور دروازہ توڑ رہا ہے",
    "barish mein bahar khada hai aur mujhe maar raha hai",
    "ਮੀਂਹ ਵਿੱਚ ਬਾਹਰ ਖੜ੍ਹਾ ਦਰਵਾਜਾ ਤੋੜ ਰਿਹਾ",
])
def test_an_idiom_word_does_not_quiet_danger_named_with_it(text: str) -> None:
    # Session 18: rain "that will kill me" and a knife slipping while cooking are idioms only
    # in those shapes; someone outside in the rain breaking the door or hitting me is danger
    # now, by the rules alone (the first version quieted them).
    found = i18n.rule_crisis(text)
    assert found is not None and found.kind is CrisisKind.DANGER, text


@pytest.mark.parametrize("text", [
    "arms te phir cut kar lye, khoon band nahi ho reha",  # cut my arms again, it won't stop
    "ਖੂਨ ਨਹੀਂ ਰੁਕ ਰਿਹਾ",  # the bleeding won't stop
    "khoon band nahi ho raha naak se kya karun",  # a nosebleed that won't stop
])
def test_bleeding_that_will_not_stop_gets_999_first(responder: Responder, text: str) -> None:
    # Session 19: with Urdu's models retrained in round 28, the first was no crisis at all.
    reply = responder.answer(text)
    assert reply.crisis is not None and reply.crisis.sure, text
    assert "999" in reply.sections()[0][1].split("\n")[0]


def test_bleeding_told_afterwards_is_no_alarm(responder: Responder) -> None:
    crisis = responder.answer("pichle saal khoon band nahi ho raha tha operation ke baad").crisis
    assert crisis is None or not crisis.sure


@pytest.mark.parametrize("text", [
    # news of a stabbing, asked about: the Roman Urdu threat rule fires on "chaku mara"
    "TV pe khabar dekhi ke Burton mein ek aadmi ko chaku mara gaya, kaunsi jagah thi? mera beta "
    "wahan kaam karta hai",
])
def test_the_language_model_vetoes_a_rule_on_a_calm_message(responder: Responder,
                                                            text: str) -> None:
    # Round 29 (L29w): the Urdu and Punjabi models, which learned the calm look-alikes, keep a
    # rule's alarm to the middle tier when they are all but sure the message is calm: the
    # answer with the emergency line on top, not the crisis reply.
    reply = responder.answer(text)
    assert reply.crisis is None or not reply.crisis.sure, text
    assert reply.caution is not None and "999" in reply.text.split("\n")[0]


@pytest.mark.parametrize("text", [
    "wo chaku le ke darwaze pe khara hai abhi, jaldi aao",
    "ਉਹ ਚਾਕੂ ਲੈ ਕੇ ਦਰਵਾਜ਼ੇ ਤੇ ਖੜ੍ਹਾ ਹੈ, ਜਲਦੀ ਆਓ",
    "mera shohar mujhe maar raha hai abhi",
    "meri madad karo",
])
def test_the_veto_leaves_a_threat_now_alone(responder: Responder, text: str) -> None:
    reply = responder.answer(text)
    assert reply.crisis is not None and reply.crisis.sure, text


def test_hiding_now_gets_the_emergency_line_even_when_the_model_is_quiet(
        responder: Responder) -> None:
    # Session 22: L44's Punjabi model no longer alarms on this training crisis ("he is on the
    # stairs now; I turned the light off; I am hiding quietly under the bed"). Hiding now, in
    # the first person, is the middle tier's rule: the emergency line leads the answer.
    reply = responder.answer("او ہن پوڑیاں تے اے۔ میں بتی بند کر دتی اے۔ چپ کر کے منجی تھلے "
                             "لکی ہوئی آں")
    assert reply.crisis is not None or reply.caution is not None
    assert "999" in reply.text.split("\n")[0]


def test_hide_and_seek_is_not_hiding_from_danger(responder: Responder) -> None:
    reply = responder.answer("ਬੱਚਿਆਂ ਨਾਲ ਲੁਕਣਮੀਟੀ ਖੇਡ ਰਹੀ ਹਾਂ, ਅਲਮਾਰੀ ਵਿੱਚ ਲੁਕੀ ਹਾਂ 🤫 ਏਨੇ ਵਿੱਚ "
                             "ਪੁੱਛ ਲਵਾਂ, Winshill ਵਿੱਚ summer club ਕਦੋਂ ਸ਼ੁਰੂ?")
    assert reply.crisis is None and reply.caution is None
