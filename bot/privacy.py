"""What of an unanswered question may be kept: the few words the knowledge base lacks.

The approach (issue 10): coordinators use ``csp-bot unanswered`` to see what residents ask
that the knowledge base cannot answer. That needs the *topic* of a question, not the
question. Residents often put their own details in it ("i am priya patel i live on shobnall
road my son ahmed was arrested yesterday", "ring me back on seven seven double oh nine
hundred"), and the unanswered table has no chat id, so ``/forget`` could never find them.

So the sentence is never stored. :func:`unanswered_words` keeps only **content words the
knowledge base does not know** (those show the gap; a known word says nothing new), as a
sorted, de-duplicated bag of at most :data:`MAX_WORDS` words, and drops first:

* e-mail addresses, web addresses and postcodes (before normalising splits them up);
* anything with a digit (phone and house numbers, dates) and number words ("seven",
  "double", "oh", "hundred"), so a number spelt out is not kept either;
* any word the resident wrote with a capital letter (other than "I"): names, streets;
* the words after "i am", "my name is", "this is", "call me", "mr"/"mrs"..., after "live
  on/in/at" and "my son/wife/neighbour..." and before "road", "street", "close"...: where
  people put names and addresses even in lower case;
* stopwords, everyday words and words under three letters.

What is left can still, rarely, be a lower-case name nobody introduced ("priya rang"): the
rows are anonymous (no chat id, first and last seen dates only) and deleted after 12
months, which ``/privacy`` states. The text is never logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answering.text import GENERIC, STOPWORDS, normalise

#: At most this many words are kept of one question.
MAX_WORDS = 8

#: What is stored when nothing of a question is fit to keep: it is still counted.
NOTHING_KEPT = "(no words kept)"

_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# UK postcodes, with or without the space ("DE14 1AA", "de141aa", "DE14").
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?(?:\s*\d[a-z]{2})?\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’-]*")

NUMBER_WORDS = frozenset(
    """zero oh o nought nil one two three four five six seven eight nine ten eleven twelve
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
    sixty seventy eighty ninety hundred thousand million double triple treble first second
    third fourth fifth sixth seventh eighth ninth tenth""".split()
)

# (trigger words, how many words after it are dropped)
_AFTER: tuple[tuple[tuple[str, ...], int], ...] = (
    (("i", "am"), 2), (("im",), 2), (("i", "m"), 2), (("name", "is"), 2), (("names",), 2),
    (("called",), 2), (("call", "me"), 2), (("this", "is"), 2), (("its",), 2),
    (("it", "is"), 2), (("mr",), 2), (("mrs",), 2), (("ms",), 2), (("miss",), 2),
    (("dr",), 2), (("live", "on"), 3), (("live", "in"), 3), (("live", "at"), 3),
    (("lives", "on"), 3), (("lives", "in"), 3), (("lives", "at"), 3), (("living", "on"), 3),
    (("living", "in"), 3), (("address", "is"), 3), (("address",), 3), (("moved", "to"), 3),
    (("ring", "me"), 6), (("call", "me", "on"), 6), (("number", "is"), 6),
    (("number",), 6), (("phone",), 6), (("mobile",), 6),
)
_KIN = frozenset(
    """son daughter husband wife partner boyfriend girlfriend mum mom mother dad father
    brother sister friend mate neighbour neighbours nan gran grandma grandad grandson
    granddaughter cousin uncle aunt auntie niece nephew child kid ex landlord boss
    carer""".split()
)
_STREET = frozenset(
    """road rd street st lane ln avenue ave close drive dr way crescent grove place court
    terrace gardens walk hill park square row mews rise view green estate""".split()
)


def _dropped(words: list[str]) -> set[int]:
    """Indices of words that introduce or are likely to be a name, address or number."""
    drop: set[int] = set()
    n = len(words)
    for i in range(n):
        for trigger, count in _AFTER:
            end = i + len(trigger)
            if tuple(words[i:end]) == trigger:
                drop.update(range(end, min(n, end + count)))
        if words[i] in _KIN and i > 0 and words[i - 1] in ("my", "our", "his", "her", "their"):
            drop.update(range(i + 1, min(n, i + 3)))
        if words[i] in _STREET:
            drop.update(range(max(0, i - 2), i + 1))
    return drop


def unanswered_words(text: str, known: Callable[[str], bool]) -> str:
    """The words of ``text`` fit to keep anonymously; :data:`NOTHING_KEPT` if none are.

    ``known(word)`` says whether the knowledge base knows a (normalised) word; such words
    are left out because they show no gap.
    """
    raw = _URL.sub(" ", _EMAIL.sub(" ", text))
    raw = _POSTCODE.sub(" ", raw)
    capitalised = {normalise(w) for w in _CAPITALISED.findall(raw) if w != "I"}
    capitalised = {part for w in capitalised for part in w.split()}
    words = normalise(raw).split()
    drop = _dropped(words)
    kept: set[str] = set()
    for i, word in enumerate(words):
        if (i in drop or word in capitalised or len(word) < 3 or not word.isalpha()
                or not word.isascii() or word in NUMBER_WORDS or word in STOPWORDS
                or word in GENERIC or known(word)):
            continue
        kept.add(word)
    if not kept:
        return NOTHING_KEPT
    return " ".join(sorted(kept)[:MAX_WORDS])

