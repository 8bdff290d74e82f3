"""The faster :func:`bot.answering.text.normalise` (issue 15) folds every text exactly as the
one before it (``bench/text_before.py``, unchanged): every question of every set we hold,
the Polish, Urdu and Punjabi training messages, every phrase, keyword and answer of the
shipped knowledge base and of a synthetic one ten times its size, and the edge cases below.
No timings: speed is ``make bench``'s business.
"""

from __future__ import annotations

import pytest
import yaml

from bench import equivalence, text_before
from bench.common import DATA
from bench.speed import synthetic
from bot.answering import text
from bot.knowledge import KnowledgeBase

EDGES = [
    "", " ", "DA", "da DA Da", "DA's help", "I'm OK", "Im ok", "can't", "cant", "Won't",
    "ain't", "aint", "od'd", "odd", "oddly", "he's", "She’s", "it`s", "that's it", "John's car",
    "they're", "we've", "you'll", "I'd", "isn't", "2,130 crimes", "1,2", "12,3456", "A&E",
    "e&w", "R&B", "anti-social", "Anti-Social Behavior??", "LGBTQ+", "snake_case", "\tTabs\n",
    "non\u00a0breaking", "ﬁre", "Ｆｕｌｌ width", "dv  asb   vawg", "u r n", "'quoted'",
    "don't won't can't", "wont", "it's 'ok'", "ASB!!!", "what's up", "'s", "n't", "rn pls",
]


@pytest.fixture(scope="module")
def texts(kb: KnowledgeBase) -> list[str]:
    out = [q for qs in equivalence.question_sets().values() for q in qs] + EDGES
    for path in sorted((DATA / "lang" / "train").glob("*.yaml")):
        out += [str(item["q"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    for base in (kb, synthetic(kb, 10)):
        for topic in base.topics.values():
            out += [topic.title, *topic.questions, *topic.keywords, topic.answer]
    for ward in kb.wards.values():
        out += [ward.name, *ward.aliases]
    return out + list(kb.places)


def test_every_text_is_normalised_exactly_as_before(texts: list[str]) -> None:
    assert len(texts) > 10000
    for t in texts:
        assert text.normalise.__wrapped__(t) == text_before.normalise.__wrapped__(t), t
