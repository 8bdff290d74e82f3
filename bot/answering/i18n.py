"""Answers in Polish, Urdu and Punjabi: crisis help first, then the core topics.

:meth:`bot.answering.answer.Responder.answer` hands a message here when it is written in (or
the chat chose) one of :data:`bot.answering.language.SUPPORTED`. The layers mirror the
English ones:

1. **Crisis** (:func:`detect_crisis`): the English detector (residents mix languages), then
   rules for each language, read one by one, then a linear model per language
   (``crisis_model.<lang>.tsv``, trained by ``bench/train_crisis.py --lang``). A crisis gets
   999 first, in the resident's language, with 55 and the Samaritans, and which services can
   arrange an interpreter.
2. **Core topics**: keyword beginnings from ``knowledge/translations/<lang>.yaml`` point to
   a topic; the core ones answer in the language, any other topic answers in English with one
   line in the language saying so.
3. Nothing found: "not sure", the menu and 999, in the language.

Contact lines always come from ``knowledge/contacts.yaml``; every translated reply says, in
its language, that the translation has not been checked yet (while it has not). The
translations and models load on first use, so ``csp-bot ask`` in English pays nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.crisis import MODEL_SURE_MIN_WORDS, Crisis, CrisisKind, Level, possible_rule
from bot.answering.crisis import detect_crisis as detect_english_crisis
from bot.answering.crisis_model import CrisisModel
from bot.answering.language import POLISH, PUNJABI, SUPPORTED, URDU, detect_language

if TYPE_CHECKING:
    from bot.answering.answer import Reply, Responder

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge" / "translations"
MODELS_DIR = Path(__file__).resolve().parent
#: Model probability above which a message is a sure crisis, per language. Chosen by
#: ``python -m bench.train_crisis --lang X --cv`` on the language's written training messages
#: (never its test sets), by the English rule: the most crises caught while cross-validated
#: false crises stay within 2 %. With about 60 training messages each the models were capped
#: at the middle tier (1.01, above any probability). With 250-270 each, a third of them hard
#: negatives (2026-12-04), the cross-validation supports trusting them: Polish 52/96 caught
#: at 0.8 with 3/176 false (46 by rules alone), Urdu 54/86 at 0.8 with 2/161 (32), Punjabi
#: 46/112 at 0.7 with 3/158 (25). After a third batch (about 600 each, session 2 of the
#: same day), with each language's topic questions also taught as calm (as English learns
#: from the knowledge base's questions): Polish 101/171 at 0.7 with 3/273 false, Urdu
#: 107/160 at 0.7 with 4/251, Punjabi 105/186 at 0.6 (the middle tier's floor) with 1/248.
#: A fourth batch: Polish 154/234 at 0.7 with 5/336, Urdu 149/207 at 0.6 with 5/312,
#: Punjabi 138/231 at 0.6 with 3/304. A fifth, deliberately hard batch (indirect crises and
#: look-alike calm messages): Polish 195/315 at 0.8 with 8/410 (0.7: 12/410, over 2 %),
#: Urdu 202/287 at 0.7 with 7/384 (0.6: 8/384, just over).
#: Urdu's moved to 0.6 in session 23 (candidate L48, tests/data/lang/README.md): by the rule
#: that weighs a missed crisis three times a false one, a fresh twenty-eighth Urdu set caught
#: 138 -> 144 of 155 crises with 14 -> 17 false, and the older Urdu sets 1,272 -> 1,289 of
#: 1,386 with 80 -> 97 false. (At 0.6 the Urdu model, like Punjabi's, has no middle tier of
#: its own: the rules' middle tier remains.) Urdu's and Punjabi's moved to 0.55 in session 30
#: (L81): having learnt round 51's calm look-alikes, their models raise at 0.55 no more
#: cross-validated false crises than before at 0.6 (Urdu 119 against 122 of 2,111, Punjabi 164
#: against 166 of 3,653), and catch a few more crises (1,023 against 1,021 of 1,187; 1,217
#: against 1,206 of 1,412). Punjabi's moved to 0.5 in session 32 (L89), with a model that is
#: the mean of a plain and a naive Bayes-scaled fit (``bench.train_crisis``,
#: ``BLEND_LANGUAGES``): 1,232 cross-validated crises against 1,222 with 145 false against 184;
#: on the fresh fifty-eighth set 68 against 67 of 75 crises with the same false crises.
#: Urdu's moved to 0.5 in session 33 (L90), with a mix whose scaled share is 0.2: 1,037
#: cross-validated crises against 1,027 with 140 false against 151; on the fresh fifty-ninth
#: sets the same 69 of 74 crises with one false crisis fewer.
SURE_SCORES = {"pl": 0.8, "ur": 0.5, "pa": 0.5}
#: A language with no threshold above: its model's verdict is at most the middle tier.
SURE_SCORE = 1.01
POSSIBLE_SCORE = 0.6
#: Per language, where the model's middle tier (the answer with the emergency line on top)
#: begins, if not at :data:`POSSIBLE_SCORE`. Urdu's and Punjabi's models were sure from 0.6
#: (0.55 since L81, 0.5 since L89 and L90), so they had no middle tier of their own; from
#: 0.35 (the threshold L56's cross-validation chose) an indirect crisis they are unsure of gets
#: 999 first. L60 (session 26, tests/data/lang/README.md): on the fresh thirty-eighth sets 3
#: more crises each got emergency help first (Urdu 72 -> 75 of 76, Punjabi 66 -> 69 of 77) for
#: 5 and 7 more calm messages given the line (of 195 and 197); crisis replies and false crises
#: unchanged.
POSSIBLE_SCORES = {"ur": 0.35, "pa": 0.35}
#: Per language: a rule's sure verdict becomes the middle tier when the language's model gives
#: the message a crisis probability below this (the model has learned the figures of speech,
#: jokes, news and stories told afterwards that the rules cannot tell apart). Round 29
#: (tests/data/lang/README.md): in cross-validation on the training messages at the shipped
#: thresholds, a veto of 0.05 took the rules' false alarms from 136 to 103 of 2,111 calm Urdu
#: messages for one crisis of 1,187, and from 181 to 141 of 2,454 Punjabi ones for none; on the
#: blind sets Urdu's false crises fell from 13 to 7 and Punjabi's from 10 to 4, no crisis lost
#: (candidate L29w); on the fresh eleventh sets, from 8 to 4 and 12 to 8 (with Urdu's earlier
#: models, 7 to 6, and in cross-validation 72 -> 62 of 1,361 for one crisis of 737). Polish
#: has none: its veto cost a real Polish crisis. A veto of 0.2 (L29v) took three quarters of
#: the blind false crises away but cost a crisis in every language.
#: ``bench.train_crisis --cv`` reads ``CSP_RULE_VETO=pl=0.1,...`` to try others.
RULE_VETO_BELOW: dict[str, float] = {"ur": 0.05, "pa": 0.05}
#: The pseudo-topic of the welcome and menu.
WELCOME = "welcome"

# --------------------------------------------------------------------------- folding

# Dropped before matching: Latin diacritics (Polish typed with or without them), Arabic
# vowel marks, and the Gurmukhi marks people add or leave out (nukta, addak, tippi, bindi).
_DROP = frozenset(chr(c) for c in [*range(0x0300, 0x0370), *range(0x064B, 0x0660), 0x0670,
                                    0x0A3C, 0x0A71, 0x0A70, 0x0A02, 0x0A01, 0x0A03])
_MAP = str.maketrans({"ł": "l", "ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ۃ": "ہ",
                      "ۂ": "ہ", "ۓ": "ے"})


def _fold_chars(text: str, lower: bool = True) -> str:
    """Lower case and the marks above dropped; everything else kept (rules use it too,
    without lower-casing, which would turn \\S into \\s)."""
    s = unicodedata.normalize("NFKD", text.lower() if lower else text).translate(_MAP)
    return unicodedata.normalize("NFC", "".join(ch for ch in s if ch not in _DROP))


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case, marks above dropped, punctuation to spaces: one form to match on.

    >>> fold("Pomocy, mój mąż mnie bije!")
    'pomocy moj maz mnie bije'
    """
    s = _fold_chars(text)
    # Punctuation becomes a space; vowel signs (marks) stay attached to their letter.
    return " ".join("".join(ch if unicodedata.category(ch)[0] in "LNM" else " "
                            for ch in s).split())


# --------------------------------------------------------------------------- translations


@dataclass(frozen=True)
class LocalTopic:
    id: str
    title: str
    answer: str
    keywords: tuple[tuple[str, float], ...]
    reviewed: bool


@dataclass
class Translation:
    """One language's file: texts, core topics (translated) and other topics' keywords."""

    language: str
    name: str
    texts: dict[str, str] = field(default_factory=dict)
    topics: dict[str, LocalTopic] = field(default_factory=dict)
    also: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    unreviewed: bool = True
    #: Folded words that greet or thank in the language, and words that may go with them
    #: (``small_talk`` in the file): a message of these alone gets the welcome or thanks.
    greetings: frozenset[str] = frozenset()
    thanks: frozenset[str] = frozenset()
    small_talk: frozenset[str] = frozenset()
    #: Folded words for "help" (``small_talk.help``): alone, the menu under the emergency line.
    help: frozenset[str] = frozenset()
    #: Words that go with "help" in a plea (``small_talk.plea``: me, please, now, someone,
    #: "do it"): a plea and nothing else is a sure crisis, as "help me" is in English.
    plea: frozenset[str] = frozenset()
    #: Words that make "help" a need (``small_talk.need``: "mujhe madad chahiye", "I need
    #: help"): the menu under the emergency line, as in English.
    need: frozenset[str] = frozenset()
    #: Words that answer yes or OK (``small_talk.ok``) and no (``small_talk.negative``): a
    #: message of these alone is an acknowledgement, not read for danger ("nie" was a sure
    #: crisis).
    ok: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    #: Words that say goodbye (``small_talk.bye``): alone, the ``bye`` text.
    bye: frozenset[str] = frozenset()
    #: The words that may go with a greeting, thanks or an acknowledgement (``small_talk.other``).
    other: frozenset[str] = frozenset()
    #: ``council_services`` in the file, folded: the declined topics with the word beginnings
    #: that lead to each, in the file's order, and the safety words that keep a message for
    #: the safety answers (see :func:`council_service`).
    services: tuple[tuple[str, tuple[str, ...]], ...] = ()
    keep: tuple[str, ...] = ()

    def text(self, key: str) -> str:
        return self.texts.get(key, "")

    def goodbye_alone(self, words: set[str]) -> bool:
        """Whether ``words`` (folded) say only goodbye ("rab rakha ji", "dzięki, pa"): a
        goodbye word, with nothing but goodbye, thanks and filler words beside it."""
        return bool(words) and words <= self.bye | self.thanks | self.other \
            and not words.isdisjoint(self.bye)


def _keywords(raw: object) -> tuple[tuple[str, float], ...]:
    out = []
    for k in raw if isinstance(raw, list) else []:
        word = str(k)
        weight = 2.0 if word.endswith("!") else 1.0
        out.append((fold(word.rstrip("!")), weight))
    return tuple((k, w) for k, w in out if k)


def parse_translation(data: dict[str, object], language: str) -> Translation:
    """A translation file's content (already loaded YAML); see knowledge/translations/."""
    t = Translation(language=language, name=str(data.get("name", language)))
    unreviewed = False
    texts = data.get("texts")
    for key, entry in (texts.items() if isinstance(texts, dict) else []):
        if isinstance(entry, dict):
            t.texts[str(key)] = str(entry.get("text", "")).strip()
            unreviewed |= entry.get("translation") != "reviewed"
    topics = data.get("topics")
    for tid, entry in (topics.items() if isinstance(topics, dict) else []):
        if not isinstance(entry, dict):
            continue
        reviewed = entry.get("translation") == "reviewed"
        unreviewed |= not reviewed
        t.topics[str(tid)] = LocalTopic(str(tid), str(entry.get("title", "")).strip(),
                                        str(entry.get("answer", "")).strip(),
                                        _keywords(entry.get("keywords")), reviewed)
    also = data.get("also")
    for tid, words in (also.items() if isinstance(also, dict) else []):
        t.also[str(tid)] = _keywords(words)
    talk = data.get("small_talk")
    if isinstance(talk, dict):
        def words(key: str) -> frozenset[str]:
            raw = talk.get(key)
            return frozenset(w for item in (raw if isinstance(raw, list) else [])
                             for w in fold(str(item)).split())

        t.greetings, t.thanks, t.help = words("greetings"), words("thanks"), words("help")
        t.plea, t.need, t.ok, t.no = words("plea"), words("need"), words("ok"), words("negative")
        t.other, t.bye = words("other"), words("bye")
        t.small_talk = t.greetings | t.thanks | t.other
    services = data.get("council_services")
    if isinstance(services, dict):
        def beginnings(raw: object) -> tuple[str, ...]:
            return tuple(w for w in (fold(str(item)) for item in
                                     (raw if isinstance(raw, list) else [])) if w)

        t.keep = beginnings(services.get("keep"))
        decline = services.get("decline")
        t.services = tuple((str(tid), beginnings(words)) for tid, words in
                           (decline.items() if isinstance(decline, dict) else []))
    t.unreviewed = unreviewed
    return t


@cache
def translation(language: str, directory: Path = TRANSLATIONS_DIR) -> Translation | None:
    """The language's translation file, loaded once; ``None`` if there is none."""
    import yaml

    path = directory / f"{language}.yaml"
    if not path.is_file():
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe)
    return parse_translation(data if isinstance(data, dict) else {}, language)


# --------------------------------------------------------------------------- crisis rules

# (name, pattern over fold(text), kind). Every language's rules run on every non-English
# message: a Punjabi speaker may write Urdu words, and a misdetected language must not
# cost a crisis. Child rules first (a child hurt is named for what it is).
# Rules are written as people type and folded like the messages. In Arabic script and
# Gurmukhi a word may end in a vowel sign, which regular expressions do not count as a word
# character, so \b would never match there: those rules match inside the folded text.


def _folded(pattern: str) -> re.Pattern[str]:
    return re.compile(_fold_chars(pattern, lower=False))


def _rule(name: str, pattern: str) -> re.Pattern[str]:
    if name.startswith(("ur-", "pa-")):
        pattern = pattern.replace(r"\b", "")
    return _folded(pattern)


_Rules = list[tuple[str, re.Pattern[str], CrisisKind]]


def _compiled(table: list[tuple[str, str, CrisisKind]]) -> _Rules:
    """A rule table with each pattern compiled as :func:`_rule` does."""
    return [(name, _rule(name, pattern), kind) for name, pattern, kind in table]


# How much of what, after "I swallowed" (session 20's overdose rules): "całą paczkę tabletek",
# "20 paracetamoli", "pół opakowania".
_OVERDOSE = (r".{0,30}\b(?:cal[aey]|calo|wszystk\w*|garsc|pol|\d{2,}|za duzo)\b.{0,30}"
             r"\b(?:tabletek|tabletki|tabl\w*|pigul\w*|paracetamol\w*|leki|lekow|lekami|"
             r"opakowani\w*|paczk\w*|blister\w*)")
_CRISIS_RULES: _Rules = _compiled([
        # --- Polish (folded: no diacritics)
        ("pl-child", r"\b(?:bije|katuje|krzywdzi|kopie|dusi|leje)\b.{0,20}\b(?:dziecko|dzieci|"
         r"syna|corke|coreczke|synka|niemowle)\b|\b(?:ojczym|ojciec|tata|tato|mama|matka|"
         r"macocha)\b.{0,15}\bmnie\b.{0,10}\b(?:bije|leje|katuje|krzywdzi)\b.*\bmam 1?\d lat\b|"
         r"\bdziecko\b.{0,20}\b(?:nie oddycha|nieprzytomn|dusi sie)|"
         # Session 12: a child lost or gone now ("moje dziecko zniknęło w sklepie").
         r"\b(?:dziecko|coreczka|synek)\b.{0,20}\b(?:zniknel\w*|zniknal\w*|zaginel\w*|"
         r"zaginal\w*)\b(?!.*\b(?:temu|kiedys|dawno|w zeszlym)\b)|"
         r"\b(?:zgubilam|zgubilem|nie moge znalezc) (?:dziecka|coreczki|synka)\b|"
         # Session 18: a child on the railway line now ("mały wszedł na tory").
         r"\b(?:maly|mala|dziecko|synek|coreczka|chlopiec|dziewczynka|syn|corka)\b.{0,30}"
         r"\bna tor(?:y|ach)\b",
         CrisisKind.CHILD),
        ("pl-hurting-me", r"\b(?:mnie|nas)\b(?: \w+){0,2} (?:bije|bija|uderza|kopie|dusi|katuje|"
         r"szarpie|gwalci|atakuje|atakuja|leje|tlucze|maltretuje)\b|\b(?:bije|bija|uderza|kopie|dusi|"
         r"katuje|szarpie|gwalci|atakuje|leje|tlucze) (?:mnie|nas)\b|"
         # Said to the attacker: "przestań mnie bić" ("stop hitting me").
         r"\bprzestan(?:cie)?\b(?: \w+){0,2} (?:bic|uderzac|kopac|dusic|krzywdzic|szarpac)\b",
         CrisisKind.DANGER),
        ("pl-kill-me", r"\bzabij[eac]\b.{0,10}\b(?:mnie|nas|cie|ciebie|dzieci)\b|"
         r"\b(?:mnie|nas)\b.{0,10}\bzabij[eac]\b|\bchce mnie zabic\b|"
         r"\b(?:pobije|zatlucze|udusi|zadzga) (?:mnie|nas)\b|"
         r"\b(?:mnie|nas) (?:pobije|zatlucze|udusi|zadzga)\b", CrisisKind.DANGER),
        # ("się" moves: "ktoś się włamuje do domu" got nothing, session 17.)
        ("pl-now", r"\b(?:probuje|probuja|chce|chca) sie (?:wlamac|dostac)\b|\bwlamuj[ea] sie\b|"
         r"\bsie wlamuj[ea] do (?:domu|mieszkania|nas|mnie|naszego|mojego)\b|"
         r"\b(?:zamknelam|zamknalem|ukrywam|chowam|zabarykadowalam) sie\b|"
         r"\b(?:wali|dobija sie|lomocze) (?:w|do) drzwi|\b(?:idzie|chodzi|jedzie) za mna\b|"
         r"\b(?:sledzi|goni) mnie\b|\bboje sie o (?:swoje |moje )?zycie\b|"
         r"\bjestem w niebezpieczenstwie\b|\bratunku\b|\bma (?:noz|bron|maczete)\b|"
         r"\bktos (?:jest|chodzi) (?:w|po) (?:moim |naszym )?(?:domu|mieszkaniu|ogrodzie|garazu|"
         r"piwnicy)\b|"
         # Session 12: someone being stabbed, screams for help, windows being smashed now.
         r"\b(?:ktos|on|ona|oni) (?:\w+ )?(?:dzga|dzgaja|tnie nozem)\b|"
         r"\b(?:dzga|dzgaja) (?:mnie|nas|mojego|moja|moje|mojej)\b|"
         r"\b(?:krzycz\w*|wola|wzywa) o pomoc\b|"
         r"\b(?:wybija|wybijaja|rozbija|rozbijaja|tlucze|tluka) (?:mi |nam )?(?:okna|okno|"
         r"szyby|szybe)\b|"
         r"\bzamknal mnie\b|\bnie (?:pozwala|daje) mi wyjsc\b|\bpusc(?:cie)? mnie\b|"
         r"\bstoi pod (?:moimi |naszymi )?drzwiami\b|\bwywaza drzwi\b|"
         r"\bgrozi mi (?:nozem|bronia|smiercia)\b",
         CrisisKind.DANGER),
        ("pl-self-harm", r"\bnie chce (?:juz )?zyc\b|\bchce (?:sie )?(?:zabic|umrzec|zginac)\b|"
         # "zabić się można z tymi kolejkami": "you could die of these queues".
         r"(?<!mozna )\bzabic sie\b(?! mozna)|\bskoncz[eya] ze soba\b|\bodebrac sobie zycie\b|"
         r"\b(?:mysle|planuje|chce popelnic) (?:o )?samobojstw|\bpopelnie samobojstwo\b|"
         r"\bpotne sie\b|\bnie ma sensu zyc\b|\bnie chce mi sie (?:juz )?zyc\b|"
         r"\bskoncz\w* ze soba\b|\bmam dosc (?:zycia|zycia juz)\b|\btne sie\b|"
         # Session 16, from the pending real Polish words: "kaleczę się" (I cut myself).
         r"\bkalecze sie\b|"
         # Not "zabiję się ze śmiechu": "I'll die laughing".
         r"(?:\b(?:powiesze|powiesic|zabije) sie|\bsie (?:powiesze|zabije|potne))\b"
         r"(?! ze smiechu| z nudow)|\brzuce sie pod\b|\b(?:wolalbym|wolalabym) nie zyc\b|"
         r"\bchce (?:to )?wszystko zakonczyc\b|\blepiej (?:by|zeby|gdyby) mnie nie bylo\b|"
         r"\bchce skoczyc\b|"
         # Session 13: "wszyscy byliby szczęśliwsi beze mnie" (everyone would be happier
         # without me), "nikt by za mną nie tęsknił" (nobody would miss me).
         # Asking where to talk about such thoughts is the mental health answer, not 999.
         r"^(?!.*\b(?:z kim|gdzie|porozmawiac|pogadac|nic nie planuje)\b).*"
         r"\b(?:bylby|bylaby|byliby|bylyby|byloby|bedzie|beda|bedzie wam|bedzie im) (?:\w+ )?"
         r"(?:szczesliwsi|szczesliwszy|szczesliwsza|lepiej|lepszy|lepsze|latwiej) beze mnie\b|"
         r"\bnikt by (?:za mna )?nie (?:tesknil|zatesknil)\w*\b|"
         r"\bnikt nie bedzie (?:za mna )?tesknil\w*\b",
         CrisisKind.SELF_HARM),
        ("pl-medical", r"\bnie oddycha\b|"
         # Session 18 (probe messages a helper wrote blind): unresponsive, convulsing now.
         r"\bnie kontaktuje\b(?!.*\b(?:temu|kiedys|dawno)\b)|"
         # Session 16, from the pending real Polish words: an ambulance asked for, a heart
         # attack now, a birth under way, someone told to open their eyes.
         r"\b(?:potrzebuje|potrzebujemy|prosze o|prosilbym o|prosilabym o|wezwijcie|"
         r"wyslijcie|przyslijcie|dzwoncie po) karetk\w*|"
         r"\b(?:mam|ma) zawal\b(?!.*\b(?:temu|kiedys|dawno|w zeszlym)\b)|"
         r"\bwychodzi (?:juz )?(?:glowka|dziecko)\b|\botworz oczy\b|"
         r"\bnie (?:moge|mozemy) (?:go|jej) (?:dobudzic|obudzic)\b|"
         r"\b(?:polknal|polknela|przedawkowal|przedawkowala|zazyl|zazyla|wzial|wziela)\b.{0,30}"
         r"\b(?:tabletek|tabletki|leki|lekow|opakowanie)\b|\bstracil[a]? przytomnosc\b|"
         r"\bnieprzytomn\w*\b|"
         r"\b(?:lezy|upadl\w*|padl\w*)\b.{0,30}\b(?:nie rusza sie|sie nie rusza)\b|"
         r"\bnie mozna (?:go|jej) (?:dobudzic|obudzic)\b|"
         # An overdose now, not one told about afterwards ("rok temu", "kiedys").
         r"\bprzedawkowal[a]?\b(?!.*\b(?:temu|kiedys|dawno|wczoraj|zmarl|zmarla)\b)|"
         # Session 12: fallen into water, drowning (not "tonie w długach": in debt).
         r"\bwpadl\w* do (?:rzeki|wody|stawu|kanalu|jeziora)\b(?!.*\b(?:temu|kiedys|dawno)\b)|"
         r"\b(?:ktos|dziecko|chlopiec|dziewczynka|czlowiek|mezczyzna|kobieta|kolega|kolezanka|"
         r"on|ona) tonie\b(?! w (?:dlugach|pracy|papierach|dokumentach))",
         CrisisKind.MEDICAL),
        # "pali się termin" (a deadline is burning) is no fire.
        # Nor "światło się pali" (the light is on), session 18.
        ("pl-fire", r"\b(?:pali|palimy) sie\b(?! (?:termin|grunt|deadline|swiatlo|lampa|lampka|"
         r"swieczka|znicz|latarnia))|(?<!swiatlo )(?<!lampa )(?<!lampka )(?<!swieczka )"
         r"(?<!znicz )(?<!latarnia )\bsie pali\b|"
         r"(?<!istny )(?<!prawdziwy )\bpozar\b|\bplonie\b|"  # "istny pożar": chaos
         r"\b(?:pelno|gesty) dym|\bdym (?:na klatce|w mieszkaniu|w domu|w kuchni)\b|\bogien w\b",
         CrisisKind.FIRE),
        # Session 20 (L33), from round 27's Polish files, which the models never learnt.
        # An overdose told in the first person, with how much ("połknęłam 20 paracetamoli",
        # "łyknąłem całą paczkę"): the medical rule knew only "połknął" (he swallowed).
        ("pl-overdose-me", rf"\b(?:polknelam|polknalem|lyknelam|lyknalem|wzielam|wzialem|"
         rf"zazylam|zazylem|zjadlam|zjadlem|nalykalam|nalykalem)\b{_OVERDOSE}|"
         r"\bprzesadzil(?:am|em) z (?:insulin\w*|lekami|tabletkami|pigulkami)\b.{0,20}\bcelowo\b",
         CrisisKind.SELF_HARM),
        ("pl-overdose", rf"\b(?:polknal|polknela|lyknal|lyknela|wzial|wziela|zazyl|zazyla|zjadl|"
         rf"zjadla|nalykal|nalykala)\b{_OVERDOSE}", CrisisKind.MEDICAL),
        # A room, a house or a car in flames now; flames bursting out. (Not "w ogniu krytyki":
        # only buildings, rooms and things that burn.)
        ("pl-flames", r"\b(?:kuchni\w*|dom|domu|mieszkani\w*|blok|auto|samochod|garaz|dach|"
         r"pokoj|regal\w*|budyn\w*|klatk\w*|chat\w*|szop\w*|piwnic\w*|kamienic\w*)\b"
         r".{0,25}\bw (?:ogniu|plomieniach)\b|\bstoi w plomieniach\b|"
         r"\bbuchaj\w* plomien\w*|\bplomien\w* (?:buchaj\w*|z dachu|z okna|z okien)\b|"
         r"\bdym z (?:piwnicy|mieszkania|okna|okien|kuchni|dachu|klatki)\b",
         CrisisKind.FIRE),
        # A child gone now, the phone off or gone off with a stranger ("syn 10 lat nie wrócił
        # ze szkoły, telefon wyłączony").
        # (An age under 20 only: "mąż ... ma 45 lat" is a missing husband.)
        ("pl-child-gone", r"^(?=.*\b(?:syn|synek|corka|coreczka|dziecko|1?\d ?latk\w*|"
         r"1?\d-?letni\w*|1?\d lat)\b)(?=.*\b(?:nie wrocil\w*|wsiadl\w* do (?:auta|samochodu|"
         r"vana))\b)(?=.*\b(?:telefon (?:ma |jest )?wylaczony|nie odbiera|nikt (?:jej|go) nie "
         r"widzial|z jakims (?:doroslym|starszym|obcym)|starsz\w* (?:facet\w*|gosc\w*|"
         r"chlopak\w*))\b)", CrisisKind.CHILD),
        # A weapon aimed or used now, petrol poured, a threat to burn the house, and a
        # message written where the abuser can hear or read it ("nie mogę gadać. on słucha").
        ("pl-danger-now", r"\b(?:pistolet\w*|spluw\w*|bron\w*|nozem|szklem)\b.{0,30}"
         r"\bcelu(?:je|ja)\b|\bcelu(?:je|ja)\b(?: \w+){0,3} (?:w|do) (?:okna|ludzi|nas|mnie|"
         r"niego|nia|kogos|dzieci|barmank\w*)\b|\bprzystawil\w* (?:mi |mu |jej )?(?:pistolet|noz|"
         r"bron)\w*|\b(?:ktos|oni|on) strzela\b(?!.*\b(?:gol\w*|bramk\w*|focha|fajerwerk\w*|"
         r"petard\w*|zdjec\w*|fotk\w*)\b)|\b(?:wylal|oblal|polal)\w* (?:na )?mnie benzyn\w*|"
         r"\b(?:podpali|podpale)\b.{0,20}\b(?:dom|mieszkanie|nas|mnie|chate)\b|"
         r"\bnie (?:moge|moze) (?:gadac|mowic|rozmawiac|pisac)\b.{0,25}\bon (?:slucha|czyta)\b|"
         r"\bon (?:slucha|czyta)\b.{0,25}\bnie (?:pisz|odpisuj|dzwon)\w*",
         CrisisKind.DANGER),
        # Choking, bleeding hard, a bone through the skin, drowning now.
        ("pl-medical-now", r"\bnie (?:moze|moge|mozemy) (?:nawet )?(?:oddychac|kaszlec)\b"
         r"(?!.*\b(?:nos\w*|katar\w*|alergi\w*|smiech\w*|smieje)\b)|"
         r"\bkrew (?:tryska|leje sie|sie leje|leci jak z kranu)\b|\b(?:krwawi|krwawie) (?:bardzo )?"
         r"(?:mocno|strasznie|bez przerwy)\b|\bbardzo (?:mocno )?krwawi\w*\b|"
         r"\bkosc\w* (?:mu |jej )?wystaje\b|"
         r"\b(?:syn|corka|dziecko|maly|mala|ktos|kolega|kolezanka|on|ona|czlowiek|chlopiec|"
         r"dziewczynka|pies|brat|siostra) (?:sie topi|topi sie)\b|"
         r"\bpod woda\b.{0,40}\b(?:wiotk\w*|sin[aiy]|nie oddycha|bez ruchu)\b|"
         r"\b(?:siny|sina|sine)\b.{0,15}\bbez ruchu\b",
         CrisisKind.MEDICAL),
        # Something caught fire now; smoke through the building with the alarm going; gas.
        # (Not a fire already out: _FIRE_OUT quiets every Polish fire rule.)
        ("pl-fire-now", r"(?:\bzapalil\w* sie|\bsie zapalil\w*)\b(?!.*\b(?:swiatl\w*|lampk\w*|"
         r"kontrolk\w*|dioda|lampa|papieros\w*|zielone|czerwone|silnik\w*|znicz\w*|swiec\w*)\b)|"
         r"\bdym\w* w (?:calym|calej) (?:bloku|domu|mieszkaniu|klatce|budynku)\b|"
         r"\balarm\w* (?:wyje|piszczy|dzwoni)\b.{0,60}\bdym|\bdym\w*\b.{0,60}\balarm\w* "
         r"(?:wyje|piszczy|dzwoni)\b|\b(?:czuc|czuje|smierdzi|wali) gaz\w*\b",
         CrisisKind.FIRE),
        # A goodbye on the way to the railway, the river or a bridge.
        ("pl-goodbye", r"\bide (?:na tory|nad rzeke|na most)\b.{0,40}\b(?:nie (?:pisz|dzwon|"
         r"szukaj)\w*|zegna\w*|przepraszam)\b|\b(?:nie (?:pisz|dzwon|szukaj)\w*|zegna\w*|"
         r"przepraszam|list)\b.{0,60}\bide (?:na tory|nad rzeke|na most)\b|"
         r"\bpetla (?:zawiazana|gotowa)\b|\bsznur (?:jest )?(?:juz )?(?:na belce|zawiazany)\b|"
         # A note left: "powiedz mamie, że to nie jej wina"; ending it all now.
         r"\bpowiedz\w* (?:mamie|tacie|im|rodzicom|dzieciom|mu|jej)\b.{0,20}\bto nie (?:jej|jego|"
         r"ich|twoja|wasza) wina\b|\b(?:chce|musze|zamierzam) skonczyc ze wszystkim\b|"
         r"\bskoncze ze wszystkim\b",
         CrisisKind.SELF_HARM),
        # Session 23 (L47), from round 33's Polish crises that no model learnt and that got
        # no crisis reply: a plan under way, a last message, pills already taken, a cut too
        # deep. (Quiet for a joke, a "what if" and a long-ago story: _SPARED.)
        ("pl-self-harm-now", r"\b(?:pocial\w*|cial\w*|zrobil\w* to)\b.{0,40}"
         r"\b(?:glebiej|za gleboko)\b|"
         r"\b\d{2,} (?:tabletek|tabletki|paracetamol\w*|pigul\w*)\b.{0,60}\b(?:juz|wlasnie) "
         r"(?:wzial\w*|wziel\w*|polknal\w*|polknel\w*|lyknal\w*|lyknel\w*)\b|"
         r"\b(?:jestem|stoje|siedze|leze) na torach\b|"
         r"\b(?:jestem|stoje|siedze) (?:na moscie|nad (?:rzeka|trentem|kanalem|woda))\b.{0,40}"
         r"\b(?:kamien\w*|zegnam|ostatni\w*|skacze|skocze)\b|"
         r"\bto (?:moja |jest )?ostatni\w* wiadomosc\w*\b|"
         r"\blist (?:jest |zostawil\w* )?(?:w szufladzie|na stole|na biurku|na lozku)\b|"
         r"\brozdal\w* (?:swoje |wszystkie |moje )?rzeczy\b|"
         r"\btrzymam (?:noz|zyletk\w*|brzytw\w*)\b.{0,30}\b(?:nie wiem|czy)\b|"
         r"\b(?:barierce|balustradzie|krawedzi|parapecie|gzymsie)\b.{0,40}\bskocz\w*|"
         r"\bskocz\w*\b.{0,30}\b(?:z balkonu|z dachu|z mostu|\d+ pietro)\b",
         CrisisKind.SELF_HARM),
        # A stroke, an asthma attack, a swallowed battery, an electric shock, a fall from a
        # height, an allergic throat, a birth with bleeding, blood that will not stop.
        ("pl-medical-more", r"\b(?:twarz|usta|kacik ust) (?:mu |jej )?(?:opada|opadla|opadl|"
         r"wykrzywil\w*)\b|\bma (?:chyba )?(?:wylew|udar)\b|"
         r"\binhalator\w* nie (?:dziala|pomaga)\b|\bnie (?:moge|moze) zlapac (?:tchu|"
         r"powietrza|oddechu)\b(?=.*\b(?:astm\w*|inhalator\w*)\b)|\bnie (?:moge|moze) zlapac$|"
         r"\bpolknal\w* (?:baterie|bateryjke|magnes\w*|zyletk\w*|plyn do \w+)\b|"
         r"\bporazil\w* (?:go|ja|mnie|ich|dziecko) prad\w*\b|\bprad (?:go|ja|mnie) porazil\b|"
         r"\bspadl\w*\b.{0,60}\bnie czuje (?:nog|rak)\b|"
         r"\b(?:puchnie|spuchl\w*|zamyka sie) (?:mi |mu |jej )?(?:gardlo|jezyk|krtan)\b|"
         r"\bgardlo (?:mi |mu |jej )?(?:puchnie|spuchlo|sie zamyka)\b|"
         r"\bwody (?:mi |jej )?(?:odeszly|odchodza)\b.{0,40}\bkrwaw\w*|"
         r"\bnie (?:moge|moze|mozemy) zatrzymac (?:krwi|krwawienia)\b",
         CrisisKind.MEDICAL),
        # Someone coming in now (not in a dream), being chased, a threat to cut, someone
        # kicked in the head, a stabbing with blood, a weapon taken to find someone.
        ("pl-danger-more", r"^(?!.*\b(?:snil\w*|snie|sen|koszmar\w*)\b).*"
         r"\b(?:on|oni|ktos) (?:juz |wlasnie )?(?:wchodzi|wchodza) "
         r"(?:do (?:domu|mieszkania|srodka|pokoju|sypialni|lazienki)|przez okno)\b|^juz wchodzi\b|"
         r"\b(?:gonia|ganiaja) (?:mnie|nas)\b|\bon jest (?:gdzies |tuz )?za mna\b|"
         r"\b(?:mnie|nas) (?:potna|potnie|pokroja|zadzgaja)\b|\b(?:potna|potnie) (?:mnie|nas)\b|"
         r"\bkopi(?:a|e|ja) (?:\w+ ){0,3}po glowie\b|"
         r"\bdostal\w* (?:kosa|nozem|kose)\b(?=.*\b(?:krew|krwi|krwawi\w*|lezy|teraz|tu|"
         r"jestesmy)\b)|"
         r"\bnie wyjde z tego zyw\w*\b|"
         r"\b(?:wrzeszczy|krzyczy|drze sie)\b.{0,15}\bze (?:ja|go|ich|nas) zabije\b|"
         r"\bwzial\w* (?:maczete|noz|siekiere|bron|pistolet)\b.{0,60}\b(?:pojechal|poszedl|szukac|"
         r"zalatwi|zabic)\w*|"
         r"\bon jest (?:teraz |juz )?pod (?:moimi |naszymi )?drzwiami\b",
         CrisisKind.DANGER),
        # Young children alone at night or by the water, a child in a stranger's car now,
        # a child kept in or made to carry drugs, blows heard through the wall.
        ("pl-child-more", r"^(?!.*\b(?:czesto|zawsze|codziennie|martwie sie)\b)"
         r"(?=.*\b(?:dziecko|dzieci|dziewczynk\w*|chlopiec|chlopcy|maly|mala|"
         r"male|\d-?latek|\d-?latka)\b)(?=.*\bsam[aei]?\b)(?=.*\b(?:w nocy|bez butow|zadnego "
         r"doroslego|bez opieki|nad (?:rzeka|trentem|woda|kanalem))\b)|"
         r"\bwsiadl\w* do (?:auta|samochodu)\b.{0,40}\b(?:facet\w*|obc\w*|dorosl\w*)\b.{0,60}"
         r"\b(?:teraz|jada|jedzie|lokalizacj\w*)\b|"
         r"\b(?:maly|mala|synek|coreczka)\b.{0,15}\b(?:zniknal\w*|zniknel\w*|zaginal\w*|"
         r"zaginel\w*)\b.{0,40}\b(?:szukamy|szukam)\b|"
         r"\bnie pozwala (?:mu|jej) wyjsc\b|\bkaz\w* (?:mu|jej) (?:cos )?(?:rozwozic|wozic|"
         r"sprzedawac)\b|"
         r"^(?!.*\b(?:caly czas|ciagle|czesto|zawsze|codziennie)\b)(?:.*\bslychac (?:uderzenia|"
         r"bicie|klapsy)\b.{0,40}\b(?:maly|mala|dziecko|dzieci)\b|.*\b(?:maly|mala|dziecko|"
         r"dzieci)\b.{0,40}\bslychac (?:uderzenia|bicie|klapsy)\b)",
         CrisisKind.CHILD),
        # A burning smell with an alarm sounding, or with neighbours who will not answer.
        ("pl-fire-more", r"\b(?:czuc|pachnie|smierdzi|wali) (?:palonym|spalenizn\w*)\b.{0,60}"
         r"\b(?:alarm\w*|nie otwieraj\w*|nie odpowiadaj\w*)\b|"
         r"\balarm\w* (?:wyje|piszczy|dzwoni)\b.{0,60}\b(?:palonym|spalenizn\w*)\b",
         CrisisKind.FIRE),
        # --- Urdu and Shahmukhi Punjabi (Arabic script, folded)
        ("ur-child", r"(?:بچے|بچی|بچہ|بیٹی|بیٹے)\b.{0,25}(?:مار رہا|مار رہی|پیٹ رہا|"
         r"اغوا|زبردستی)|"
         # Session 18: a child gone from sight by water, or lost, now (Urdu and Shahmukhi);
         # not a child's phone, bag or keys lost.
         r"^(?!.*(?:فون|موبائل|بیگ|چابی|پرس|بٹوہ|کتاب|جوتے)).*"
         r"(?:بیٹا|بیٹی|بچہ|بچی|بچے|منڈا|کڑی|پتر)\b.{0,40}(?:پانی میں گر|نہر میں گر|دریا میں گر|"
         r"نظر (?:نہیں|نئیں) (?:آ رہا|آ رہی|آندا|آندی|آ رہیا)|گم ہو گیا|گم ہو گئی|گواچ گیا|"
         r"گواچ گئی)",
         CrisisKind.CHILD),
        ("ur-hurting-me", r"(?:مجھے|ہمیں|مینوں|سانوں)\b(?: \S+){0,2} (?:مار|پیٹ|کٹ|کُٹ) "
         r"(?:رہا|رہی|رہے|رہیا)\b|\bبچاؤ\b(?! کی| کا| کے)|\bبچاو\b(?! کی| کا| کے)|"
         r"دروازہ توڑ|خود کو .{0,15}بند کر|گھر میں کوئی گھس|(?:مت|نہ) مارو|مارو (?:مت|نہ)|"
         # Session 16, from the pending real Urdu words: robbers in the house now, someone
         # being abducted now.
         r"^(?!.*اگر ).*گھر میں (?:\S+ ){0,2}گھس (?:آئے|آیا|آ گئے|آگئے|آ گیا|آگیا)|"
         r"اغوا کر (?:کے )?(?:لے جا|لیجا) رہے|"
         # Session 18 (probe messages a helper wrote blind): a man in the house now, people
         # hiding from him.
         r"^(?!.*اگر ).*گھر (?:کے )?اندر (?:\S+ ){0,2}(?:آ گیا|آگیا|آ گئے|آگئے|گھس)|"
         r"(?:اوپر|الماری|کمرے|باتھ روم|غسل خانے)\S* (?:\S+ ){0,2}چھپ(?:ے|ی|ا) (?:ہیں|ہوں|ہوئے)",
         CrisisKind.DANGER),
        ("ur-self-harm", r"مرنا چاہت|مرنا چاہند|خودکشی (?:کرنا|کر لوں|کرلوں|کروں|کرنے|کر لاں)|"
         r"جینے کا دل نہیں|خود کو ختم|زندگی ختم کر|سب ختم کر دوں|جینا نہیں چاہت|"
         r"مر جانا چاہت|ہمیشہ کے (?:لیے|لئے) سو ج|"
         # Session 13: "everyone would be happier without me", "nobody will miss me".
         r"میرے بغیر.{0,20}(?:خوش|بہتر)(?!.*(?:تھی|تھا|تھے))|کوئی مجھے یاد نہیں کرے گا",
         CrisisKind.SELF_HARM),
        ("ur-medical", r"سانس نہیں|ہوش میں نہیں|بے ہوش|بیہوش|گولیاں کھا|"
         r"سینے (?:میں|وچ) (?:شدید |بہت |تیز )?درد", CrisisKind.MEDICAL),
        ("ur-fire", r"آگ لگ", CrisisKind.FIRE),
        # --- Gurmukhi (folded: no addak, tippi, bindi or nukta)
        ("pa-child", r"(?:ਬਚੇ|ਬਚੀ|ਬਚਾ|ਧੀ|ਪੁਤ)\b.{0,25}(?:ਕੁਟ ਰਿਹਾ|ਮਾਰ ਰਿਹਾ|ਲੈ ਗਿਆ|ਅਗਵਾ|ਜਬਰਦਸਤੀ)|"
         r"^(?!.*(?:ਫੋਨ|ਫ਼ੋਨ|ਮੋਬਾਈਲ|ਬੈਗ|ਚਾਬੀ|ਪਰਸ|ਕਿਤਾਬ|ਜੁੱਤੀ)).*"
         r"(?:ਪੁੱਤ|ਧੀ|ਬੱਚਾ|ਬੱਚੀ|ਮੁੰਡਾ|ਕੁੜੀ)\b.{0,40}(?:ਗੁਆਚ ਗਿਆ|ਗੁਆਚ ਗਈ|ਗੁੰਮ ਹੋ|ਨਜ਼ਰ ਨਹੀਂ ਆ|"
         r"ਪਾਣੀ ਵਿੱਚ ਡਿੱਗ|ਨਹਿਰ ਵਿੱਚ ਡਿੱਗ)",
         CrisisKind.CHILD),
        ("pa-hurting-me", r"(?:ਮੈਨੂ|ਸਾਨੂ)\b(?: \S+){0,2} (?:ਕੁਟ|ਮਾਰ) (?:ਰਿਹਾ|ਰਹੀ|ਰਹੇ)|"
         r"\bਬਚਾਓ\b|ਦਰਵਾਜਾ ਤੋੜ|(?:ਨਾ|ਮਤ) ਮਾਰੋ|ਮਾਰੋ ਨਾ|"
         # Session 16, from the pending real Punjabi words: someone being abducted now.
         r"ਅਗਵਾ ਕਰ(?:ਕੇ)? (?:ਲਿਜਾ|ਲੈ ਜਾ) ਰਹੇ|"
         r"^(?!.*ਜੇ ).*ਘਰ ਵਿਚ (?:\S+ ){0,2}ਵੜ (?:ਆਏ|ਗਏ|ਆਇਆ|ਗਿਆ)|"
         r"^(?!.*ਜੇ ).*ਘਰ (?:ਦੇ )?ਅੰਦਰ (?:\S+ ){0,2}ਵੜ (?:ਆਏ|ਗਏ|ਆਇਆ|ਗਿਆ)",
         CrisisKind.DANGER),
        # A knife or "he'll kill me" is often a question or a figure of speech ("knife crime
        # figures", "my boss will kill me"): weak rules, gated below.
        ("ur-threat", r"چاقو|چھری|جان سے مار|مار ڈال", CrisisKind.DANGER),
        ("pa-threat", r"ਚਾਕੂ|ਛੁਰੀ|ਜਾਨੋ ਮਾਰ|ਜਾਨ ਤੋ ਮਾਰ", CrisisKind.DANGER),
        ("pa-self-harm", r"ਮਰਨਾ ਚਾਹੁਦ|(?:ਖੁਦਕੁਸੀ|ਖੁਦਕਸੀ|ਆਤਮਹਤਿਆ) (?:ਕਰ|ਕਰਨ)|ਜਿਉਣ ਨੂ ਦਿਲ ਨਹੀ|"
         r"ਸਭ ਖਤਮ ਕਰ|ਜੀਣਾ ਨਹੀ ਚਾਹੁਦ|"
         r"ਮੇਰੇ ਬਿਨਾ.{0,20}(?:ਖੁਸ|ਬਿਹਤਰ|ਚੰਗਾ|ਸੌਖਾ)(?!.*(?:ਸੀ|ਸਨ)(?!\S))|ਕੋਈ ਮੈਨੂ ਯਾਦ ਨਹੀ ਕਰੇਗਾ",
         CrisisKind.SELF_HARM),
        ("pa-medical", r"ਸਾਹ ਨਹੀ|ਹੋਸ ਵਿਚ ਨਹੀ|ਬੇਹੋਸ|ਗੋਲੀਆ ਖਾ|ਛਾਤੀ (?:ਵਿੱਚ|ਚ) (?:ਬਹੁਤ |ਤੇਜ਼ )?ਦਰਦ",
         CrisisKind.MEDICAL),
        ("pa-fire", r"ਅਗ ਲਗ", CrisisKind.FIRE),
        # --- Roman Urdu and Punjabi
        ("roman-child", r"\b(?:beti|beta|bacha|bachi|bache|dhee|putt)\b.{0,25}\b(?:agwa|"
         r"zabardasti|maar raha|kutt reha)\b|"
         # Session 18: a child put in a car and taken, lost or gone from sight now.
         r"\b(?:gaari|gari|gaadi|gadi|car) (?:mein|me|ch|vich) bitha (?:ke|kar) le (?:gaya|gya|"
         r"gayi|gyi|gye)\b|"
         r"^(?!.*\b(?:phone|mobile|bag|keys|chabi|purse|wallet|batua|kitab|book|shoes|joote|"
         r"jootay|jutti)\b).*"
         r"\b(?:bacha|bachi|beta|beti|munda|kudi|putt|puttar)\b.{0,40}\b(?:gayab|gum ho|kho "
         r"gaya|kho gayi|gwach gaya|nazar nahi aa|paani (?:mein|ch|vich) gir)", CrisisKind.CHILD),
        # "log mar rahe hain": people are dying (in the news), not "maar rahe" (hitting).
        ("roman-danger", r"(?<!log )\b(?:maar|mar|peet|kutt|kut) (?:raha|rahi|rahe|reha|rahya)\b|"
         r"\bbachao\b(?! ka| ke| ki)|"  # "aag se bachao ka plan": a fire-safety plan
         r"\bghar (?:mein|men|main|vich|wich) koi ghus|"
         # Session 17: "koi ghar mein ghus aaya hai" (someone has got into the house) raised
         # nothing; the Urdu-script rule above reads this order already.
         r"^(?!.*\bagar\b).*\bghar (?:mein|men|main|vich|wich) (?:\w+ ){0,2}ghus (?:aaya|aya|aaye|"
         r"aye|gaya|gaye|gya|gye|aa gaya|aa gaye|aa gya|aa gye|aagaya|aagaye)\b|"
         # Said to the attacker: "mat maro", "mainu na maaro" ("don't hit me").
         r"\b(?:mat|na|nah) (?:maro|maaro)\b|\b(?:maro|maaro) (?:mat|na)\b", CrisisKind.DANGER),
        ("roman-threat", r"\bjaan se maar|\bmaar dal(?:ega|egi|enge|o)\b|\bchaku\b|\bchhuri\b",
         CrisisKind.DANGER),
        ("roman-self-harm", r"\bkhud ?kushi (?:kar|karna|karni|karunga|karungi|karlun|karloon)\b|"
         r"\bmarna chaht[aie]\b|\bmarna chahnd[aie]\b|"
         r"\bkhud ?ko khatam\b|\bkhudko khatam\b|\bjeene ka dil nahi|"
         r"\bjee?na nahi chaht[aie]\b|\bmar jana chaht[aie]\b|\bmar jana chahnd[aie]\b|"
         r"\bmere (?:bina|baghair|bagair|binaa)\b.{0,20}\b(?:khush|behtar|behter|changa|sukhi)\b"
         r"(?!.*\b(?:the|thi|tha|thay|thee|si|san)\b)|"
         r"\bkoi (?:mujhe|menu|mainu|mennu) yaad nahi kare|"
         r"\bhamesha (?:ke liye|ke liay|layi|lai) so ja",
         CrisisKind.SELF_HARM),
        ("roman-medical", r"\bsaans nahi|\bbehosh\b|\bbe hosh\b|"
         r"\b(?:sari|saari|sab|saarian|tamam) (?:pills|goliyan|golian|goliaan|dawai|dawaiyan|"
         r"tablets) kha|"
         r"\b(?:chest|seene|seena|sine|chhati|chaati) (?:ch|mein|me|vich|wich) (?:bahut |bohat |"
         r"tez )?dard\b", CrisisKind.MEDICAL),
        ("roman-fire", r"\baag lag", CrisisKind.FIRE),
        # Session 18: burning now ("kamra jal raha hai", the room is burning), or set alight
        # just now: not a weak rule, so "kya karun" (what do I do) does not quiet it.
        ("roman-burning", r"\baag laga (?:di|dee|dii|diya|dita|ditti)\b|"
         r"\b(?:kamra|ghar|kitchen|gaari|gari|gadi|makan|parda|parde|dukan) (?:\w+ )?jal (?:raha|"
         r"rahi|rahe|reha|rahya)\b", CrisisKind.FIRE),
])
# Gurmukhi after folding has no bindi or tippi: "ਨਹੀਂ" becomes "ਨਹੀ", "ਮੈਨੂੰ" "ਮੈਨੂ".
# Looking back, or asking: "bił mnie kiedyś", "مارا تھا" are not matched by the present-tense
# rules above; the model only gives the middle tier for them (see _PAST).
_PAST = _folded(
    r"(?<!\S)(?:kiedys|wczesniej|dawno|lat temu|lata temu|rok temu|w przeszlosci|pichle|pichhle|"
    # session 20: "dwa lata temu połknęłam garść tabletek" (two years ago) was a sure crisis
    r"(?:dni|tygodnie|tygodni|miesiace|miesiecy) temu|"
    r"(?<!od )wczoraj|w zeszlym (?:tygodniu|miesiacu|roku)|tydzien temu|miesiac temu|kal raat|"
    r"saal pehle|saal pehlan|تھا|تھی|کل رات|سال پہلے|ਸੀ|ਕੱਲ੍ਹ ਰਾਤ|"
    # "پچھلے دروازے" is the back door, "ਪਿਛਲੀ ਖਿੜਕੀ" the back window, not "last" (session 18)
    r"پچھلے(?! دروازے| دروازہ| صحن| کمرے| گیٹ| کھڑکی)|پچھلی(?! کھڑکی| گلی)|"
    r"ਪਿਛਲੇ(?! ਦਰਵਾਜ਼ੇ| ਦਰਵਾਜੇ| ਕਮਰੇ| ਵਿਹੜੇ)|ਪਿਛਲੀ(?! ਖਿੜਕੀ| ਗਲੀ)|"
    # once, long ago: "ik vaar aag lagi si"
    # (not "ek baar phir", once again, and not "the", English's article in a mixed message)
    r"(?:ik vaar|ik vari|ek baar|ek dafa|ik dafa)\b(?! (?:phir|fir|pher|aur|hor))"
    r".{0,30}\b(?:si|tha|thi|thay))(?!\S)")


@dataclass(frozen=True)
class _ModelHit:
    kind: CrisisKind
    score: float


@cache
def crisis_model(language: str) -> CrisisModel | None:
    """``crisis_model.<lang>.tsv`` beside this file, loaded once; ``None`` if absent."""
    path = MODELS_DIR / f"crisis_model.{language}.tsv"
    return CrisisModel.load(path) if path.is_file() else None


def rule_crisis(text: str, rules: _Rules | None = None) -> Crisis | None:
    """The first rule of any supported language that fires, or ``None``.

    As in English, looking back ("rok temu", "pichle saal") keeps every rule quiet unless the
    message also says *now*; the model can still give the middle tier. The weak rules (a
    knife, a fire, "he'll kill me") also stay quiet for a question ("knife crime figures",
    "what to do if a fire starts"), and a danger rule for a figure of speech ("my boss will
    kill me", "this heat is killing me"): written from the training messages' hard negatives.
    Session 20's Polish rules (:data:`_SPARED`) also stay quiet for a joke, a "what if" and
    a message that says long ago; Polish fire rules for a fire already out; the kill rules for
    a laughing face or a threat made online and not said to be now.
    ``rules``: another table read the same way (:data:`_LATE_RULES`).
    """
    s = fold(text)
    asking = bool(_ASKING.search(s))
    now = bool(_NOW.search(s))
    looking_back = bool(_PAST.search(s)) and not now
    quiet_weak = (asking or looking_back or bool(_INFO.search(s))) and not now
    idiom = bool(_IDIOM.search(s))
    # (A sweating face too, session 20: "mówi że mnie zabije ... 😅 a tak na serio".)
    joking = (bool(_JOKING.search(s)) or bool(_LAUGHING.search(text.lower()))
              or "\U0001f605" in text)
    hypothetical = bool(_HYPOTHETICAL.search(s))
    long_ago = bool(_LONG_AGO.search(s))
    fire_idiom = bool(_FIRE_IDIOM.search(s))
    fire_out = bool(_FIRE_OUT.search(s))
    threat_online = bool(_THREAT_ONLINE.search(s)) and not now
    for name, pattern, kind in _CRISIS_RULES if rules is None else rules:
        # Someone else hurt, as a suspicion or a question ("I think the coach hurts
        # children, who do I tell?"), is a worry to report, as in the English rules.
        if asking and kind is CrisisKind.CHILD and not name.startswith("roman"):
            continue
        if looking_back or (quiet_weak and name in _WEAK) or (idiom and kind is CrisisKind.DANGER):
            continue
        if joking and name in _KILL:
            continue
        if name in _SPARED and (joking or hypothetical or long_ago):
            continue
        if fire_idiom and name in _WEAK and kind is CrisisKind.FIRE:
            continue
        if fire_out and kind is CrisisKind.FIRE and name.startswith("pl-"):
            continue
        if threat_online and name in _KILL:
            continue
        if pattern.search(s):
            return Crisis(kind, name)
    return None


_ASKING = re.compile(r"\b(?:podejrzewam|chyba|wydaje mi sie|komu|gdzie|jak zglosic)\b|"
                     r"شک|کس کو بتا|ਸ਼ਕ|ਸਕ ਹੋਵੇ|ਕਿਸ ਨੂ ਦਸ")
_WEAK = frozenset({"ur-threat", "pa-threat", "roman-threat", "pl-fire", "ur-fire", "pa-fire",
                   "roman-fire"})


# "czy już można" is "can one yet", not "already now".
# Nor "już" in "już wszystko ugasiła" (already put out) or "już po wszystkim" (all over).
_NOW = _folded(r"\b(?:teraz|(?<!czy )juz(?! (?:wszystko |to |ogien |pozar )?(?:ugasil\w*|"
               r"ugaszon\w*|po wszystkim|jest ok|jest dobrze|wszystko dobrze|bezpieczn\w*))|"
               r"w tej chwili|wlasnie|ratunku|pomocy|szybko|abhi|abi|"
               r"hun(?! theek| thik)|jaldi|foran|help)\b|ابھی|فوراً|فورا|جلدی|بچاؤ|ہن (?!ٹھیک)|"
               r"چھیتی|ਹੁਣ(?! ਕੀ| ਠੀਕ)|ਛੇਤੀ|ਜਲਦੀ|ਬਚਾਓ|"
               # minutes ago is now: "ਦੋ ਮਿੰਟ ਪਹਿਲਾਂ ਇੱਥੇ ਸੀ" (session 18)
               r"منٹ پہلے|منٹ پہلاں|ਮਿੰਟ ਪਹਿਲਾਂ|\bmin(?:ute|ut|at)?s? (?:pehle|pehlan|pahle)\b")
_INFO = _folded(r"\b(?:statystyk\w*|ile (?:bylo|jest|razy)|czy (?:to )?(?:legaln\w*|nielegaln\w*|"
                r"wolno|mozna|karalne)|jak (?:zglosic|moge|mozna|pomoc|wspierac|rozmawiac|"
                r"rozpoznac|zapobiec|sie przygotowac)|co (?:robic|zrobic|sie stalo|grozi)|"
                r"gdzie (?:zglosic|moge|mozna|szukac)|przepisy|kaise|kaisay|kese|kivein|kiven|"
                r"kya karun|kya karna|kya karen|kya hua|kahan|kithe|statistics|illegal|qanoon|"
                r"kanoon|figures|saza|sazaa|jurm|film|movie|drama|awareness|workshop)\b|"
                # punishment, crime; a film or drama; an awareness programme or workshop
                r"سزا|جرم|ਸਜਾ|ਜੁਰਮ|فلم|ڈرامہ|آگاہی|ورکشاپ|ਫਿਲਮ|ਡਰਾਮਾ|ਵਰਕਸ਼ਾਪ|"
                r"اعداد|شمار|غیر قانونی|قانون|کیسے|کیا کرنا|کیا کریں|کیا ہوا|"
                r"کہاں|انکڑے|کیویں|کیہ کرنا|کیہ ہویا|کتھے|جرم اے|ਅੰਕੜੇ|ਕਿਵੇਂ|ਕੀ ਕਰੀਏ|ਕੀ ਕਰਨਾ|"
                r"ਕਿੱਥੇ|ਕਿੱਥੋਂ|ਕਾਨੂੰਨ|ਕੀ ਹੋਇਆ")
# "he'll kill me" as a joke or an ache: "zabiję cię jak zjesz moje ciastko haha", "ząb mnie
# zabija", "zabiją nas w tym meczu". Only the "kill" rules listen to these: "mnie bije po
# meczu" is still a beating.
_KILL = frozenset({"pl-kill-me", "ur-threat", "pa-threat", "roman-threat"})
# Session 20's Polish rules (L33) stay quiet for a joke ("nie mogę oddychać ze śmiechu 😂"),
# for "what if" ("co by było, jakby się zapaliło w nocy")...
_SPARED = frozenset({"pl-overdose-me", "pl-overdose", "pl-flames", "pl-child-gone", "pl-goodbye",
                     "pl-danger-now", "pl-medical-now", "pl-fire-now", "pl-self-harm-now",
                     "pl-medical-more", "pl-danger-more", "pl-child-more", "pl-fire-more"})
_HYPOTHETICAL = _folded(r"\b(?:jakby|gdyby|co by bylo|co jesli|co jezeli|na wypadek)\b")
# ...and for a message that says it was long ago, even if it says "now" too ("dwa lata temu
# połknęłam garść tabletek, teraz czuję się dobrze": now I feel fine).
_LONG_AGO = _folded(r"\b(?:lat|lata|rok|roku|miesiac\w*|miesiecy|tygodni\w*|tydzien|dni) temu\b|"
                    r"\b(?:kiedys|dawno|w zeszlym)\b")
_JOKING = _folded(r"\b(?:haha\w*|hehe\w*|xd|lol|zly czat|nie ten czat|nie do was|zart\w*|"
                  r"zartuje|zab|zeby|glowa|nud\w*|"
                  r"mecz\w*|match|cricket|kirkit|mazaq|assignment|deadline|office|daftar)\b|"
                  r"مذاق|میچ|کرکٹ|اسائنمنٹ|ڈیڈ لائن|دفتر|جوتے|دل (?:تے|پر)|ਮਜਾਕ|ਮੈਚ|ਕ੍ਰਿਕਟ|"
                  r"ਡੈਡਲਾਈਨ|ਦਫਤਰ|ਜੁੱਤੀ|ਦਿਲ ਤੇ")
# "Fire" as a figure of speech: chillies in the mouth, a bowler's spell, a relative's taunts.
# Only the weak fire rules listen to these.
_FIRE_IDIOM = _folded(r"\b(?:munh|muh|mirch\w*|taane|taana|over|wicket|wickets|khala|"
                      r"tan badan)\b|"
                      # session 20 (L34): a tongue on fire after a kebab, "chaos" at work
                      r"\b(?:jezyk|usta|buzia|gardlo|twarz|policzki|uszy)\b.{0,15}\bplon\w*|"
                      r"\bplon\w*.{0,10}\b(?:jezyk|usta|twarz|policzki|uszy)\b|"
                      r"\b(?:totalny|kompletny|straszny|niezly) pozar\b|"
                      r"منہ|مرچ|اوور|وکٹ|طعن|تن بدن|ਮੂੰਹ|ਮਿਰਚ|ਓਵਰ|ਵਿਕਟ|ਤਨ ਬਦਨ")
# A Polish fire already out, or all well now ("już ugaszony, straż pojechała", "był w zeszłym
# tygodniu, już wszystko ok"): a question to answer, not 999 (session 20, L34).
_FIRE_OUT = _folded(r"\b(?:ugaszon\w*|ugasil\w*|zgaszon\w*|zgasil\w*|po pozarze|"
                    r"juz (?:jest |wszystko )?(?:ok|dobrze)|juz po wszystkim|"
                    r"straz (?:juz )?(?:pojechala|odjechala))\b")
# A threat made online or in a game, not said to be happening now ("ktoś w komentarzach na
# tiktoku napisał że mnie zabije", "zabije mnie w fifie"): a report, not 999 (session 20, L34).
# Not a text message or WhatsApp: a threat by text can come from outside the door.
_THREAT_ONLINE = _folded(r"\b(?:online|internet\w*|w sieci|fejs\w*|facebook\w*|tiktok\w*|"
                         # (not "insta\w*": "instalację", an installation)
                         r"insta|instagram\w*|komentarz\w*|fifie|fifa|fortnit\w*|w grze|"
                         r"discord\w*|snap\w*)\b")
_IDIOM = _folded(r"\b(?:szef\w*|upal\w*|gorac\w*|egzamin\w*|boss|garmi|exam)\b|"
                 # session 18: "zabije mnie ta praca" (this job will kill me)
                 r"\b(?:ta|ten|te) (?:praca|robota|nocka|nocki|zmiana|zmiany|magazyn|szkola)\b|"
                 r"باس|گرمی|"
                 # session 18: rain that "will kill me"; a knife slipping while cooking. Only
                 # those shapes: "he is outside in the rain breaking the door" is danger.
                 r"(?:بارش|\bbarish|ਬਾਰਿਸ਼|ਮੀਂਹ)\S* (?:\S+ ){0,3}(?:مار ڈال|maar dal|ਮਾਰ ਦੇ)|"
                 r"(?:سبزی|ہانڈی|\bsabzi|\bhandi|ਸਬਜ਼ੀ)\S* (?:\S+ ){0,4}(?:چھری|چاقو|chhuri|"
                 r"chaku|ਛੁਰੀ|ਚਾਕੂ)|"
                 r"امتحان|بجلی کا بل|ਬੌਸ|ਗਰਮੀ|ਇਮਤਿਹਾਨ")


# Figures of speech the Polish model took for danger (session 17: "to mnie dobija", this is
# finishing me off, was a sure alarm): the model may add the emergency line, no more.
_FIGURES = _folded(r"\b(?:to|ta \w+|ten \w+|te \w+|wszystko|praca|szkola|szef) mnie dobija\b|"
                   # session 20: snow, ice or butter melting ("śnieg się topi" was a sure
                   # self-harm alarm: "topi się" is drowning as well as melting)
                   r"\b(?:snieg\w*|lod|lody|maslo|ser|czekolad\w*|wosk|swiecz\w*|balwan\w*|"
                   r"sople?|asfalt) (?:\w+ )?(?:sie topi|topi sie|sie roztopil\w*)\b|"
                   r"\b(?:sie topi|topi sie) (?:\w+ )?(?:snieg\w*|lod|lody|maslo|ser|czekolad\w*|"
                   r"wosk|swiecz\w*|balwan\w*|sople?|asfalt)\b|"
                   r"\bumieram ze smiechu\b|\bumre z (?:nudow|glodu|smiechu)\b|"
                   # session 18: a car blocked in ("ktoś zablokował mi auto") was a danger
                   r"\bzablokowa\w* (?:mi |nam )?(?:auto|samochod|wyjazd|podjazd|brame)\b|"
                   # session 18: "this exam took my life", "I died of shame", a small burn
                   # cooled and dressed, a doctor's appointment, "just asking", a match
                   r"\bjaan (?:le li|nikal di|kadh ditti|kadh di)\b|جان (?:لے لی|نکال دی|کڈھ دتی)|"
                   r"ਜਾਨ (?:ਕੱਢ ਦਿੱਤੀ|ਲੈ ਲਈ)|\bsharm (?:se|naal|nal) mar|شرم (?:سے|نال) مر|"
                   # (not "پٹی", a blister strip of tablets as well as a bandage; not a match,
                   # where a player may be badly hurt)
                   r"ਸ਼ਰਮ ਨਾਲ ਮਰ|\b(?:thanda pani|plaster)\b|ٹھنڈا پانی|پلاسٹر|"
                   r"ਠੰਢਾ ਪਾਣੀ|ਪਲਾਸਟਰ|\bappointment\b|اپوائنٹمنٹ|ਅਪੌਇੰਟਮੈਂਟ|"
                   r"\bbas (?:puch|pooch)|بس (?:پچھ|پوچھ|پُچھ)|ਬੱਸ ਪੁੱਛ|\bjust asking\b")


# Smoking: cigarettes, weed, a joint, a vape, a hookah, hashish. (Not "shisha": in Urdu and
# Punjabi "sheesha" is the glass of a window, broken in many a break-in.)
_SMOKING = _folded(r"\b(?:papieros\w*|fajk\w*|trawk\w*|jointa?|skreta|ziol\w*|marihuan\w*|"
                   r"e-papieros\w*|e papieros\w*|vape\w*|hookah|sigret\w*|cigarette\w*|"
                   r"cigret\w*|charas|weed|vaping)\b|سگریٹ|چرس|حقہ|ਸਿਗਰਟ|ਚਰਸ|ਹੁੱਕਾ")


# Being bothered or bullied ("meri beti ko school mein tang kiya ja raha hai" was a sure child
# alarm from the model, session 17): a report to make, with the emergency line on top, unless
# the message says now. Not threats: "dhamkiyan de rahe" is often danger now.
_HARASSED = _folded(r"\btang (?:kar|kiya|karte|karti|karta|karna|krte|krta)\w*|تنگ (?:کر|کیا)|"
                    r"ਤੰਗ ਕਰ")


# Online, on the internet. (Not "a message" or "a text": threats of violence now come by text.)
_ONLINE = _folded(r"\b(?:online|internet|internecie|internetu|w sieci)\b|آن لائن|انٹرنیٹ|"
                  r"ਆਨਲਾਈਨ|ਇੰਟਰਨੈੱਟ")


# Drugs being sold or dealt ("mohalle mein drugs bik rahe hain" was a sure medical crisis,
# "ਗਲੀ ਵਿੱਚ ਨਸ਼ਾ ਵਿਕ ਰਿਹਾ ਹੈ" a sure danger): a report of dealing, not an emergency. The
# rules still answer a threat or a weapon named with it.
_DEALING = _folded(r"\b(?:bik|bikte|bikti|bikta|bech|bechte|bechti|bechta|bechna|dealing|"
                   r"dealer\w*|sprzedaj\w*|sprzedaw\w*|handel|handluj\w*|handlarz\w*|diler\w*)\b|"
                   r"بیچ|بک رہ|بکت|ਵੇਚ|ਵਿਕ")


def plea(folded: str) -> Crisis | None:
    """A plea and nothing else in any supported language ("pomóż mi", "meri madad karo",
    "ਮੇਰੀ ਮਦਦ ਕਰੋ"): two words or more, all of them the language's ``help`` and ``plea``
    words, one of them a word for help. A sure crisis, as "help me" is in English; "help"
    alone and "I need help" get the middle tier instead (:func:`_small_talk`)."""
    typed = folded.split()
    words = set(typed)
    if len(typed) < 2:
        return None
    for language in SUPPORTED:
        t = translation(language)
        if t is not None and words <= t.help | t.plea and not words.isdisjoint(t.help - t.plea):
            return Crisis(CrisisKind.DANGER, "plea")
    return None


# A thing lost, not a child: "ਪੁੱਤ ਦਾ ਫੋਨ ਗੁਆਚ ਗਿਆ" (my son's phone got lost) was a sure child
# alarm from the Punjabi model retrained in round 27 (session 19). The child-lost rules already
# leave a child's phone alone.
_LOST_THING = _folded(r"(?:\b(?:phone|fon|mobile|telefon\w*|komork\w*|klucz\w*|portfel\w*|chabi|"
                      r"chaabi|keys|wallet|batwa|purse)\b|فون|موبائل|چابی|بٹوہ|پرس|ਫੋਨ|ਮੋਬਾਈਲ|"
                      r"ਚਾਬੀ|ਬਟੂਆ|ਪਰਸ)\S* (?:\S+ ){0,2}(?:\b(?:gum|kho|guach|gwach|zgubi\w*)\b|"
                      r"گم|کھو|گواچ|ਗੁਆਚ|ਗੁੰਮ|ਖੋ)|\bzgubi\w* (?:\S+ )?(?:telefon|komork|klucz|portfel)")


#: Words that keep a goodbye a possible last message, read for danger like any other (as
#: English reads "goodbye everyone"): "bas" ("that's it", "enough") and "wszystkim" ("to
#: everyone"). Small talk still counts them as fillers ("bas shukriya", "dziękuję wszystkim").
_LAST_WORDS = frozenset({"bas", "بس", "wszystkim"})


def _at_most_possible(text: str, folded: str, kind: CrisisKind, language: str) -> bool:
    """Whether the model's sure alarm must stay the middle tier: looking back; one or two
    words, as in English ("nie", "rab rakha" were sure crises; the rules answer the short
    cries); a fire of someone smoking ("sąsiad pali trawkę": "pali" is smokes as well as
    burns); a medical emergency or danger of drugs being sold ("drugs bik rahe hain");
    danger of harassment online ("koi mujhe online tang kar raha hai"), unless the message
    says now ("the man from online is outside now"); a figure of speech ("to mnie dobija");
    being bothered or bullied ("tang kiya ja raha hai"), unless the message says now; a child
    alarm over a thing lost ("ਪੁੱਤ ਦਾ ਫੋਨ ਗੁਆਚ ਗਿਆ", my son's phone got lost); a goodbye alone
    ("rab rakha ji": the models learnt farewell words from goodbye notes, but the words alone
    say nothing of danger; the resident gets the goodbye with the emergency help on top, and a
    rule's verdict, a goodbye on the way to the river, stands)."""
    said = translation(language)
    return (bool(_PAST.search(folded)) or len(text.split()) < MODEL_SURE_MIN_WORDS
            or (said is not None and said.goodbye_alone(words := set(folded.split()))
                and words.isdisjoint(_LAST_WORDS))
            or bool(_FIGURES.search(folded))
            or (kind is CrisisKind.FIRE and bool(_SMOKING.search(folded)))
            or (kind in (CrisisKind.MEDICAL, CrisisKind.DANGER)
                and bool(_DEALING.search(folded)))
            or (kind is CrisisKind.DANGER and bool(_ONLINE.search(folded))
                and not _NOW.search(folded))
            or (bool(_HARASSED.search(folded)) and not _NOW.search(folded))
            or (kind is CrisisKind.CHILD and bool(_LOST_THING.search(folded))))


def _vetoed(found: Crisis, folded: str, language: str) -> Crisis:
    """The model's veto (:data:`RULE_VETO_BELOW`): a rule that fires on a story from the news
    or a question about a knife is at most the middle tier when the language's model is all but
    sure the message is calm. Never for a plain cry for help; the model is loaded only for a
    language that has a veto."""
    veto = RULE_VETO_BELOW.get(language)
    model = crisis_model(language) if veto is not None and found.rule != "plea" else None
    if model is not None and veto is not None:
        p = model.score(folded).crisis
        if p < veto:
            return Crisis(found.kind, found.rule, Level.POSSIBLE, p)
    return found


def detect_crisis(text: str, language: str, *, use_model: bool = True) -> Crisis | None:
    """A crisis in ``text`` (written in ``language``): English detector, rules (which the
    language's model may veto down to the middle tier, :data:`RULE_VETO_BELOW`), then the model,
    then the late rules and the middle tier's."""
    folded = fold(text)
    # Looking back in the language ("2 saal pehlan suicide attempt kita si") quiets the
    # English words inside the message too, as it quiets the language's own rules.
    looking_back = bool(_PAST.search(folded)) and not _NOW.search(folded)
    english = None if looking_back else detect_english_crisis(text, use_model=False)
    if english is not None:
        return english
    found = rule_crisis(text) or plea(folded)
    if found is not None:
        return _vetoed(found, folded, language) if use_model else found
    model = crisis_model(language) if use_model else None
    if model is None:
        return None
    scores = model.score(folded)
    p, kind = scores.crisis, CrisisKind(scores.kind)
    if p >= SURE_SCORES.get(language, SURE_SCORE) \
            and not _at_most_possible(text, folded, kind, language):
        return Crisis(kind, "model", Level.SURE, p)
    late = rule_crisis(text, _LATE_RULES)
    if late is not None:
        return late
    if p >= POSSIBLE_SCORES.get(language, POSSIBLE_SCORE):
        return Crisis(kind, "model", Level.POSSIBLE, p)
    # (Nor for anything "temu", ago: "dwa lata temu połknęłam garść tabletek" is told after.)
    # (Nor said with a laugh, read before folding drops the emoji, nor an "if".)
    if (looking_back or _ASKING.search(folded) or _INFO.search(folded) or " temu" in folded
            or _LAUGHING.search(text.lower()) or "اگر " in folded):
        return None
    return possible_rule(folded, _POSSIBLE_RULES)


# Read after the model, so that a kind the model is sure of stands (a cut that will not stop
# bleeding is self-harm in its training messages, a child's nosebleed after a beating a child
# in danger): bleeding that will not stop, in every script, from session 19 ("arms te phir
# cut kar lye, khoon band nahi ho reha", a probe message the retrained Urdu model let through).
# Self-harm when the message says the writer cut themselves, a medical emergency otherwise.
_BLEEDING = (r"\bkhoon (?:band )?(?:nahi|nai|nahin|ni|nhi) (?:ruk|rukk|tham)|"
             r"\bkhoon band (?:nahi|nai|nahin|ni|nhi) (?:ho|hon|hunda)\b|"
             r"خون (?:بند )?(?:نہیں|نئیں|نی) (?:رک|تھم)|خون بند (?:نہیں|نئیں|نی) (?:ہو|ہوندا)|"
             r"ਖੂਨ (?:ਬੰਦ )?(?:ਨਹੀਂ|ਨਹੀ|ਨੀ) (?:ਰੁਕ|ਥੰਮ)|ਖੂਨ ਬੰਦ (?:ਨਹੀਂ|ਨਹੀ|ਨੀ) (?:ਹੋ|ਹੁੰਦਾ)")
_CUT_MYSELF = r"\b(?:cut|kaat|kat|blade|kaata|kati|kaati|katt)\b|کاٹ|کٹ|بلیڈ|ਕੱਟ|ਬਲੇਡ"
_LATE_RULES: _Rules = _compiled([
        ("bleeding-self-harm", rf"^(?=.*(?:{_CUT_MYSELF}))(?=.*(?:{_BLEEDING}))",
         CrisisKind.SELF_HARM),
        ("bleeding", _BLEEDING, CrisisKind.MEDICAL),
])


# A laughing face or "haha": no middle tier from these rules ("امی ... میرا گلا دبا دیں گی 😂",
# mum will strangle me if I leave the dishes again).
_LAUGHING = _folded(r"😂|🤣|😆|\b(?:haha\w*|hehe\w*|lol|xd|lmao)\b")


# Shapes of danger now from session 18's second batch of probe messages (tests/data/probes/
# pl2.txt, urpa2.txt, written blind by helpers). As sure rules they read one more right answer
# and one fewer false alarm on the Polish blind sets and one more crisis on the Punjabi ones,
# but one right answer fewer and one false alarm more on the real Urdu set, so they were
# reverted; as the middle tier (the emergency line on top of the answer, after the rules and
# the model, never for a question or a look back) they cost a calm message one line.
_POSSIBLE_RULES: _Rules = _compiled([
        ("pl-possible-danger", r"\b(?:wali|dobija sie|lomocze)(?: \w+)? (?:w|do) drzwi\b|"
         r"\bzastawil\w* (?:\w+ )?(?:komoda|szafa|lozkiem|krzeslem|stolem)\b|"
         r"\bwlamanie (?:teraz|w tej chwili|trwa)\b|"
         r"\b(?:zadzwon|dzwon|dzwoncie|zadzwoncie)(?: \w+)? (?:na|pod) (?:999|policje)\b|"
         r"\b(?:z nozem|z nozami|z maczeta)\b.{0,30}\b(?:otoczyl\w*|napadl\w*|goni\w*)\b",
         CrisisKind.DANGER),
        ("pl-possible-self-harm", r"\bz cieciem\b|"
         r"\b(?:polknalem|polknelam|wzialem|wzielam|lyknalem|lyknelam|zjadlem|zjadlam)\b.{0,30}"
         r"\b(?:opakowani\w*|paczk\w*|tabletek|tabletki|lekow|leki|paracetamol\w*|"
         r"zopiklon\w*|ibupromu|proszkow)\b", CrisisKind.SELF_HARM),
        ("pl-possible-medical", r"\bledwo (?:zipie|oddycha|dyszy)\b|\bprzysypal\w*\b|"
         r"\b(?:zadzwon|dzwon|dzwoncie|zadzwoncie)(?: \w+)? po (?:karetke|pogotowie)\b",
         CrisisKind.MEDICAL),
        ("pl-possible-fire", r"\bfajczy sie (?:chata|dom|mieszkanie|auto|blok|kuchnia|garaz)\b|"
         r"\bplomien\w* (?:z|na|bucha\w* z) (?:dachu|okna|okien|kuchni|mieszkania|piwnicy)\b|"
         r"\b(?:stoi|stoja|cala \w+|caly \w+|cale \w+) w (?:plomieniach|ogniu)\b|"
         r"\bdym (?:z|spod) (?:piwnicy|klatki|okna|drzwi|mieszkania|kuchni)\b|"
         r"\b(?:zadzwon|dzwon|dzwoncie|zadzwoncie)(?: \w+)? po straz\b", CrisisKind.FIRE),
        ("pl-possible-child", r"\b(?:zgubil|zgubila) sie (?:syn|corka|dziecko|synek|coreczka|"
         r"maly|mala)\b|\b(?:wsiadl|wsiadla) do (?:auta|samochodu) z (?:jakims|obcym|"
         r"nieznajomym|jakas)\b|\bdziecko\b.{0,60}\b(?:zatlucze|zabije|udusi)\b",
         CrisisKind.CHILD),
        ("ur-possible-self-harm", r"رسی تیار|پھندا|پھندہ", CrisisKind.SELF_HARM),
        ("ur-possible-medical", r"(?:ہل|آنکھیں کھول|جواب دے) (?:نہیں|نئیں) (?:رہا|رہی|رہے)|"
         r"آواز (?:اچانک )?لڑکھڑا|منہ ٹیڑھا|دمے کا دورہ", CrisisKind.MEDICAL),
        ("ur-possible-fire", r"شعلے|لپٹیں", CrisisKind.FIRE),
        ("ur-possible-danger", r"میرا سر .{0,20}مارا|پٹرول (?:لیایا|لایا|لے کے|ڈال)",
         CrisisKind.DANGER),
        ("pa-possible-medical", r"ਖੱਬੀ ਬਾਂਹ ਸੁੰਨ|ਛਾਤੀ.{0,30}ਬਾਂਹ ਸੁੰਨ|ਹਿੱਲ ਨਹੀਂ ਰਿਹਾ|ਹਿੱਲ ਨਹੀਂ ਰਹੀ",
         CrisisKind.MEDICAL),
        ("pa-possible-danger", r"ਮੇਰਾ ਸਿਰ .{0,20}ਮਾਰਿਆ", CrisisKind.DANGER),
        # Hiding now, the writer or those with them, in every script ("I am hiding under the
        # bed, he is on the stairs"; "we are hiding upstairs"): from the training crises, one of
        # which L44's Punjabi model no longer caught (tests/data/lang/README.md, session 22).
        # Never a game of hide and seek.
        ("hiding-now", r"^(?!.*(?:ਲੁਕਣ ?ਮੀਟੀ|لکن ?میٹی|آنکھ مچولی|\bluk(?:an|kan) ?meeti|"
         r"\bchhupan ?chhupai|\bhide and seek))(?=.*(?:"
         r"چھپ(?:ی|ا|ے) (?:ہوئی |ہوا |ہوئے )?(?:ہوں|ہیں)|"
         r"(?:لکی|لکیا|لکے|چھپی|چھپیا) (?:ہوئی |ہویا |ہوئے )?(?:آں|واں|ہاں)|"
         r"ਲੁਕ(?:ੀ|ਿਆ|ੇ) (?:ਹੋਈ |ਹੋਇਆ |ਹੋਏ )?(?:ਹਾਂ|ਆਂ)|"
         r"\b(?:chhupi|chupi|chhupa|chhupe|chupe) (?:hui |hua |huye |hue )?(?:hoon|hun|hu|hain)\b|"
         r"\b(?:lukki|luki|lukke|luke|lukya|lukeya|lukiya) (?:hoi |hoyi |hoye |hoya )?"
         r"(?:aan|aa|haan|han)\b))", CrisisKind.DANGER),
        ("roman-possible-self-harm", r"\brassi tayyar|\bphanda\b|\brailing ke (?:dusri|doosri|"
         r"dooji|duji) (?:taraf|passe)\b|\bcut (?:kiya|kia|kar liya|kar lia) (?:hai|he|ae)\b",
         CrisisKind.SELF_HARM),
        ("roman-possible-medical", r"\bawaz (?:achanak )?larkhara|\bek taraf ka (?:haath|munh|"
         r"chehra)\b|\bhaath uth nahi raha\b|\basthma attack\b|\binhaler (?:se )?(?:koi )?farq "
         r"nahi|\bpump kamm nahi karda\b|\bsaah charhda\b|\bbol (?:bhi )?nahi pa (?:raha|rahi)\b|"
         r"\bgaram (?:chah|chai|pani|paani|tel)\b.{0,30}\b(?:sutt|gir|dol)\b|\bchamdi uth",
         CrisisKind.MEDICAL),
        ("roman-possible-child", r"\b(?:bachon|bache|bachi|bacha|bachiyon) ko\b.{0,30}\b(?:gaari|"
         r"gari|gaadi|gadi|car) (?:mein|me|ch|vich) bula (?:raha|rahi|rahe)\b", CrisisKind.CHILD),
        # Session 18, fourth probe batch (tests/data/probes/lang4.txt, a tuning set).
        ("pl-possible-more", r"\bwbiegl\w* (?:do|z) .{0,40}\b(?:palkami|nozami|nozem|bronia|"
         r"maczet\w*)\b|\bkaza (?:wszystkim |nam )?klekac\b|\bdosypal\w* (?:mi |jej |jemu )?"
         r"(?:czegos|cos)\b|\bczegos (?:mi |jej )?dosypal\w*", CrisisKind.DANGER),
        ("pl-possible-fire-more", r"\b\w+ w ogniu\b|\bplomienie w oknie\b|\bwidac plomienie\b",
         CrisisKind.FIRE),
        ("pl-possible-self-harm-more", r"\b(?:ide|pojde|chce) spac na zawsze\b|\b(?:weszlam|"
         r"wszedlem) do (?:trentu|rzeki|kanalu) w ubraniu\b|\bwoda (?:do|po) (?:piersi|szyi)\b",
         CrisisKind.SELF_HARM),
        ("pl-possible-medical-more", r"\bwidac pepowine\b|\b(?:sie dlawi|dlawi sie)\b"
         r"(?! ze smiechu)|"
         r"\bma goraczke\b.{0,30}\bdrgawki\b|\boczy (?:do gory|uciekaja)\b", CrisisKind.MEDICAL),
        ("ur-possible-more", r"گل توں پھڑ|گلا دبا|مینوں مار دیوے گا|مجھے مار دے گا|ہتھوڑا مار|"
         r"گڈی نال لوکاں نوں مار", CrisisKind.DANGER),
        ("ur-possible-self-harm-more", r"(?:پکھے|پنکھے) (?:نال|سے) (?:رسی|دوپٹہ|چنی)|"
         r"(?:رسی|دوپٹہ|چنی) (?:پکھے|پنکھے) (?:نال|سے)|کنارے (?:تے|پر) پیر لٹک|"
         r"انسولین کی ساری", CrisisKind.SELF_HARM),
        ("ur-possible-medical-more", r"رنگ نیلا ہو|بلاں نیلے|ہونٹ نیلے|چہرہ نیلا|ساہ رک گیا|"
         r"سانس رک گئی|سٹروک|گلے سے سیٹی|ہونٹ سوج|پانی (?:وچ|میں) (?:ڈگ|گر) پیا|ٹنکی میں گر|"
         r"ڈب (?:ریا|رہا|رہی)", CrisisKind.MEDICAL),
        ("ur-possible-fire-more", r"جل اٹھا|دھوئیں سے بھر", CrisisKind.FIRE),
        ("roman-possible-more", r"\bpulse nahi mil|\bcpr karo\b|\bfit pe (?:rahe|raha|rahi)\b|"
         r"\bgardan akri|\bpurple daane\b", CrisisKind.MEDICAL),
        ("roman-possible-fire-more", r"^(?=.*\baag\b)(?=.*\b(?:kitchen|kamra|help|jaldi)\b)",
         CrisisKind.FIRE),
])


# --------------------------------------------------------------------------- matching


def _score(padded: str, keywords: tuple[tuple[str, float], ...]) -> float:
    total = 0.0
    for word, weight in keywords:
        # A keyword is a word beginning; short ones (and numbers) must be whole words.
        needle = f" {word} " if len(word) <= 3 else f" {word}"
        if needle in padded:
            total += weight
    return total


def translations_dir(responder: Responder) -> Path:
    """``translations/`` beside the knowledge base answering, else the shipped one."""
    beside = Path(responder.kb.source_dir) / "translations"
    return beside if beside.is_dir() else TRANSLATIONS_DIR


def match_topic(text: str, language: str,
                directory: Path = TRANSLATIONS_DIR) -> tuple[str | None, bool]:
    """(topic id, translated?) for a message, from the language's keywords; (None, False)."""
    languages = [language]
    # Urdu and Punjabi share most words in Arabic script and in English letters.
    if language in (URDU, PUNJABI):
        languages.append(PUNJABI if language == URDU else URDU)
    padded = f" {fold(text)} "
    best: tuple[float, int, str, bool] | None = None
    order = 0
    for lang in languages:
        t = translation(lang, directory)
        if t is None:
            continue
        entries: list[tuple[str, tuple[tuple[str, float], ...], bool]] = [
            (tid, topic.keywords, True) for tid, topic in t.topics.items()]
        entries += [(tid, words, False) for tid, words in t.also.items()]
        for tid, keywords, local in entries:
            order += 1
            score = _score(padded, keywords)
            # Higher score wins; on a tie, the earlier entry (core topics come first).
            if score > 0 and (best is None or score > best[0]):
                best = (score, order, tid, local)
    if best is None:
        return None, False
    return best[2], best[3]


# --------------------------------------------------------------------------- replies


def reply_language(text: str, language: str) -> str:
    """The language whose texts answer: Shahmukhi Punjabi is answered in Urdu script."""
    if language == PUNJABI and any("\u0600" <= ch <= "\u06ff" for ch in text) \
            and not any("\u0a00" <= ch <= "\u0a7f" for ch in text):
        return URDU
    return language


_CRISIS_KEYS = {CrisisKind.DANGER: "crisis_danger", CrisisKind.SELF_HARM: "crisis_self_harm",
                CrisisKind.MEDICAL: "crisis_medical", CrisisKind.FIRE: "crisis_fire",
                CrisisKind.CHILD: "crisis_child"}
# After a sure crisis, the translated topic that may follow (as CRISIS_TOPICS in English).
_CRISIS_FOLLOW = {CrisisKind.DANGER: "domestic-abuse-support",
                  CrisisKind.SELF_HARM: "mental-health",
                  CrisisKind.CHILD: "child-safeguarding-report"}
# Danger from someone at home is domestic abuse: only then does its support follow.
_AT_HOME = re.compile(r"\b(?:maz|meza|partner|partnerka|zona|chlopak|byly|ojczym|ojciec|"
                      r"tata|shohar|gharwala|ghar wala|pati)\b|شوہر|گھر والا|خاوند|ਪਤੀ|ਘਰਵਾਲ|"
                      r"ਘਰ ਵਾਲ|\bon\b.{0,20}\bmnie\b|\bوہ مجھے\b|\bਉਹ ਮੈਨੂ\b|\boh mainu\b")


def supported(language: str | None) -> bool:
    return language in SUPPORTED


def answer(responder: Responder, text: str, language: str,
           kinds: frozenset[str] | None = None) -> Reply:
    """The reply to ``text`` in ``language`` (one of SUPPORTED)."""
    lang = reply_language(text, language)
    directory = translations_dir(responder)
    t = translation(lang, directory)
    if t is None:  # no translation file: English, as before
        return responder.answer(text, kinds, language="en")
    if kinds is None and (ok := _acknowledgement(t, text)) is not None:
        return ok
    crisis = detect_crisis(text, language)
    if crisis is not None and crisis.sure:
        return _crisis_reply(responder, t, crisis, text)
    if kinds is None and (chat := _small_talk(t, text)) is not None:
        if crisis is None:
            return chat
        if chat.caution is not None and chat.caution.rule == "help-alone":
            # "pomocy" alone that the model reads as possibly in danger: the same menu with
            # the emergency line on top, as in English (a guessed topic fits no better).
            return chat
        if chat.small_talk == "bye":
            # A goodbye the model reads as possibly in danger: the goodbye, with the
            # emergency help on top, as in English.
            chat.caution = crisis
            chat.localised_crisis = t.text("possible")
            return chat
    topic_id, local = None, False
    if kinds is None:
        topic_id = council_service(text, language, directory)
    if topic_id is None:
        topic_id, local = _guess_topic(text, language, t, responder)
    if topic_id is None:
        topic_id, local = match_topic(text, language, directory)
    if topic_id is not None and kinds is not None and topic_id in responder.kb.topics \
            and responder.kb.topics[topic_id].kind not in kinds:
        topic_id = None
    if topic_id == WELCOME:
        reply = welcome_reply(t)
    elif topic_id is not None and local and topic_id in t.topics and \
            topic_id in responder.kb.topics:
        reply = topic_reply(responder, t, topic_id)
    elif topic_id is not None and topic_id in responder.kb.topics:
        # Another topic: the English answer, with one line in the language saying so.
        reply = responder._topic_reply(responder.kb.topics[topic_id], 1.0)
        reply.body = t.text("english_only") + "\n\n" + reply.body
        reply.suggestions = []
    else:
        # A chat that chose the language may still write in English: the English answer,
        # with the line saying so, when the English matcher is sure of one.
        # The English topic model reads English: never let it guess from other words.
        english = responder.answer(text, kinds, language="en",
                                   second_opinion=detect_language(text) == "en")
        if english.matched and not english.crisis:
            reply = english
            reply.body = t.text("english_only") + "\n\n" + reply.body
            reply.suggestions = []
        else:
            reply = not_sure_reply(t)
    if crisis is not None:  # possibly in danger: the answer, with the line on top
        reply.caution = crisis
        reply.localised_crisis = t.text("possible")
    return reply


#: Languages whose council-service lists are read together: Urdu and Punjabi share English
#: loanwords and, in Shahmukhi, a script, and either may be detected for the other.
_READ_TOGETHER = {URDU: (URDU, PUNJABI), PUNJABI: (URDU, PUNJABI)}


@lru_cache(maxsize=8)
def _service_words(language: str, directory: Path = TRANSLATIONS_DIR
                   ) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """(safety words, declined topics with their words) for a language, from the
    ``council_services`` of its translation file and of the files read with it."""
    keep: list[str] = []
    services: dict[str, list[str]] = {}
    for lang in _READ_TOGETHER.get(language, (language,)):
        t = translation(lang, directory)
        if t is None:
            continue
        keep.extend(t.keep)
        for topic_id, words in t.services:
            services.setdefault(topic_id, []).extend(words)
    return tuple(keep), tuple((tid, tuple(words)) for tid, words in services.items())


def council_service(text: str, language: str = POLISH,
                    directory: Path = TRANSLATIONS_DIR) -> str | None:
    """The declined topic of a question about a council service, or None.

    Polish real posts about potholes, parking or benefits got a safety topic from the
    Polish topic model, trained on few of them (candidate L21, tests/data/lang/README.md),
    as Urdu and Punjabi everyday messages did; such a question is declined with the
    service's topic before the model is asked, unless a safety word is in it. The words
    are each translation file's ``council_services`` (word beginnings on the folded text).

    >>> council_service("Jak długo mam czekać na naprawę dziury w drodze?")
    'oos-highways'
    >>> council_service("Sąsiad pobił mnie na parkingu") is None
    True
    >>> council_service("mujhe parking ticket mila hai", "ur")
    'oos-parking'
    """
    padded = f" {fold(text)} "
    safety, services = _service_words(language, directory)
    if any(f" {word}" in padded for word in safety):
        return None
    for topic_id, words in services:
        if any(f" {word}" in padded for word in words):
            return topic_id
    return None


def _guess_topic(text: str, language: str, t: Translation,
                 responder: Responder) -> tuple[str | None, bool]:
    """The language's topic model, asked before the keywords (see
    :data:`bot.answering.topic_model.LANGUAGE_TAKE_OVER`); (None, False) if it is unsure."""
    from bot.answering import topic_model

    model = topic_model.language_topic_model(language)
    if model is None:
        return None, False
    guess = model.guess(fold(text))
    wanted = topic_model.LANGUAGE_TAKE_OVER.get(language, 1.01)
    if guess.probability < wanted or (guess.topic != WELCOME
                                      and guess.topic not in responder.kb.topics):
        return None, False
    return guess.topic, guess.topic in t.topics or guess.topic == WELCOME


def _footer(t: Translation, english_footer: str) -> str:
    note = t.text("unreviewed") if t.unreviewed else ""
    return " ".join(p for p in (note, english_footer) if p)


def topic_reply(responder: Responder, t: Translation, topic_id: str) -> Reply:
    """A core topic in the translation's language, with contacts from contacts.yaml."""
    base = responder._topic_reply(responder.kb.topics[topic_id], 1.0)
    local = t.topics[topic_id]
    base.title = local.title or base.title
    base.body = local.answer
    base.footer = _footer(t, base.footer) if not local.reviewed else base.footer
    # Related-topic buttons open English answers (t:<id>), so a translated answer shows none;
    # the language's menu (/language) has buttons that answer in the language.
    base.related = []
    base.suggestions = []
    return base


def welcome_reply(t: Translation) -> Reply:
    from bot.answering.answer import Reply

    return Reply(matched=True, topic=WELCOME, title=None, confidence=1.0,
                 body="\n\n".join([t.text("welcome"), t.text("menu"), t.text("emergency_line")]),
                 footer=_footer(t, ""))


_PLEASE = frozenset("please pls plz help".split())


def _small_talk(t: Translation, text: str) -> Reply | None:
    """The welcome for a greeting alone, a short reply for thanks or a goodbye alone
    ("dziękuję", "shukriya", "ਧੰਨਵਾਦ", "khuda hafiz"), in the language; English greetings
    and thanks count too, since a chat that chose the language may still type "menu" or
    "thanks". None for anything else. (Asked before the topic model: it read "dziękuję" as
    "dziecko", a child.)"""
    from bot.answering.answer import SMALL_TALK_HEADS, SMALL_TALK_WORDS, THANKING, Reply

    words = set(fold(text).split())
    if words and words <= t.help | t.plea | t.need | _PLEASE \
            and not words.isdisjoint(t.help - t.plea):
        # "pomocy" or "madad" alone, as "help" alone in English, or "mujhe madad chahiye" ("I
        # need help"): it may come from someone in danger, so the menu with the emergency
        # line on top (it was a guessed topic). A plea ("meri madad karo") is a sure crisis.
        reply = welcome_reply(t)
        reply.caution = Crisis(CrisisKind.DANGER, "help-alone", Level.POSSIBLE)
        reply.localised_crisis = t.text("possible")
        return reply
    if t.goodbye_alone(words) and t.text("bye"):
        return Reply(matched=False, topic=None, title=None, confidence=1.0,
                     body="\n\n".join([t.text("bye"), t.text("emergency_line")]),
                     footer=_footer(t, ""), small_talk="bye")
    if (not words or not words <= t.small_talk | SMALL_TALK_WORDS
            or words.isdisjoint(t.greetings | t.thanks | SMALL_TALK_HEADS)):
        return None
    if words.isdisjoint(t.thanks | THANKING) or not t.text("thanks"):
        return welcome_reply(t)
    return Reply(matched=False, topic=None, title=None, confidence=1.0,
                 body="\n\n".join([t.text("thanks"), t.text("emergency_line")]),
                 footer=_footer(t, ""), small_talk="thanks")


def _acknowledgement(t: Translation, text: str) -> Reply | None:
    """A short reply, in the language, to a message that only says yes, OK or no ("tak",
    "dobrze", "theek hai", "nahi ji", "ਠੀਕ ਹੈ", "nie, dziękuję"); ``None`` for anything else.

    Asked before crisis detection, as English acknowledgements are: the Polish model made a
    sure crisis of "nie" alone. A yes word with a no word is not an acknowledgement ("nie
    dobrze", "theek nahi hai": not well), except that a polite word such as "ji" (also in
    ``other``) goes with either ("nahi ji").
    """
    from bot.answering.answer import Reply

    words = set(fold(text).split())
    if not words or not words <= t.ok | t.no | t.thanks | t.other:
        return None
    no = words & t.no
    yes = words & t.ok - (t.other if no else frozenset())
    if bool(no) == bool(yes):
        return None
    thanked = not words.isdisjoint(t.thanks) and bool(t.text("thanks"))
    return Reply(matched=False, topic=None, title=None, confidence=1.0,
                 body="\n\n".join([t.text("thanks" if thanked else "ok") or t.text("welcome"),
                                    t.text("emergency_line")]),
                 footer=_footer(t, ""), small_talk="thanks" if thanked else "ok")


def not_sure_reply(t: Translation) -> Reply:
    from bot.answering.answer import Reply

    return Reply(matched=False, topic=None, title=None, confidence=0.0,
                 body="\n\n".join([t.text("not_sure"), t.text("menu"), t.text("emergency_line")]),
                 footer=_footer(t, ""))


def _crisis_reply(responder: Responder, t: Translation, crisis: Crisis, text: str) -> Reply:
    """999 first, in the language; then at most one translated topic that fits."""
    from bot.answering.answer import Reply

    follow = _CRISIS_FOLLOW.get(crisis.kind)
    if crisis.kind is CrisisKind.DANGER and not _AT_HOME.search(fold(text)):
        follow = None
    if follow in t.topics and follow in responder.kb.topics:
        assert follow is not None
        reply = topic_reply(responder, t, follow)
        # The crisis block already says 999 and 55: the answer must not say it again.
        reply.body = "\n\n".join(p for p in reply.body.split("\n\n") if "999" not in p)
        reply.contacts = [c for c in reply.contacts
                          if not c.startswith(responder._emergency_name())]
        reply.related = []
    else:
        reply = Reply(matched=False, topic=None, title=None, confidence=1.0,
                      footer=_footer(t, ""))
    reply.crisis = crisis
    reply.localised_crisis = t.text(_CRISIS_KEYS[crisis.kind]) + "\n" + t.text("interpreters")
    return reply


def language_of(text: str, chosen: str | None = None) -> str:
    """The chat's chosen language if any, else the message's own."""
    return chosen if chosen else detect_language(text)
