"""The matcher before issue 15's speed work, kept unchanged as the reference engine that
bench/equivalence.py and tests/test_matching_speed_equivalence.py compare the current one with.

Matching a resident's question to a topic of the knowledge base.

Two signals, both tolerant of typos, are blended into one confidence in [0, 1]:

* **coverage**: how much of the question's meaning (its content words, weighted by how
  rare they are across topics) the topic's own words explain. Words are stemmed and
  misspellings are pulled back to the knowledge base's vocabulary with rapidfuzz first.
  Out-of-scope questions ("weather tomorrow") explain nothing and so score low.
* **phrasing**: rapidfuzz similarity between the question and the topic's title and
  alternate questions, which rewards a close paraphrase over a bag of shared words.

Wards and places the plan names get an entry each, so "is stapenhil a priority area" finds
Stapenhill. Everything here is pure and Telegram-free; the index is built once per
knowledge base.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.answering.text import GENERIC, STOPWORDS, content_tokens, normalise, stem
from bot.knowledge import KnowledgeBase, Ward

#: Logistic-regression weights turning :class:`Features` into a confidence, fitted by
#: ``bench/calibrate.py`` on residents' questions labelled with the right topic (or none).
#: Long, chatty questions explain a small share of their words but still carry strong
#: evidence ("people in and out at all hours, pretty sure it's drugs being sold"): a
#: fitted blend of share and absolute evidence calibrates them better than share alone.
WEIGHTS = (-8.0141, -0.7505, 2.0242, -0.1742, 1.4832, 2.1844, 1.0421, 4.0380, -0.4541)
#: Below this confidence the bot declines with its menu (``matching.threshold``).
DEFAULT_THRESHOLD = 0.55
#: Everyday words ("actually", "take", "round") are rare in a small knowledge base, so
#: their rarity would make them look like strong evidence: they count this much instead.
GENERIC_WEIGHT = 0.25
#: A word in more entries than this (or a twentieth of them) only scores entries that the
#: question's rarer words already found (see Matcher.features).
COMMON_POSTINGS = 200
#: How many entries, best by coverage, are compared phrase by phrase.
SHORTLIST = 12


@dataclass(frozen=True)
class Entry:
    """Something the matcher can return: a topic, a ward or a place."""

    id: str
    title: str
    kind: str
    phrases: tuple[str, ...]  # stemmed content words of the title and each question
    tf: dict[str, float]  # stem -> saturated frequency within the entry


@dataclass(frozen=True)
class Features:
    """The evidence that one entry answers one question."""

    fraction: float  # share of the question's (weighted) words the entry explains
    evidence: float  # the same, absolute: rare, topical words weigh more
    relative: float  # evidence compared with the best entry's
    known: float  # share of the question's words the knowledge base knows at all
    phrasing: float  # rapidfuzz similarity to the entry's closest title or question
    words: int  # content words in the question

    def vector(self) -> tuple[float, ...]:
        """The inputs of :meth:`confidence`, in the order of :data:`WEIGHTS`."""
        return (
            1.0,
            self.fraction,
            math.log1p(self.evidence),
            self.relative,
            self.known,
            self.phrasing,
            self.phrasing * self.fraction,
            # Smooth, so a near-tie with the best entry is not a cliff.
            self.relative ** 10,
            math.log1p(self.words),
        )

    def confidence(self) -> float:
        """The probability that this entry answers the question (logistic, see WEIGHTS)."""
        z = sum(w * x for w, x in zip(WEIGHTS, self.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The best entry (if confident enough), its confidence and close runners-up."""

    best: Candidate | None
    confidence: float
    candidates: list[Candidate] = field(default_factory=list)
    suggestions: list[Candidate] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.best is not None


def ward_entry_id(ward_id: str) -> str:
    return f"ward:{ward_id}"


def place_entry_id(place: str) -> str:
    return "place:" + "-".join(normalise(place).split())


def _ward_phrases(name: str) -> list[str]:
    # How residents ask about an area; the area's name carries the meaning.
    return [
        f"{name} ward",
        f"crime in {name}",
        f"is {name} a priority ward",
        f"is {name} a priority area",
        f"how safe is {name}",
        f"{name} crime figures",
        f"what is the partnership doing in {name}",
        f"anti social behaviour in {name}",
        f"i live in {name}",
    ]


class Matcher:
    """Scores questions against every entry of one knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, threshold: float = DEFAULT_THRESHOLD,
        suggest_margin: float = 0.08,
    ) -> None:
        self.kb = kb
        self.threshold = threshold
        self.suggest_margin = suggest_margin
        self.entries: dict[str, Entry] = {}
        raw: list[tuple[str, str, str, list[str], list[str]]] = []
        for t in kb.topics.values():
            raw.append((t.id, t.title, t.kind, [t.title, *t.questions], t.keywords))
        self.area_names: dict[str, str] = {}  # normalised name or alias -> entry id
        # A ward or place answer needs the area named in full: "park" alone is not Eton Park.
        self.area_stems: dict[str, list[frozenset[str]]] = defaultdict(list)
        for w in kb.wards.values():
            eid = ward_entry_id(w.id)
            names = [w.name, *w.aliases]
            raw.append((eid, w.name, "ward", _ward_phrases(w.name), names + ["ward", "area"]))
            for n in names:
                self.area_names[normalise(n)] = eid
                self.area_stems[eid].append(frozenset(content_tokens(normalise(n))))
        for place in kb.places:
            eid = place_entry_id(place)
            raw.append((eid, place, "place", _ward_phrases(place), [place, "area"]))
            self.area_names.setdefault(normalise(place), eid)
            self.area_stems[eid].append(frozenset(content_tokens(normalise(place))))

        df: Counter[str] = Counter()
        vocab: dict[str, str] = {}  # surface word -> stem, for typo correction
        for eid, title, kind, phrases, keywords in raw:
            counts: Counter[str] = Counter()
            stemmed_phrases = []
            for p in phrases:
                toks = content_tokens(normalise(p))
                stemmed_phrases.append(" ".join(toks))
                counts.update(set(toks))
            for k in keywords:
                # A keyword is a deliberate signal: a one-word keyword counts like two
                # phrases; the words of "gay man" count once each, as "man" alone says
                # little about the topic.
                toks = content_tokens(normalise(k))
                for tok in set(toks):
                    counts[tok] += 2 if len(toks) == 1 else 1
            for p in [*phrases, *keywords]:
                for word in normalise(p).split():
                    if word not in STOPWORDS:
                        vocab.setdefault(word, stem(word))
            tf = {s: c / (c + 0.6) for s, c in counts.items()}
            df.update(counts.keys())
            self.entries[eid] = Entry(eid, title, kind, tuple(stemmed_phrases), tf)

        size = len(self.entries)
        self.idf = {s: math.log((size + 1) / (d + 0.5)) for s, d in df.items()}
        # Words the knowledge base never uses still carry meaning ("weather", "football"):
        # they count against coverage, a little less than an average known word.
        self.unknown_idf = 0.7 * (sum(self.idf.values()) / max(len(self.idf), 1))
        # stem -> [(entry id, saturated tf)]: the scoring loop does no lookups per posting.
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for eid, e in self.entries.items():
            for s, weight in e.tf.items():
                self.postings[s].append((eid, weight))
        self._vocab_words = list(vocab)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in vocab:
            self._by_initial[word[0]].append(word)
        self._vocab = vocab
        self._area_keys = list(self.area_names)
        self._multiword_areas = [k for k in self.area_names if " " in k]
        # A misspelt area name still starts like one ("eton prk", "burtn town").
        self._area_prefixes = {w[:3] for k in self._multiword_areas for w in k.split()}
        # Postings longer than this belong to words too common to look for candidates by.
        self._common_postings = max(COMMON_POSTINGS, len(self.entries) // 20)
        self._correct = lru_cache(maxsize=8192)(self._correct_uncached)

    # ------------------------------------------------------------------ query analysis

    def _correct_uncached(self, word: str) -> tuple[tuple[str, ...], float]:
        """The stems a word stands for in this knowledge base, and how sure that is.

        A misspelt word is pulled to the closest known word; a run-together one
        ("flytiping") is split into two known words.
        """
        s = stem(word)
        if s in self.idf:
            return (s,), 1.0
        if len(word) < 5 or not word.isalpha():
            return (), 0.0
        cutoff = 80 if len(word) >= 6 else 84
        # People rarely mistype a word's first letter; insisting on it (unless the rest is
        # nearly identical) stops "rain" becoming "brain" and "tonight" becoming "night".
        best = process.extractOne(word, self._by_initial.get(word[0], []), scorer=fuzz.ratio,
                                  score_cutoff=cutoff)
        if best is None and len(word) >= 6:
            best = process.extractOne(word, self._vocab_words, scorer=fuzz.ratio,
                                      score_cutoff=90)
        if best is not None:
            return (self._vocab[best[0]],), 0.85
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if left in self._vocab:
                hit = process.extractOne(right, self._vocab_words, scorer=fuzz.ratio,
                                         score_cutoff=84)
                if hit is not None:
                    return (self._vocab[left], self._vocab[hit[0]]), 0.8
        return (), 0.0

    def _canonical_areas(self, normalised: str) -> str:
        """Misspelt multi-word area names put right: "eton prk" becomes "eton park".

        Single words are left to the general typo correction; a ward needs its whole name
        (see ``area_stems``), so a two-word name with one word mangled would otherwise be
        lost.
        """
        words = normalised.split()
        if not any(w[:3] in self._area_prefixes for w in words):
            return normalised  # nothing like an area name: the common, fast case
        for n in (3, 2):
            for i in range(len(words) - n + 1):
                if not any(w[:3] in self._area_prefixes for w in words[i:i + n]):
                    continue
                gram = " ".join(words[i:i + n])
                if gram in self.area_names:
                    continue
                hit = process.extractOne(gram, self._multiword_areas, scorer=fuzz.ratio,
                                         score_cutoff=85)
                if hit is not None:
                    words[i:i + n] = hit[0].split() + [""] * (n - len(hit[0].split()))
        return " ".join(w for w in words if w)

    def _query_terms(self, normalised: str) -> list[tuple[str | None, float, float]]:
        """(stem or None, idf weight, certainty) for each content word of the question."""
        terms: list[tuple[str | None, float, float]] = []
        for w in normalised.split():
            if w in STOPWORDS:
                continue
            stems, certainty = self._correct(w)
            if not stems:
                terms.append((None, self.unknown_idf, 0.0))
            light = GENERIC_WEIGHT if w in GENERIC else 1.0
            for s in stems:
                terms.append((s, self.idf[s] * light, certainty))
        return terms

    # ------------------------------------------------------------------ scoring

    def features(
        self, text: str, kinds: frozenset[str] | None = None
    ) -> list[tuple[str, Features]]:
        """The shortlisted entries for ``text`` with the evidence for each."""
        normalised = self._canonical_areas(normalise(text))
        terms = self._query_terms(normalised)
        total = sum(w for _, w, _ in terms)
        if not terms or total <= 0:
            return []
        # The hot loop: one pass over the postings of each word, so nothing in it but one
        # dict update. In a large knowledge base a common word ("report") has thousands of
        # postings; an entry with none of the question's rarer words cannot win, so common
        # words only add to the entries the rarer words found. (A knowledge base the size of
        # the shipped one has no word that common, so nothing is skipped there.)
        coverage: dict[str, float] = {}  # entry id -> weighted words
        get = coverage.get
        common: list[tuple[str, float]] = []
        for s, w, certainty in terms:
            if s is None:
                continue
            postings = self.postings.get(s, ())
            if len(postings) > self._common_postings:
                common.append((s, w * certainty))
                continue
            weight = w * certainty
            for eid, tf in postings:
                coverage[eid] = get(eid, 0.0) + weight * tf
        if common and not coverage:
            for s, weight in common:  # only common words: nothing to narrow by
                for eid, tf in self.postings[s]:
                    coverage[eid] = get(eid, 0.0) + weight * tf
        elif common:
            for eid in coverage:
                tf_of = self.entries[eid].tf
                coverage[eid] += sum(weight * tf_of.get(s, 0.0) for s, weight in common)
        if kinds is not None:
            coverage = {e: c for e, c in coverage.items() if self.entries[e].kind in kinds}
        present = {s for s, _, _ in terms if s}
        topical = [stem(w) for w in normalised.split() if w not in STOPWORDS and w not in GENERIC]
        for eid, names in self.area_stems.items():  # a few dozen areas, not every entry
            if eid not in coverage:
                continue
            named = [n for n in names if n <= present]
            if not named:
                del coverage[eid]
                continue
            # "when does Tesco in Uttoxeter close" names a place but asks nothing the bot
            # knows about it: with two or more other words, one must be about the area.
            rest = [s for s in topical if s not in named[0]]
            words_of_area = self.entries[eid].tf
            if len(rest) >= 2 and not any(s in words_of_area for s in rest):
                del coverage[eid]
        if not coverage:
            return []
        known = sum(w for s, w, _ in terms if s) / total
        best = max(coverage.values())
        shortlist = heapq.nlargest(SHORTLIST, coverage, key=coverage.__getitem__)
        query_stems = " ".join(s for s, _, _ in terms if s)
        phrasing = self._phrasing(query_stems, shortlist)
        out = []
        for eid in shortlist:
            phr = phrasing[eid]
            out.append((eid, Features(
                fraction=min(coverage[eid] / total, 1.0),
                evidence=coverage[eid],
                relative=coverage[eid] / best,
                known=known,
                phrasing=phr,
                words=len(terms),
            )))
        return out

    def _phrasing(self, query: str, shortlist: list[str]) -> dict[str, float]:
        """Best similarity of ``query`` to each entry's title and questions, in [0, 1].

        Every phrase of the shortlist is scored in two rapidfuzz calls (the loops run in
        C), rather than two Python-level calls per phrase.
        """
        owners: list[str] = []
        texts: list[str] = []
        for eid in shortlist:
            for p in self.entries[eid].phrases:
                owners.append(eid)
                texts.append(p)
        both = [0.0] * len(texts)
        for scorer in (fuzz.token_set_ratio, fuzz.token_sort_ratio):
            for _, score, index in process.extract(query, texts, scorer=scorer, limit=None):
                both[index] += score / 200
        best = dict.fromkeys(shortlist, 0.0)
        for eid, score in zip(owners, both, strict=True):
            if score > best[eid]:
                best[eid] = score
        return best

    def match(self, text: str, kinds: frozenset[str] | None = None) -> MatchResult:
        """Best entry for ``text`` with a confidence; unmatched below the threshold.

        ``kinds`` limits the answer to entries of those kinds (``/report`` wants reports).
        """
        scored = [
            Candidate(eid, self.entries[eid].title, round(f.confidence(), 4))
            for eid, f in self.features(text, kinds)
        ]
        if not scored:
            return MatchResult(None, 0.0)
        scored.sort(key=lambda c: c.score, reverse=True)
        top = scored[0]
        close = [c for c in scored[1:4] if top.score - c.score <= self.suggest_margin
                 and c.score >= self.threshold * 0.75]
        if top.score < self.threshold:
            weak = [c for c in scored[:3] if c.score >= self.threshold * 0.7]
            return MatchResult(None, top.score, scored, weak)
        return MatchResult(top, top.score, scored, close)

    # ------------------------------------------------------------------ wards

    def match_area(self, name: str) -> str | None:
        """Entry id (``ward:...`` or ``place:...``) for a ward or place name, fuzzily."""
        key = normalise(name)
        if not key:
            return None
        if key in self.area_names:
            return self.area_names[key]
        best = process.extractOne(key, self._area_keys, scorer=fuzz.WRatio, score_cutoff=85)
        return self.area_names[best[0]] if best else None

    def ward(self, entry_id: str) -> Ward | None:
        if entry_id.startswith("ward:"):
            return self.kb.wards.get(entry_id.removeprefix("ward:"))
        return None
