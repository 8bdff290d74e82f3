"""Crisis detection: runs before any matching, so emergency help always comes first.

A resident who writes "hes hitting me rn" or "i wanna kil myslef" must get 999 (and the
Samaritans) before anything else, whatever the spelling. Questions *about* such things
("what's the suicide rate", "how many stabbings were there") are not crises: they get the
figures without an alarm.

Detection is rules, not statistics, on purpose: every rule is readable, testable, and errs
towards help. Misspellings are first pulled back to a small crisis vocabulary with rapidfuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.answering.text import normalise


class CrisisKind(StrEnum):
    DANGER = "danger"  # someone in immediate danger / violence happening now
    SELF_HARM = "self_harm"  # suicidal intent or self-harm
    MEDICAL = "medical"  # overdose, someone hurt or unconscious


@dataclass(frozen=True)
class Crisis:
    kind: CrisisKind
    rule: str  # which rule fired, for tests and debugging (never logged with the text)


_LEXICON = (
    "kill killing killed myself suicide suicidal overdose overdosed overdosing hitting beating "
    "punching kicking attacking attacked strangling choking stabbing stabbed threatening "
    "breaking knife machete weapon bleeding unconscious breathing danger dying pills tablets "
    "tablet harming hurting assaulted raped raping following followed kidnapped trapped "
    "strangled hanging collapsed burning"
).split()

# Real words one edit away from a crisis word: never "correct" them.
_KEEP = frozenset(
    """sitting fitting getting letting setting betting skill still fill hill will kiss mile file
    fire hire wire tire dire life wife knife himself herself yourself itself ourselves baking
    making taking waking raking braking faking dying tying lying hell held help harm farm warm
    charm hurt danger ranger manger hanging banging ringing singing bringing breathing
    following allowed flowed followed raised rated rapid rapper tables table stable cables
    bleeding breeding feeding needing reading leading pills bills hills mills fills kills willing
    filling billing calling falling selling telling walking talking parking marking working
    killed filled billed choking joking smoking poking stroking cooking looking booking
    beating eating heating seating meeting greeting punching lunching bunching kicking picking
    ticking licking sticking attacking packing backing tracking hacking stacking mentally
    """.split()
)

_MISSPELLINGS = {
    "kil": "kill",
    "kms": "kill myself",
    "unalive": "kill",
    "sucide": "suicide",
    "suiside": "suicide",
    "sucidal": "suicidal",
    "od": "overdose",
    "oded": "overdosed",
    "myslef": "myself",
    "meself": "myself",
    "mysefl": "myself",
    "hiting": "hitting",
    "hitin": "hitting",
    "hittin": "hitting",
    "beatin": "beating",
    "stabbin": "stabbing",
    "attackin": "attacking",
    "chokin": "choking",
    "killin": "killing",
    "hurtin": "hurting",
    "breakin": "breaking",
    "nife": "knife",
    "knif": "knife",
    "rn": "right now",
}


@lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    if token in _MISSPELLINGS:
        return _MISSPELLINGS[token]
    if len(token) < 5 or token in _KEEP or token in _LEXICON or not token.isalpha():
        return token
    best = process.extractOne(token, _LEXICON, scorer=fuzz.ratio, score_cutoff=84)
    return best[0] if best else token


def _corrected(text: str) -> str:
    return " ".join(_correct(t) for t in normalise(text).split())


_HURTING = (r"\b(?:hitting|beating|punching|kicking|attacking|strangling|choking|stabbing|"
            r"hurting|assaulting|raping|strangled|battering|slapping)")

# People, not things: "kicking my fence" is anti-social behaviour, "kicking my mum" is not.
_ME = (r"(?:me|us|her|him|them|mum|dad|(?:my|our) (?:mum|dad|mother|father|wife|husband|"
       r"partner|child|children|son|daughter|kid|kids|baby|friend|mate|sister|brother|"
       r"girlfriend|boyfriend|nan|gran|grandad|grandma|neighbour|carer|family))")

# "I want to stop hurting my partner" is someone asking for help to change (the Respect
# phoneline), not a victim in danger: the speaker as the one doing it does not count.
_NOT_BY_ME = r"(?<!\bi )(?<!\bi am )(?<!\bstop )(?<!\bkeep )(?<!\bi keep )(?<!\bto )"

# (name, pattern, kind, strong). Strong rules are first-person or clearly happening now and
# fire even beside statistics words ("I want to kill myself, what's the suicide rate").
_RULES: list[tuple[str, re.Pattern[str], CrisisKind, bool]] = [
    (name, re.compile(pattern), kind, strong)
    for name, pattern, kind, strong in [
        # --- self-harm and suicidal intent
        ("kill-myself", r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|hang|hanging|"
         r"poison|poisoning|end) (?:my ?self)\b", CrisisKind.SELF_HARM, True),
        ("end-my-life", r"\b(?:end|ending|take|taking|took) (?:it all|my (?:own )?life)\b",
         CrisisKind.SELF_HARM, True),
        ("want-to-die", r"\b(?:want|wants|wanting|going|wish|ready|like) to die\b|"
         r"\b(?:going to|gonna|about to|wants to|want to) jump\b|\bjump off\b|"
         r"\b(?:got|have|holding) (?:the |my |all my )?(?:pills|tablets) (?:in my hand|ready|"
         r"lined up)\b|"
         r"\bwant to be dead\b|\bbetter off dead\b|\bno reason to live\b|"
         r"\b(?:not|never) want to (?:live|be alive|be here|wake up)\b|"
         r"\bcan not go on (?:any ?more|like this)\b|\bcan not (?:do|take) (?:this|it) any ?more\b",
         CrisisKind.SELF_HARM, True),
        ("suicidal-me", r"\b(?:i am|i feel|i have been|i get|feeling|felt|been) (?:\w+ ){0,2}"
         r"suicidal\b|\b(?:thinking|thought|thoughts) (?:about|of) (?:suicide|killing my ?self|"
         r"ending it)\b", CrisisKind.SELF_HARM, True),
        ("suicidal", r"\bsuicidal\b|\bsuicide (?:note|plan|attempt)\b", CrisisKind.SELF_HARM,
         False),
        ("self-harm", r"\bself harm(?:ing|ed)?\b", CrisisKind.SELF_HARM, False),
        # --- medical emergencies
        ("overdose", r"\b(?:taken|took|taking|had|done|has|have) (?:an |a )?overdose\b|"
         r"\b(?:took|taken|swallowed|had) (?:a |the )?(?:whole |full )?(?:packet|box|bottle|"
         r"load|strip|handful) of (?:paracetamol|pills|tablets|painkillers|meds|medication|"
         r"sleeping pills|aspirin|ibuprofen)\b|"
         r"\boverdosed\b|\boverdosing\b|"
         r"\b(?:took|taken|swallowed) (?:all|loads of|a lot of|too many|a load of|a bunch of) "
         r"(?:my |the |his |her |of )*(?:pills|tablets)\b", CrisisKind.MEDICAL, True),
        ("wont-wake", r"\b(?:will not|can not|wont|cant|not) wak(?:e|ing) (?:up|him|her|them)\b|"
         r"\bspiked me\b|\b(?:just|i think i have|i have) been spiked\b",
         CrisisKind.MEDICAL, True),
        ("not-breathing", r"\b(?:not breathing|stopped breathing|unconscious|not responding|"
         r"unresponsive|"
         r"(?:is|are|has) collapsed|bleeding (?:badly|heavily|a lot|everywhere)|"
         r"(?:has been|have been|just been|got|been) (?:stabbed|shot))\b",
         CrisisKind.MEDICAL, False),
        # --- danger now
        ("hurting-me", _NOT_BY_ME + _HURTING + r" (?:me|us)\b", CrisisKind.DANGER, True),
        # Someone else being hurt: an emergency when it is happening, but "I think someone
        # is hurting him at home" is a worry to report, so questions and suspicions don't fire.
        ("hurting-other", _NOT_BY_ME + _HURTING + " " + _ME + r"\b", CrisisKind.DANGER, False),
        ("just-attacked", r"\b(?:just|has just|have just|he just|she just|they just) "
         r"(?:punched|hit|attacked|stabbed|beat|beaten|kicked|strangled|choked|raped|grabbed|"
         r"slapped|headbutted|battered|assaulted) (?:me|us|my|her|him|a|someone|somebody)\b|"
         r"\b(?:dragging|bundling|pulling) (?:her|him|them|a|someone|somebody|my)\b.*"
         r"\b(?:car|van|house)\b", CrisisKind.DANGER, True),
        ("kill-me", r"\b(?:going to|gonna|trying to|try to|threatening to|threatened to|"
         r"says he will|said he would|says she will|will|wants to) kill " + _ME + r"\b",
         CrisisKind.DANGER, True),
        ("break-in", r"\b(?:trying to|try to|is|are|currently|someone) (?:break|breaking) "
         r"(?:in|into)\b|\bbreaking (?:in|into) (?:my|our|the)\b",
         CrisisKind.DANGER, True),
        ("armed", r"\b(?:has|got|with|holding|waving|pulled|pulling) (?:a |out a |his |"
         r"her )?(?:knife|gun|machete|weapon|blade)\b", CrisisKind.DANGER, False),
        ("in-danger", r"\b(?:i am|we are|am|are|i feel|she is|he is|they are) in (?:immediate )?"
         r"danger\b|\b(?:i am|we are) not safe\b|\bimmediate danger\b", CrisisKind.DANGER, True),
        ("being-attacked", r"\b(?:being|getting|just been) (?:attacked|stabbed|assaulted|raped|"
         r"followed|beaten|chased|mugged|robbed|hit|threatened with)\b", CrisisKind.DANGER, True),
        ("happening-now", r"\b(?:fight|fighting|attack|violence|stabbing|hitting|shooting|riot|"
         r"kicking off)\b.*\b(?:right now|happening now|going on now|outside now)\b|"
         r"\b(?:right now|happening now)\b.*\b(?:fight|fighting|attack|violence|stabbing|"
         r"hitting|shooting)\b", CrisisKind.DANGER, True),
        ("intruder", r"\bsome ?one(?: is)? (?:in|inside) (?:my|our) (?:back |front )?"
         r"(?:garden|house|home|flat|room|kitchen)\b.*\b(?:now|door|window|trying)\b|"
         r"\btrying (?:the|my|our) (?:door|doors|door handles|handles|windows)\b|"
         r"\b(?:kicking|smashing|banging) (?:the|my|our) (?:door|front door|back door) "
         r"(?:in|down)\b|"
         r"\b(?:is|are|keeps|keep|started) (?:smashing|wrecking|breaking) (?:my|our|the)\b|"
         r"\b(?:is|are|man|someone|somebody|guy|he|they) following me\b",
         CrisisKind.DANGER, True),
        ("fire", r"\bon fire\b|"
         r"\bthere is a fire\b", CrisisKind.DANGER, False),
        ("trapped", r"\b(?:kidnapped|abducted|held hostage|locked me in|locked in (?:a|the|my) "
         r"room|will not let me (?:leave|out))\b", CrisisKind.DANGER, True),
        ("help-now", r"\bhelp (?:me )?(?:please )?(?:now|quick|quickly)\b.*\b(?:he|she|they|"
         r"someone)\b|\bcall (?:the )?police (?:now|quick)\b", CrisisKind.DANGER, True),
    ]
]

# Looking back, not in crisis now: "I used to self harm", "someone who was suicidal".
_PAST = re.compile(r"\b(?:used to|in the past|years ago|was suicidal|were suicidal|"
                   r"had been suicidal|recovering from)\b")

# Asking *about* crime or suicide, not living through it.
_STATS = re.compile(
    r"\b(?:rate|rates|statistic|statistics|figure|figures|number of|numbers|how many|how much|"
    r"per 1000|percent|percentage|data|trend|trends|compared|average|prevent|prevention|"
    r"awareness|what is|what are|what does|meaning|define|definition|signs of|"
    r"i think|worried|concerned|suspect|who do i|how do i|where can i|what should i|"
    r"leaflet|training|campaign|course|policy|strategy|plan)\b"
)


def detect_crisis(text: str) -> Crisis | None:
    """Return the crisis a message describes, or ``None``.

    >>> detect_crisis("he's hitting me right now").kind.value
    'danger'
    >>> detect_crisis("what is the suicide rate in east staffs") is None
    True
    """
    s = _corrected(text)
    if not s:
        return None
    info_question = bool(_STATS.search(s) or _PAST.search(s))
    for name, pattern, kind, strong in _RULES:
        if pattern.search(s) and (strong or not info_question):
            return Crisis(kind, name)
    return None
