"""Text normalising as it was before issue 15's second speed pass, kept unchanged as the reference
that tests/test_crisis_speed_equivalence.py and tests/test_text_speed_equivalence.py compare
:mod:`bot.answering.text` with.



Residents write in their own words: capitals, punctuation, contractions, American spelling,
abbreviations (ASB, DA, VAWG, LGBTQ+) and text-speak. Everything is folded to one lower-case,
space-separated British form so that "Anti-Social Behavior??" and "asb" meet in the middle.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.answering.text import _CONTRACTIONS, TEXT_SPEAK_MORE

# The contractions table is the shipped one (its first entry needs its apostrophe since session
# 17: "odd" had read "overdosed"); this module keeps the algorithm, as crisis_before does.

# Whole-token replacements: abbreviations, slang, American spellings. Values may be phrases.
_TOKENS: dict[str, str] = {
    # abbreviations residents and partners use
    "asb": "anti social behaviour",
    "dv": "domestic violence",
    "vawg": "violence against women and girls",
    "vawdg": "violence against women and girls",
    "lgbtq": "lgbt",
    "lgbtqi": "lgbt",
    "lgbtqia": "lgbt",
    "lgb": "lgbt",
    "esbc": "east staffordshire borough council",
    "scc": "staffordshire county council",
    "sfrs": "staffordshire fire and rescue service",
    "csp": "community safety partnership",
    "lsp": "local strategic partnership",
    "crg": "community response group",
    "mh": "mental health",
    "hbv": "honour based abuse",
    "hba": "honour based abuse",
    "fgm": "female genital mutilation",
    "cse": "child sexual exploitation",
    "cce": "child criminal exploitation",
    "staffs": "staffordshire",
    "staffy": "staffordshire",
    "e&w": "england and wales",
    "nums": "numbers",
    "num": "number",
    "tel": "phone",
    "ph": "phone",
    "phn": "phone",
    "stats": "statistics",
    "stat": "statistics",
    # text-speak
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "pls": "please",
    "plz": "please",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "wot": "what",
    "wat": "what",
    "whats": "what is",
    "hows": "how is",
    "wheres": "where is",
    "whos": "who is",
    "im": "i am",
    "ive": "i have",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "youre": "you are",
    "thats": "that is",
    "theres": "there is",
    "bout": "about",
    "da": "the",  # text-speak; "DA" in capitals is domestic abuse (see normalise)
    "dont": "do not",
    "doesnt": "does not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "isnt": "is not",
    "didnt": "did not",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "tryna": "trying to",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "mom": "mum",
    "ppl": "people",
    "thx": "thanks",
    "info": "information",
    "bc": "because",
    "rn": "right now",
    "asap": "now",
    "nr": "near",
    "n": "and",
    "&": "and",
    **TEXT_SPEAK_MORE,  # added with the fast normaliser's table (one copy)
    # American -> British spelling
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhoods",
    "center": "centre",
    "centers": "centres",
    "offense": "offence",
    "offenses": "offences",
    "defense": "defence",
    "color": "colour",
    "program": "programme",
    "programs": "programmes",
    "honor": "honour",
    "counseling": "counselling",
    "counselor": "counsellor",
    "license": "licence",
    "organization": "organisation",
    "organizations": "organisations",
    "organized": "organised",
    "recognize": "recognise",
    "analyze": "analyse",
    "apologize": "apologise",
    "criticize": "criticise",
    "jewelry": "jewellery",
    "labor": "labour",
    "favor": "favour",
    "harbor": "harbour",
    "gray": "grey",
    "pediatric": "paediatric",
    "traveling": "travelling",
    "cellphone": "mobile",
    "911": "999",
    "knives": "knife",
    "nife": "knife",
    "nives": "knife",
    "wives": "wife",
    "lives": "life",
    "flytipping": "fly tipping",
    "flytip": "fly tipping",
    "flytipped": "fly tipped",
    "antisocial": "anti social",
    "anti-social": "anti social",
    "selfharm": "self harm",
}

# "lgbtq+" and friends lose their "+" in punctuation stripping; keep the word.
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Fold ``text`` to lower-case British words separated by single spaces.

    >>> normalise("Where do I report Anti-Social Behavior?!")
    'where do i report anti social behaviour'
    >>> normalise("ASB in my area")
    'anti social behaviour in my area'
    """
    s = unicodedata.normalize("NFKC", text)
    # "DA" in capitals is domestic abuse; "da" in text-speak is "the" ("druggies in da park").
    s = re.sub(r"\bDA\b", "domestic abuse", s).lower()
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    s = _THOUSANDS.sub("", s)  # "2,130" -> "2130" so figures compare as numbers
    s = s.replace("&", " and ")
    for pattern, repl in _CONTRACTIONS:
        s = re.sub(pattern, repl, s)
    s = s.replace("-", " ")
    s = _PUNCT.sub(" ", s).replace("_", " ")
    words: list[str] = []
    for word in s.split():
        words.append(_TOKENS.get(word, word))
    return _SPACE.sub(" ", " ".join(words)).strip()


# Words that carry no topic on their own. Intent words ("report", "help", "how many") are
# deliberately NOT here: they separate "report domestic abuse" from "domestic abuse figures".
STOPWORDS = frozenset(
    """a an the i me my mine myself we us our you your yours he him his she her they them their
    it its this that these those there here is am are was were be been being do does did done
    have has had having of in on at to for from by with about as into onto than then so if or
    and but not no yes please hi hello hey thanks thank could would should can will shall may
    might must just also really very any some what which who whom whose when where why how
    is it ok okay tell know need want like get got go going one someone somebody anyone
    anybody something thing things bit lot lots let im ive id ill would all see
    """.split()
)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A deliberately light, consistent suffix stripper.

    Consistency matters more than linguistics: "abuse", "abused", "abuses" and "abusing" must
    all meet, as must "report", "reported" and "reporting".
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ings", ""), ("ing", ""), ("ers", ""),
                         ("ed", ""), ("er", ""), ("ly", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "hitting" -> "hitt" -> "hit"
    return word


# Everyday words that carry little topic on their own. Unlike stopwords they still count,
# lightly (see bot.answering.matching.GENERIC_WEIGHT): "what does the council do" needs "do".
GENERIC = frozenset(
    """actually really just still even already always never ever again also anyway maybe
    probably basically literally honestly seriously quite pretty rather round around about
    here there where everywhere somewhere anywhere today tonight tomorrow yesterday week weeks
    month months year years time times day days night nights morning evening weekend lately
    recently ago soon now then later last next first other another same different own
    take takes took taken make makes made get gets getting got do does doing did done go goes
    going went gone come comes coming came say says said saying tell tells told think thought
    know knew feel felt look looks looking see seen put give gave keep keeps kept let lets
    use used using try tried trying mean means way ways thing things stuff something anything
    everything nothing lot lots bit kind sort type much many more most less least very too
    people person someone somebody everyone everybody anyone anybody guy guys bloke lad lads
    good bad big small little new old right wrong sure whole real better worse best worst
    place places area areas town local near nearby road street live lives living happen
    happens happened happening thing able need needs needed want wants wanted like likes
    help helps up out off over back""".split()
)


def content_tokens(normalised: str) -> list[str]:
    """Stemmed tokens of an already normalised text, without stopwords."""
    return [stem(w) for w in normalised.split() if w not in STOPWORDS]


def scrub(normalised: str) -> str:
    """A question fit to keep anonymously: words with digits (phone and house numbers,
    postcodes, dates) become ``#``, so an unanswered question never stores them."""
    return " ".join("#" if any(ch.isdigit() for ch in w) else w for w in normalised.split())
