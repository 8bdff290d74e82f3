"""Crisis detection as it was before issue 15's second speed pass, kept unchanged as the reference
that tests/test_crisis_speed_equivalence.py compares :func:`bot.answering.crisis.detect_crisis`
with (normalising and the model's scoring from their own frozen copies; the word lists and
rule tables are the shipped ones, so later rules are judged by both).



A resident who writes "hes hitting me rn" or "i wanna kil myslef" must get 999 (and the
Samaritans) before anything else, whatever the spelling. Questions *about* such things
("what's the suicide rate", "how many stabbings were there") are not crises: they get the
figures without an alarm.

Detection is layered, and every layer errs towards help:

1. **Rules** for the unmistakable: readable, tested one by one, after misspellings are pulled
   back to a small crisis vocabulary with rapidfuzz. A rule that fires is a *sure* crisis.
2. **A statistical model** (:mod:`bot.answering.crisis_model`): a linear model over word and
   character n-grams, trained on real messages, for the phrasings no rule foresaw. Above
   :data:`SURE_SCORE` it is a sure crisis; between :data:`POSSIBLE_SCORE` and that, a
   *possible* one.
3. **The middle tier**: a possible crisis is answered normally, with the emergency line on
   top, rather than with silence or a false alarm.

Questions about figures, the law or the past ("what's the suicide rate", "my ex used to hit
me") lower the model's say: only a high score counts there, and weak rules do not fire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process

from bench.crisis_model_before import shipped_model
from bench.text_before import normalise

# The word lists and rule tables are the shipped ones: this module keeps the *algorithm* as it
# was before the speed work (no prefilter, no gating), so a rule or word added later is
# judged by both, and the equivalence test keeps proving that the fast path changes nothing.
from bot.answering.crisis import (
    _FIGURATIVE,
    _HYPOTHETICAL,
    _KEEP,
    _LEXICON,
    _MISSPELLINGS,
    _NOW,
    _PAST,
    _POSSIBLE_RULES,
    _RULES,
    _STATS,
    INFO_SURE_SCORE,
    POSSIBLE_SCORE,
    SURE_SCORE,
)


class CrisisKind(StrEnum):
    DANGER = "danger"  # someone in immediate danger / violence happening or about to
    SELF_HARM = "self_harm"  # suicidal intent or thoughts, self-harm
    MEDICAL = "medical"  # overdose, someone hurt, not breathing or unconscious
    FIRE = "fire"  # a fire now
    CHILD = "child"  # a child in danger now


class Level(StrEnum):
    SURE = "sure"  # emergency help leads the reply
    POSSIBLE = "possible"  # the normal answer, with the emergency line on top


@dataclass(frozen=True)
class Crisis:
    kind: CrisisKind
    rule: str  # which rule fired ("model" for the model), for tests; never logged with text
    level: Level = Level.SURE
    score: float = 1.0  # the model's crisis probability (1.0 for a rule)

    @property
    def sure(self) -> bool:
        return self.level is Level.SURE




@lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    if token in _MISSPELLINGS:
        return _MISSPELLINGS[token]
    if len(token) < 5 or token in _KEEP or token in _LEXICON or not token.isalpha():
        return token
    best = process.extractOne(token, _LEXICON, scorer=fuzz.ratio, score_cutoff=84)
    return best[0] if best else token


def corrected(text: str) -> str:
    return " ".join(_correct(t) for t in normalise(text).split())


def detect_crisis(text: str, *, use_model: bool = True) -> Crisis | None:
    """Return the crisis a message describes, or ``None``; ``use_model=False``: rules only.

    >>> detect_crisis("he's hitting me right now").kind.value
    'danger'
    >>> detect_crisis("what is the suicide rate in east staffs") is None
    True
    """
    s = corrected(text)
    if not s:
        return None
    info_question = is_info_question(s)
    # _FIGURATIVE (round 9, after the speed work) is a word list like _PAST, so the reference
    # reads it the same way as the shipped code does.
    if ((_HYPOTHETICAL.search(s) or _PAST.search(s) or _FIGURATIVE.search(s))
            and not _NOW.search(s)):
        # "What do I do if...", "the first time he hit me...": asking, or looking back. At
        # most the middle tier: the answer, with the emergency line on top.
        return _model_crisis(s, True, at_most_possible=True) if use_model else None
    for name, pattern, kind, strong in _BY_PRIORITY:
        if pattern.search(s) and (strong or not info_question):
            return Crisis(kind, name)
    found = _model_crisis(s, info_question) if use_model else None
    if use_model and found is None and not info_question:
        # Session 18's middle-tier rules (after the speed work), read as the shipped code
        # reads them.
        for name, pattern, kind in _POSSIBLE_RULES:
            if pattern.search(s):
                return Crisis(CrisisKind(kind.value), name, Level.POSSIBLE)
    return found


# A child or a fire is named for what it is ("my dad is hitting the kids right now" is a child in
# danger, not only a fight), so those rules are tried first.
_BY_PRIORITY = sorted(_RULES, key=lambda rule: rule[2] not in (CrisisKind.CHILD, CrisisKind.FIRE))



def is_info_question(corrected_text: str) -> bool:
    """Asking about figures, the law or the past rather than living through it now."""
    return bool(_STATS.search(corrected_text) or _PAST.search(corrected_text))


def _model_crisis(corrected: str, info_question: bool,
                  at_most_possible: bool = False) -> Crisis | None:
    """The model's verdict where no rule fired (see the module docstring)."""
    model = shipped_model()
    if model is None:
        return None
    if _PERPETRATOR.search(corrected):
        return None  # asking for help to stop hurting someone: the rules' call, not a victim's
    scores = model.score(corrected)
    p = scores.crisis
    kind = CrisisKind(scores.kind)
    if p >= (INFO_SURE_SCORE if info_question else SURE_SCORE):
        return Crisis(kind, "model", Level.POSSIBLE if at_most_possible else Level.SURE, p)
    if p >= POSSIBLE_SCORE and not info_question:
        return Crisis(kind, "model", Level.POSSIBLE, p)
    return None


_PERPETRATOR = re.compile(r"\b(?:stop|stopping) (?:hurting|hitting|abusing|beating|"
                          r"attacking|shouting at)\b|\bi (?:get angry|lose my temper|hurt|hit|"
                          r"abuse|beat|shout at|push|pushed|have pushed|have hit|slapped)\b")
