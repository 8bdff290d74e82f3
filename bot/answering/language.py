"""Which language a resident wrote in: English, Polish, Urdu, Punjabi, or something else.

Burton's largest communities after English speakers write Polish, Urdu and Punjabi, and many
type Urdu and Punjabi in English letters ("mujhe madad chahiye"). Detection has to be instant
and offline on every message, so it is plain Python over three signals, no model:

1. **Script.** Gurmukhi letters are Punjabi. Arabic-script letters are Urdu or Shahmukhi
   Punjabi (told apart by function words: Punjabi "نوں", "وچ", "اے", "کتھے" against Urdu
   "کو", "میں", "ہے", "کہاں"); Arabic script without the letters Urdu adds (ے ں ٹ ڈ ڑ ھ ہ)
   but with Arabic's own (ة ي ك) is another language. Any other script (Devanagari, Cyrillic,
   Chinese...) is "other".
2. **Diacritics.** Polish letters ą ć ę ł ń ś ź ż are Polish.
3. **Common words.** Latin text without them: Polish function words typed without
   diacritics ("nie", "jest", "gdzie", "mnie"), and Roman Urdu or Punjabi words ("mujhe",
   "chahiye", "kahan" against "mainu", "vich", "kithe"), each weighed against English
   function words so that an English question with one borrowed word stays English.
   Beside the hand-written lists, longer ones learned from the training messages
   (:mod:`bot.answering.language_words`, written by ``python -m bench.train_language``):
   words frequent in one language's messages and absent from English ones.

Figures on real sentences: ``tests/test_languages.py`` and ``tests/data/lang/detect.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache

ENGLISH = "en"
POLISH = "pl"
URDU = "ur"
PUNJABI = "pa"
OTHER = "other"
#: Languages the bot answers in (besides English), in menu order.
SUPPORTED = (POLISH, URDU, PUNJABI)
NAMES = {ENGLISH: "English", POLISH: "Polski", URDU: "اردو", PUNJABI: "ਪੰਜਾਬੀ / پنجابی"}

_POLISH_LETTERS = frozenset("ąćęłńśźż")
# Letters Urdu and Punjabi (Shahmukhi) add to the Arabic alphabet, and Arabic's own.
_URDU_LETTERS = frozenset("ٹڈڑںےھہۓ")
_ARABIC_ONLY = frozenset("ةيكى")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ASCII_LETTER = re.compile(r"[A-Za-z]")

# Polish words that are not also English words (so not "do", "to", "on", "no", "a", "i").
_POLISH_WORDS = frozenset("""
nie jest sie się mnie mój moj moja moje mojego mojej mam masz ma jak gdzie czy co dla jestem
jestesmy jesteśmy chce chcę boje boję teraz ze że bo przez jaki jaka jakie kiedy moze może moge
mogę ale bardzo juz już tak albo lub czego komu kto ktos ktoś ktora która ktory który mi mnie
pomocy pomoc prosze proszę dzien dzień dobry czesc cześć witam dziekuje dziękuję policja policje
policję numer zglosic zgłosić gdzie mąż maz zona żona dziecko dzieci syn corka córka sasiad
sąsiad sasiedzi sąsiedzi przemoc narkotyki tego tej ten ta sa są sobie siebie jego jej ich nas
was pan pani zeby żeby tylko jeszcze wszystko nic nikt zawsze czuje czuję wiem mamy mama tata
zaraz znowu dzisiaj dzis dziś wczoraj jutro tutaj bije zabije pobije zyc żyć zycia życia domu
mieszkaniu drzwi prosze pomóż pomoz ratunku dzieki dzięki dziekujemy dziękujemy
dobrze jasne okej spoko rozumiem
widzenia dowidzenia dobranoc papa narazie przestan przestań
""".split())
# Roman Urdu and Roman Punjabi. Words shared by both count for either; words one language
# uses and the other does not decide between them. None is a common English word. Greetings
# and thanks are here so that "salam" or "sat sri akal" alone is answered in the language:
# "salam" and "shukriya" are said by Urdu and Pakistani Punjabi speakers alike (a tie is
# Urdu), "sat sri akal" and "dhanvaad" by Punjabi speakers.
_ROMAN_SHARED = frozenset("""
madad mera meri mere nahi nahin kya ghar dil bahut bohat koi kisi log jaan maar bachao
sharab shraab nasha wala wali walay chori karke pagg pareshaan pareshani dard bulao bulaein
bulayen bulaye
salam salaam assalam asalam assalamualaikum assalamoalaikum alaikum alaikam walaikum
shukriya shukria shukriyah meherbani mehrbani
ji jee haan hanji theek thik acha achha
khuda hafiz khudahafiz allahhafiz maro maaro
""".split())
_ROMAN_URDU = frozenset("""
mujhe mujhko mujh chahiye chahye kahan kaise kaisay kyun kyu karo karein karun raha rahi rahe
gaya gayi mein hain hai aur shohar bohot hamari hamare hamara sakta sakti sakte tha thi hoon
hun liye liye khud khudko apna apni baat kab phir iss yeh woh aap tum hum agar lekin jab
batayein bataen batao hui hua dukaan larke ladke nuqsan pohanchate pukarte keh kar kardoon
rahega rahegi milegi milega samajh samajta roti naseeb sukoon khushi hifazat bachon bacha
ab abhi jeena jeene chahta chahti chahte marna zindagi
""".split())
# Not "menu" (Punjabi "to me", also spelt "mainu"): residents type it alone in English to get
# the menu, and it was answered in Punjabi.
_ROMAN_PUNJABI = frozenset("""
mainu tusi tussi tuhanu sanu saada saadi saddi saade vich ch naal nal kithe kithon kive
kiven kidda haiga karde karda kardi reha chahida chahidi chahide dassan dasso munde kuj kujh
layi gall hunn kutt gaddi aa ae nu ohna ehna tainu sade chherde jaach parchaan holi khaan
hassda vassda dhadkda rehnda chaddan kise
sri akal sasriakal satsriakal dhanvaad dhanwad dhanyavaad dhanyavad
rab rabb rakha milange
""".split())
_ENGLISH_WORDS = frozenset("""
the is are was my i you to and of in what where how do does me it for on can who with at this
that there have has be we they he she his her our your if or not no can't don't im i'm
someone about from an a by get got who's what's when why which will would should could
""".split())
# Arabic-script function words: Shahmukhi Punjabi against Urdu.
_SHAHMUKHI_WORDS = frozenset("""
نوں وچ اے نیں مینوں تینوں سانوں تہانوں کتھے کتھوں کیویں کیہڑا کیہڑی ساڈا ساڈی ساڈے رہیا
کردا کردی کردے چاہندا چاہندی لئی نال پتر ہاں سی دساں کریئے بچیاں دی دا دے تے منڈے
کڈھدا ڈراندا ہووے
""".split())
_URDU_WORDS = frozenset("""
کو میں ہے ہیں سے نے مجھے کیا کہاں کیسے ہوں تھا تھی اور یہ وہ پر لیے لئے کا کی کے رہا رہی
رہے چاہتا چاہتی کریں کروں گی گا ہمارے ہماری آپ
""".split())


_HAND = {"polish": _POLISH_WORDS, "roman_urdu": _ROMAN_URDU, "roman_punjabi": _ROMAN_PUNJABI,
         "roman_shared": _ROMAN_SHARED, "shahmukhi": _SHAHMUKHI_WORDS, "urdu": _URDU_WORDS}
# The lists detection reads: the hand lists, with the learned ones added by use_learned().
_POLISH, _RURDU, _RPUNJABI = _POLISH_WORDS, _ROMAN_URDU, _ROMAN_PUNJABI
_RSHARED, _SHAHMUKHI, _URDU = _ROMAN_SHARED, _SHAHMUKHI_WORDS, _URDU_WORDS


def use_learned(lists: dict[str, frozenset[str]] | None) -> None:
    """Detect with the hand-written lists plus ``lists`` (names as in ``_HAND``); ``None``
    for the hand lists alone. The shipped learned lists are used from import; the trainer
    swaps others in to compare them (``bench/train_language.py --check``)."""
    global _POLISH, _RURDU, _RPUNJABI, _RSHARED, _SHAHMUKHI, _URDU
    learned = lists or {}
    words = {name: hand | learned.get(name, frozenset()) for name, hand in _HAND.items()}
    _POLISH, _RURDU, _RPUNJABI = words["polish"], words["roman_urdu"], words["roman_punjabi"]
    _RSHARED, _SHAHMUKHI, _URDU = words["roman_shared"], words["shahmukhi"], words["urdu"]
    detect_language.cache_clear()


def _shipped_lists() -> dict[str, frozenset[str]]:
    try:
        from bot.answering import language_words as lw
    except ImportError:  # not generated yet: the hand lists alone
        return {}
    return {"polish": lw.POLISH, "roman_urdu": lw.ROMAN_URDU, "roman_punjabi": lw.ROMAN_PUNJABI,
            "roman_shared": lw.ROMAN_SHARED, "shahmukhi": lw.SHAHMUKHI, "urdu": lw.URDU}


def _is_gurmukhi(ch: str) -> bool:
    return "\u0a00" <= ch <= "\u0a7f"


def _is_arabic(ch: str) -> bool:
    return ("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"
            or "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff")


@lru_cache(maxsize=4096)
def detect_language(text: str) -> str:
    """``en``, ``pl``, ``ur``, ``pa`` or ``other`` for one message.

    >>> detect_language("Pomocy mój mąż mnie bije")
    'pl'
    >>> detect_language("mujhe madad chahiye")
    'ur'
    >>> detect_language("how do I report anti-social behaviour")
    'en'
    """
    if text.isascii():
        # Most messages: no letter can be Gurmukhi, Arabic or foreign, so the count below
        # would find Latin letters or none (checked in C, not letter by letter).
        return _latin_script(text) if _ASCII_LETTER.search(text) else ENGLISH
    gurmukhi = arabic = latin = foreign = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if _is_gurmukhi(ch):
            gurmukhi += 1
        elif _is_arabic(ch):
            arabic += 1
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
            latin += 1
        else:
            foreign += 1
    top = max(gurmukhi, arabic, latin, foreign)
    if top == 0:
        return ENGLISH  # digits, emoji or nothing: the default
    if gurmukhi == top:
        return PUNJABI
    if arabic == top:
        return _arabic_script(text)
    if foreign == top:
        return OTHER
    return _latin_script(text)


def _arabic_script(text: str) -> str:
    letters = set(text)
    if not letters & _URDU_LETTERS and letters & _ARABIC_ONLY:
        return OTHER  # Arabic (or another language written in its letters)
    words = _WORD.findall(text)
    punjabi = sum(w in _SHAHMUKHI for w in words)
    urdu = sum(w in _URDU for w in words)
    # Urdu is the more common written language of the two: a tie is Urdu.
    return PUNJABI if punjabi > urdu else URDU


def _latin_script(text: str) -> str:
    lower = text.lower()
    if any(ch in _POLISH_LETTERS for ch in lower):
        return POLISH
    words = _WORD.findall(lower)
    english = sum(w in _ENGLISH_WORDS for w in words)
    # One foreign-looking word in an English sentence is not enough: two, and more than
    # the English function words (a lone "pomocy" or "madad" counts on its own). A message
    # of one or two words is judged by the hand-written lists alone: the learned ones are
    # long, and "halo" or "ale" alone may well be English.
    short = len(words) <= 2
    needed = 1 if short else 2
    pl_words, ur_words, pa_words, shared = ((_POLISH_WORDS, _ROMAN_URDU, _ROMAN_PUNJABI,
                                             _ROMAN_SHARED) if short else
                                            (_POLISH, _RURDU, _RPUNJABI, _RSHARED))
    polish = sum(w in pl_words for w in words)
    urdu = sum(w in ur_words for w in words)
    punjabi = sum(w in pa_words for w in words)
    roman = urdu + punjabi + sum(w in shared for w in words)
    if polish >= needed and polish > english and polish >= roman:
        return POLISH
    if roman >= needed and roman > english:
        return PUNJABI if punjabi > urdu else URDU
    if english == 0 and len(words) >= 3 and any(not w.isascii() for w in words):
        return OTHER  # accented Latin that is neither English nor Polish
    return ENGLISH


use_learned(_shipped_lists())
