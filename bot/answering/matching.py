"""Matching a resident's question to a topic of the knowledge base.

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

Speed (``make bench``, part 2): the work per question must not grow with the knowledge base.
A large knowledge base (see VECTOR_MIN_ENTRIES) scores its postings as numpy arrays, imported
only then. Every knowledge base keeps its index on disk keyed by its content (see
CACHE_MIN_PHRASES). Both
routes give bit-for-bit the answers of the plain loops: the same additions in the same order,
and ties broken in the same order (``bench/matching_before.py`` is the reference engine and
``tests/test_matching_speed_equivalence.py`` holds them together).
"""

from __future__ import annotations

import heapq
import logging
import math
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

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
#: From this many entries on, postings are scored as numpy arrays (numpy is imported then,
#: never for the shipped knowledge base). Chosen by ``make bench``: below it, the plain loop
#: is as fast and numpy's import would cost the cold start more than it saves.
VECTOR_MIN_ENTRIES = 500
#: From this many phrases on (0: always), the index is kept on disk, keyed by the knowledge
#: base's content (its files' digest when loaded from files). Every knowledge base is: a hit costs
#: less than a build even at the shipped size (about 20 ms against 45 of ``csp-bot ask``'s
#: cold start), and at 100x the shipped size (a build of about 2 s) it is what keeps
#: start-up and ``/reload`` fast. Kept as a knob, so a deployment could build small ones.
CACHE_MIN_PHRASES = 0
#: rapidfuzz computes the set score of two phrases with no word in common as
#: ``100 - 100 * d / n`` and their plain ratio as ``(1 - d / n) * 100``: equal but for the
#: last bits. The ratio plus this margin is a safe upper bound on the set score.
_SET_BOUND_MARGIN = 1e-6
_WordSets = tuple[tuple[frozenset[str], ...], tuple[str, ...]]
#: Bumped when the cache's layout changes (it is part of every cache key).
_CACHE_FORMAT = 2
#: Where the index cache lives; ``CSP_BOT_CACHE_DIR`` overrides, an empty value disables it.
CACHE_ENV = "CSP_BOT_CACHE_DIR"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """Something the matcher can return: a topic, a ward or a place."""

    id: str
    title: str
    kind: str
    phrases: tuple[str, ...]  # stemmed content words of the title and each question
    tf: Mapping[str, float]  # stem -> saturated frequency within the entry


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
        # vector() dotted with WEIGHTS, written out: twelve of these per answer, and the
        # same additions in the same order as sum() over the pairs (0 + a is a, exactly).
        w0, w1, w2, w3, w4, w5, w6, w7, w8 = WEIGHTS
        fraction, phrasing, relative = self.fraction, self.phrasing, self.relative
        z = (w0 * 1.0 + w1 * fraction + w2 * math.log1p(self.evidence) + w3 * relative
             + w4 * self.known + w5 * phrasing + w6 * (phrasing * fraction)
             + w7 * relative ** 10 + w8 * math.log1p(self.words))
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


Raw = list[tuple[str, str, str, list[str], list[str]]]


def _raw_entries(kb: KnowledgeBase) -> Raw:
    """(entry id, title, kind, phrases, keywords) of every topic, ward and place."""
    raw: Raw = []
    for t in kb.topics.values():
        raw.append((t.id, t.title, t.kind, [t.title, *t.questions], list(t.keywords)))
    for w in kb.wards.values():
        names = [w.name, *w.aliases]
        raw.append((ward_entry_id(w.id), w.name, "ward", _ward_phrases(w.name),
                    names + ["ward", "area"]))
    for place in kb.places:
        raw.append((place_entry_id(place), place, "place", _ward_phrases(place),
                    [place, "area"]))
    return raw


def _build_index(kb: KnowledgeBase, raw: Raw) -> dict[str, Any]:
    """Everything the matcher derives from a knowledge base, as plain (picklable) data."""
    # Normalising is most of the work of a build: each distinct phrase is normalised once
    # (text.normalise's own cache is far smaller than a large knowledge base).
    memo: dict[str, str] = {}

    def norm(phrase: str) -> str:
        found = memo.get(phrase)
        if found is None:
            found = memo[phrase] = normalise(phrase)
        return found

    area_names: dict[str, str] = {}  # normalised name or alias -> entry id
    # A ward or place answer needs the area named in full: "park" alone is not Eton Park.
    area_stems: dict[str, list[frozenset[str]]] = defaultdict(list)
    for w in kb.wards.values():
        eid = ward_entry_id(w.id)
        for n in [w.name, *w.aliases]:
            area_names[norm(n)] = eid
            area_stems[eid].append(frozenset(content_tokens(norm(n))))
    for place in kb.places:
        eid = place_entry_id(place)
        area_names.setdefault(norm(place), eid)
        area_stems[eid].append(frozenset(content_tokens(norm(place))))

    entries: dict[str, Entry] = {}
    # Each phrase with its words sorted: token_sort_ratio is then a plain ratio (_phrasing).
    sorted_phrases: dict[str, tuple[str, ...]] = {}
    df: Counter[str] = Counter()
    vocab: dict[str, str] = {}  # surface word -> stem, for typo correction
    for eid, title, kind, phrases, keywords in raw:
        counts: Counter[str] = Counter()
        stemmed_phrases = []
        for p in phrases:
            toks = content_tokens(norm(p))
            stemmed_phrases.append(" ".join(toks))
            counts.update(set(toks))
        for k in keywords:
            # A keyword is a deliberate signal: a one-word keyword counts like two
            # phrases; the words of "gay man" count once each, as "man" alone says
            # little about the topic.
            toks = content_tokens(norm(k))
            for tok in set(toks):
                counts[tok] += 2 if len(toks) == 1 else 1
        for p in [*phrases, *keywords]:
            for word in norm(p).split():
                if word not in STOPWORDS:
                    vocab.setdefault(word, stem(word))
        tf = {s: c / (c + 0.6) for s, c in counts.items()}
        df.update(counts.keys())
        entries[eid] = Entry(eid, title, kind, tuple(stemmed_phrases), tf)
        sorted_phrases[eid] = tuple(" ".join(sorted(p.split())) for p in stemmed_phrases)

    size = len(entries)
    idf = {s: math.log((size + 1) / (d + 0.5)) for s, d in df.items()}
    # stem -> [(entry id, saturated tf)]: the scoring loop does no lookups per posting.
    postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for eid, e in entries.items():
        for s, weight in e.tf.items():
            postings[s].append((eid, weight))
    return {"entries": entries, "sorted_phrases": sorted_phrases, "idf": idf,
            "postings": dict(postings), "vocab": vocab, "area_names": area_names,
            "area_stems": dict(area_stems)}


def _cache_dir() -> Path | None:
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "csp-bot"


def _index_key(kb: KnowledgeBase, raw: Raw | None) -> str:
    """The knowledge base's content, and the code that reads it.

    A knowledge base loaded from files carries the digest of their texts (computed as they
    were parsed): that is its content. One made in memory has none, and its entries as the
    index sees them (``raw``) are hashed instead: about 30 ms at 100x, most of a cache hit.
    """
    import hashlib  # noqa: PLC0415 - not needed when the cache is off
    import marshal  # noqa: PLC0415

    digest = hashlib.sha256()
    if raw is None:
        assert kb.digest is not None
        digest.update(f"files {kb.digest}".encode())
    else:
        # marshal's version 2 has no back-references, so equal content, equal bytes.
        digest.update(marshal.dumps([raw, [(w.id, w.name, list(w.aliases)) for w in
                                           kb.wards.values()], list(kb.places)], 2))
    # A change to the matcher or to normalising invalidates every cached index.
    for module in (__file__, sys.modules[normalise.__module__].__file__):
        if module:
            digest.update(Path(module).read_bytes())
    digest.update(f"{sys.version_info[:2]} {sys.byteorder} {_CACHE_FORMAT}".encode())
    return digest.hexdigest()[:40]


def _to_columns(index: dict[str, Any]) -> dict[str, Any]:
    """An index as the cache stores it: a few lists and strings, the postings as raw arrays.

    Postings twice, by word (CSR: for each word its entries' rows and tfs, in entry order, as
    the index holds them) and by entry (each entry's words and tfs, in its tf's order), so a
    cache hit builds neither half a million tuples nor eight thousand dicts: only what a
    question touches (see _Columns). Rows and word numbers fit a C int (32 bits); tfs are
    kept as the doubles they are.
    """
    from array import array  # noqa: PLC0415

    entries: dict[str, Entry] = index["entries"]
    ids = list(entries)
    row = {eid: i for i, eid in enumerate(ids)}
    stems = list(index["postings"])
    number = {st: i for i, st in enumerate(stems)}
    post_ptr, post_row, post_tf = [0], array("i"), array("d")
    for st in stems:
        plist = index["postings"][st]
        post_row.extend(row[eid] for eid, _ in plist)
        post_tf.extend(tf for _, tf in plist)
        post_ptr.append(len(post_row))
    entry_ptr, entry_stem, entry_tf = [0], array("i"), array("d")
    for e in entries.values():
        entry_stem.extend(number[st] for st in e.tf)
        entry_tf.extend(e.tf.values())
        entry_ptr.append(len(entry_stem))
    return {
        "ids": ids, "titles": [e.title for e in entries.values()],
        "kinds": [e.kind for e in entries.values()],
        # A phrase is words joined by single spaces: a newline never occurs in one.
        "phrases": ["\n".join(e.phrases) for e in entries.values()],
        "sorted": ["\n".join(index["sorted_phrases"][eid]) for eid in ids],
        "stems": stems, "idf": index["idf"],
        "vocab": index["vocab"], "area_names": index["area_names"],
        "area_stems": {eid: [sorted(n) for n in names]
                       for eid, names in index["area_stems"].items()},
        "post_ptr": post_ptr, "post_row": post_row.tobytes(), "post_tf": post_tf.tobytes(),
        "entry_ptr": entry_ptr, "entry_stem": entry_stem.tobytes(),
        "entry_tf": entry_tf.tobytes(),
    }


class _Columns:
    """A cached index, read back: entries and postings built one at a time when asked for.

    Equal, key for key and float for float, to what :func:`_build_index` returns
    (tests/test_matching_speed_equivalence.py).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.ids: list[str] = data["ids"]
        self.row = {eid: i for i, eid in enumerate(self.ids)}
        self.titles: list[str] = data["titles"]
        self.kinds: list[str] = data["kinds"]
        self.phrases: list[str] = data["phrases"]
        self.sorted: list[str] = data["sorted"]
        self.stems: list[str] = data["stems"]
        self.number = {st: i for i, st in enumerate(self.stems)}
        self.post_ptr: list[int] = data["post_ptr"]
        self.entry_ptr: list[int] = data["entry_ptr"]
        # The raw arrays as they were written (memoryview: no copy, no numpy).
        self.raw = {k: data[k] for k in ("post_row", "post_tf", "entry_stem", "entry_tf")}
        self.post_row = memoryview(data["post_row"]).cast("i")
        self.post_tf = memoryview(data["post_tf"]).cast("d")
        self.entry_stem = memoryview(data["entry_stem"]).cast("i")
        self.entry_tf = memoryview(data["entry_tf"]).cast("d")

    def index(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"entries": _LazyEntries(self), "sorted_phrases": _LazySorted(self),
                "idf": data["idf"],
                "postings": _LazyPostings(self), "vocab": data["vocab"],
                "area_names": data["area_names"],
                "area_stems": {eid: [frozenset(n) for n in names]
                               for eid, names in data["area_stems"].items()},
                "columns": self}

    def count(self, stem_: str) -> int:
        k = self.number[stem_]
        return self.post_ptr[k + 1] - self.post_ptr[k]


class _LazyEntries(Mapping[str, Entry]):
    def __init__(self, cols: _Columns) -> None:
        self._cols = cols
        self._made: dict[str, Entry] = {}

    def __getitem__(self, eid: str) -> Entry:
        found = self._made.get(eid)
        if found is None:
            c = self._cols
            i = c.row[eid]
            found = self._made[eid] = Entry(eid, c.titles[i], c.kinds[i],
                                            tuple(c.phrases[i].split("\n")), _LazyTf(c, i))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols.ids)

    def __len__(self) -> int:
        return len(self._cols.ids)

    def __contains__(self, eid: object) -> bool:
        return eid in self._cols.row


class _LazyTf(Mapping[str, float]):
    """An entry's tf from the cache, made a dict when first read: scoring by arrays reads
    it only for wards and places, so most entries never need it."""

    def __init__(self, cols: _Columns, i: int) -> None:
        self._cols, self._i = cols, i
        self._tf: dict[str, float] | None = None

    def _dict(self) -> dict[str, float]:
        if self._tf is None:
            c = self._cols
            a, b = c.entry_ptr[self._i], c.entry_ptr[self._i + 1]
            stems = c.stems
            self._tf = {stems[k]: w
                        for k, w in zip(c.entry_stem[a:b], c.entry_tf[a:b], strict=True)}
        return self._tf

    def __getitem__(self, stem_: str) -> float:
        return self._dict()[stem_]

    def get(self, stem_: str, default: Any = None) -> Any:
        return self._dict().get(stem_, default)

    def __contains__(self, stem_: object) -> bool:
        return stem_ in self._dict()

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())


class _LazySorted(Mapping[str, tuple[str, ...]]):
    def __init__(self, cols: _Columns) -> None:
        self._cols = cols
        self._made: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, eid: str) -> tuple[str, ...]:
        found = self._made.get(eid)
        if found is None:
            found = self._made[eid] = tuple(self._cols.sorted[self._cols.row[eid]].split("\n"))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols.ids)

    def __len__(self) -> int:
        return len(self._cols.ids)


class _LazyPostings(Mapping[str, list[tuple[str, float]]]):
    def __init__(self, cols: _Columns) -> None:
        self._cols = cols
        self._made: dict[str, list[tuple[str, float]]] = {}

    def __getitem__(self, stem_: str) -> list[tuple[str, float]]:
        found = self._made.get(stem_)
        if found is None:
            c = self._cols
            k = c.number[stem_]
            a, b = c.post_ptr[k], c.post_ptr[k + 1]
            ids = c.ids
            found = self._made[stem_] = [(ids[r], tf) for r, tf in
                                        zip(c.post_row[a:b], c.post_tf[a:b], strict=True)]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols.stems)

    def __len__(self) -> int:
        return len(self._cols.stems)

    def __contains__(self, stem_: object) -> bool:
        return stem_ in self._cols.number


def _phrase_count(kb: KnowledgeBase) -> int:
    """How many phrases :func:`_raw_entries` gives, without building them."""
    per_area = len(_ward_phrases(""))
    return (sum(len(t.questions) + 1 for t in kb.topics.values())
            + per_area * (len(kb.wards) + len(kb.places)))


def _load_index(kb: KnowledgeBase) -> dict[str, Any]:
    """The index of ``kb``, from the on-disk cache when there is one (built and written
    there when not)."""
    folder = _cache_dir()
    if folder is None or _phrase_count(kb) < CACHE_MIN_PHRASES:
        return _build_index(kb, _raw_entries(kb))
    import marshal  # noqa: PLC0415 - not needed when the cache is off
    # Loaded from files: their digest is the key, and a hit never builds the raw entries.
    raw = None if kb.digest is not None else _raw_entries(kb)
    path = folder / f"index-{_index_key(kb, raw)}.marshal"
    try:
        data = marshal.loads(path.read_bytes())
        return _Columns(data).index(data)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, KeyError) as exc:
        log.warning("index cache %s unreadable, rebuilding: %s", path, exc)
    index = _build_index(kb, raw if raw is not None else _raw_entries(kb))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(_to_columns(index), 2))
        tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    except OSError as exc:
        # A read-only home (systemd's ProtectHome, a locked-down container) only costs the
        # next start a build: worth a note, not a warning on every start.
        log.info("index cache %s not written: %s", path, exc)
    return index


class _Arrays:
    """A matcher's postings as numpy arrays, rows in entry order (large knowledge bases only).

    numpy is imported here and nowhere else: the shipped knowledge base never pays its import.
    """

    def __init__(self, matcher: Matcher) -> None:
        import numpy  # noqa: PLC0415 - lazily: costly to import, needed by large KBs only

        self.np: Any = numpy
        self.ids = list(matcher.entries)
        row = {eid: i for i, eid in enumerate(self.ids)}
        cols = matcher._columns
        if cols is not None:  # from the cache: views of the arrays as read, no copies
            rows = numpy.frombuffer(cols.raw["post_row"], dtype=numpy.intc)
            tfs = numpy.frombuffer(cols.raw["post_tf"], dtype=numpy.float64)
            ptr = cols.post_ptr
            self.postings: dict[str, tuple[Any, Any]] = {
                s: (rows[ptr[k]:ptr[k + 1]], tfs[ptr[k]:ptr[k + 1]])
                for k, s in enumerate(cols.stems)}
            kinds = cols.kinds
        else:
            self.postings = {
                s: (numpy.fromiter((row[eid] for eid, _ in plist), dtype=numpy.int64,
                                   count=len(plist)),
                    numpy.fromiter((tf for _, tf in plist), dtype=numpy.float64,
                                   count=len(plist)))
                for s, plist in matcher.postings.items()
            }
            kinds = [e.kind for e in matcher.entries.values()]
        self.kind_codes: dict[str, int] = {}
        self.kinds = numpy.array([self.kind_codes.setdefault(k, len(self.kind_codes))
                                  for k in kinds], dtype=numpy.int64)
        self.area_rows = [(eid, row[eid]) for eid in matcher.area_stems]
        self.area_at = numpy.array([r for _, r in self.area_rows], dtype=numpy.int64)
        self.positions = numpy.arange(SHORTLIST + 1)
        # A common word's tf for every entry (0 where absent), as the loop's tf_of.get(s, 0.0).
        self._dense: dict[str, Any] = {}
        if cols is None:  # built with the index, so the first question pays no more
            for s, (rows_of, _) in self.postings.items():
                if len(rows_of) > matcher._common_postings:
                    self.dense(s)
        # From the cache they are built when a question first needs one (tens of µs each):
        # the cache hit is the figure that counts there.

    def dense(self, s: str) -> Any:
        found = self._dense.get(s)
        if found is None:
            rows, tfs = self.postings[s]
            found = self.np.zeros(len(self.ids))
            found[rows] = tfs
            self._dense[s] = found
        return found


class Matcher:
    """Scores questions against every entry of one knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, threshold: float = DEFAULT_THRESHOLD,
        suggest_margin: float = 0.08, *, vectorised: bool | None = None,
    ) -> None:
        """``vectorised`` forces numpy scoring on or off (the benchmark compares both);
        by default it is on from VECTOR_MIN_ENTRIES entries."""
        self.kb = kb
        self.threshold = threshold
        self.suggest_margin = suggest_margin
        index = _load_index(kb)
        # Plain dicts when built; read-only mappings that build each item when first asked
        # for when read from the cache (_Columns).
        self.entries: Mapping[str, Entry] = index["entries"]
        self._sorted_phrases: Mapping[str, tuple[str, ...]] = index["sorted_phrases"]
        self._columns: _Columns | None = index.get("columns")
        self._phrase_words: dict[str, _WordSets | None] = {}
        self.area_names: dict[str, str] = index["area_names"]
        self.area_stems: dict[str, list[frozenset[str]]] = index["area_stems"]
        self.idf: dict[str, float] = index["idf"]
        self.postings: Mapping[str, list[tuple[str, float]]] = index["postings"]
        vocab: dict[str, str] = index["vocab"]
        # Words the knowledge base never uses still carry meaning ("weather", "football"):
        # they count against coverage, a little less than an average known word.
        self.unknown_idf = 0.7 * (sum(self.idf.values()) / max(len(self.idf), 1))
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
        self.vectorised = (len(self.entries) >= VECTOR_MIN_ENTRIES if vectorised is None
                           else vectorised)
        # Built with the index, so the first question pays nothing more than the next.
        self._arrays: _Arrays | None = _Arrays(self) if self.vectorised else None
        self._same_words: dict[str, str | None] | None = None

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
        present = {s for s, _, _ in terms if s}
        topical = [stem(w) for w in normalised.split() if w not in STOPWORDS and w not in GENERIC]
        if self.vectorised:
            ranked = self._coverage_arrays(terms, kinds, present, topical)
        else:
            ranked = self._coverage_loop(terms, kinds, present, topical)
        if not ranked:
            return []
        known = sum(w for s, w, _ in terms if s) / total
        best = ranked[0][1]
        shortlist = [eid for eid, _ in ranked]
        query_stems = " ".join(s for s, _, _ in terms if s)
        if self.vectorised:
            phrasing = self._phrasing_arrays(query_stems, shortlist)
        else:
            phrasing = self._phrasing(query_stems, shortlist)
        out = []
        for eid, cover in ranked:
            out.append((eid, Features(
                fraction=min(cover / total, 1.0),
                evidence=cover,
                relative=cover / best,
                known=known,
                phrasing=phrasing[eid],
                words=len(terms),
            )))
        return out

    def _keep_area(self, eid: str, present: set[str], topical: list[str]) -> bool:
        """Whether a ward or place entry the question's words found may be answered."""
        named = [n for n in self.area_stems[eid] if n <= present]
        if not named:
            return False
        # "when does Tesco in Uttoxeter close" names a place but asks nothing the bot
        # knows about it: with two or more other words, one must be about the area.
        rest = [s for s in topical if s not in named[0]]
        words_of_area = self.entries[eid].tf
        return not (len(rest) >= 2 and not any(s in words_of_area for s in rest))

    def _coverage_loop(
        self, terms: list[tuple[str | None, float, float]], kinds: frozenset[str] | None,
        present: set[str], topical: list[str],
    ) -> list[tuple[str, float]]:
        """The SHORTLIST entries best by coverage (weighted words explained), best first."""
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
        for eid in self.area_stems:  # a few dozen areas, not every entry
            if eid in coverage and not self._keep_area(eid, present, topical):
                del coverage[eid]
        # nlargest keeps the first-found of equal scores first: the array route does too.
        shortlist = heapq.nlargest(SHORTLIST, coverage, key=coverage.__getitem__)
        return [(eid, coverage[eid]) for eid in shortlist]

    def _coverage_arrays(
        self, terms: list[tuple[str | None, float, float]], kinds: frozenset[str] | None,
        present: set[str], topical: list[str],
    ) -> list[tuple[str, float]]:
        """:meth:`_coverage_loop` with the postings as numpy arrays, for large knowledge bases.

        Bit-for-bit the same figures: each entry gets the same additions in the same order
        (numpy adds float64 as Python does), and equal scores are ordered as the loop's dict
        would have met them: by the first word that found the entry, then by entry.
        """
        arrays = self._arrays
        if arrays is None:
            arrays = self._arrays = _Arrays(self)
        np = arrays.np
        coverage = np.zeros(len(arrays.ids))
        # (position in the question, rows) of each word that finds entries, in question
        # order: the tie-break below needs it, and only when two scores are equal.
        finders: list[tuple[int, Any]] = []
        common: list[tuple[int, str, float]] = []
        for position, (s, w, certainty) in enumerate(terms):
            posting = arrays.postings.get(s) if s is not None else None
            if posting is None:
                continue
            rows, tfs = posting
            if len(rows) > self._common_postings:  # len(self.postings[s])
                common.append((position, s, w * certainty))  # type: ignore[arg-type]
                continue
            coverage[rows] += (w * certainty) * tfs
            finders.append((position, rows))
        only_common = bool(common) and not finders
        if only_common:
            for position, s, weight in common:
                rows, tfs = arrays.postings[s]
                coverage[rows] += weight * tfs
                finders.append((position, rows))
        # Found = some word added to it: every addition is positive (idf, certainty and tf
        # all are), so a found entry's coverage is never 0.
        found = coverage > 0
        if common and not only_common:
            # Only where the rarer words found something (a few hundred of thousands of rows).
            rows = np.flatnonzero(found)
            extra = np.zeros(len(rows))
            for _, s, weight in common:
                extra += weight * arrays.dense(s)[rows]
            coverage[rows] += extra
        if kinds is not None:
            found &= np.isin(arrays.kinds, [arrays.kind_codes.get(k, -1) for k in kinds])
        if len(arrays.area_at):
            for k in np.flatnonzero(found[arrays.area_at]).tolist():
                eid, row = arrays.area_rows[k]
                if not self._keep_area(eid, present, topical):
                    found[row] = False
        rows = np.flatnonzero(found)
        if not len(rows):
            return []
        values = coverage[rows]
        if len(rows) > SHORTLIST:
            # Everything tied with the SHORTLIST-th best stays in the running for the tie-break.
            cut = np.partition(values, len(values) - SHORTLIST)[len(values) - SHORTLIST]
            keep = values >= cut
            rows, values = rows[keep], values[keep]
        scores = values.tolist()
        rows_ = rows.tolist()
        counts = Counter(scores)
        # Equal scores are ordered as the loop's dict met them: by the first word that found
        # the entry (worked out only for those), then by entry (rows ascend).
        first = [self._first_finder(finders, r) if counts[v] > 1 else 0
                 for v, r in zip(scores, rows_, strict=True)]
        ranks = sorted(zip(scores, first, rows_, strict=True),
                       key=lambda sfr: (-sfr[0], sfr[1], sfr[2]))[:SHORTLIST]
        return [(arrays.ids[r], v) for v, _, r in ranks]

    @staticmethod
    def _first_finder(finders: list[tuple[int, Any]], row: int) -> int:
        """Position of the first word whose postings (rows, ascending) hold ``row``."""
        for position, found_rows in finders:
            at = int(found_rows.searchsorted(row))
            if at < len(found_rows) and found_rows[at] == row:
                return position
        raise AssertionError("a found entry has a word that found it")

    def _word_sets(self, eid: str) -> _WordSets | None:
        """Each phrase of an entry as its set of words, and those words sorted and joined;
        None the first time the entry is shortlisted. Working them out costs about what
        they save on one question, so only entries shortlisted again get them (in a large
        knowledge base most entries are shortlisted once, if ever)."""
        if eid not in self._phrase_words:
            self._phrase_words[eid] = None
            return None
        found = self._phrase_words[eid]
        if found is None:
            sets = tuple(frozenset(p.split()) for p in self.entries[eid].phrases)
            found = self._phrase_words[eid] = (sets, tuple(" ".join(sorted(w)) for w in sets))
        return found

    def _phrasing(self, query: str, shortlist: list[str]) -> dict[str, float]:
        """Best similarity of ``query`` to each entry's title and questions, in [0, 1]:
        (token_set_ratio + token_sort_ratio) / 200 of its closest phrase.

        token_sort_ratio is a plain ratio of the phrases with their words sorted (sorted
        once, at build), all scored in one rapidfuzz call. token_set_ratio, the costlier, is
        only computed where it can still raise the entry's best: at most 100, so a phrase
        whose sort score cannot lift the entry even with a perfect set score is skipped.
        Most phrases share no word with the question; token_set_ratio is then the plain
        ratio of the two sorted word sets, a quarter of the cost, so that (with a margin
        far above rounding) bounds it first.
        """
        owners: list[str] = []
        texts: list[str] = []
        sorted_texts: list[str] = []
        word_sets: list[frozenset[str] | None] = []
        joined_sets: list[str] = []
        for eid in shortlist:
            phrases = self.entries[eid].phrases
            owners += [eid] * len(phrases)
            texts += phrases
            sorted_texts += self._sorted_phrases[eid]
            known = self._word_sets(eid)
            if known is None:
                word_sets += [None] * len(phrases)
                joined_sets += [""] * len(phrases)
            else:
                word_sets += known[0]
                joined_sets += known[1]
        best = dict.fromkeys(shortlist, 0.0)
        words = query.split()
        query_set = frozenset(words)
        query_joined = " ".join(sorted(query_set))
        sorted_query = " ".join(sorted(words))
        ratio, token_set_ratio = fuzz.ratio, fuzz.token_set_ratio
        # Best sort score first, so an entry's best is found early and the rest skipped.
        for _, sort, index in process.extract(sorted_query, sorted_texts, scorer=ratio,
                                              limit=None):
            eid = owners[index]
            so_far = best[eid]
            if 0.5 + sort / 200 <= so_far:
                continue
            phrase_set = word_sets[index]
            if (phrase_set is not None and query_set.isdisjoint(phrase_set)
                    and (ratio(query_joined, joined_sets[index]) + _SET_BOUND_MARGIN) / 200
                    + sort / 200 <= so_far):
                continue
            # The same sum, in the same order, as scoring set then sort for every phrase.
            score = token_set_ratio(query, texts[index]) / 200 + sort / 200
            if score > so_far:
                best[eid] = score
        return best

    def _phrasing_arrays(self, query: str, shortlist: list[str]) -> dict[str, float]:
        """:meth:`_phrasing` in two passes over arrays, for large knowledge bases.

        The same best score per entry to the last bit: each entry's phrase with the best
        sort score is scored in full first, then token_set_ratio (the costly part, about a
        microsecond a phrase) only for the phrases that could still beat it even with a
        perfect set score (``0.5 + sort / 200``), all in C. A large knowledge base
        shortlists near-twins with many phrases each (over 400 in all), where the loop's
        per-phrase Python costs more than the scores themselves.
        """
        assert self._arrays is not None
        np = self._arrays.np
        texts: list[str] = []
        sorted_texts: list[str] = []
        starts: list[int] = []
        sizes: list[int] = []
        for eid in shortlist:
            starts.append(len(texts))
            phrases = self.entries[eid].phrases
            sizes.append(len(phrases))
            texts += phrases
            sorted_texts += self._sorted_phrases[eid]
        sort = process.cdist([" ".join(sorted(query.split()))], sorted_texts,
                             scorer=fuzz.ratio, dtype=np.float64)[0]
        owner = np.repeat(self._arrays.positions[:len(shortlist)], sizes)
        # Seeds: a lower bound for each entry (the loop starts every entry at 0.0).
        seeds = [a + int(sort[a:b].argmax()) for a, b in
                 zip(starts, [*starts[1:], len(texts)], strict=True)]
        best = np.maximum(0.0, process.cdist(
            [query], [texts[i] for i in seeds], scorer=fuzz.token_set_ratio,
            dtype=np.float64)[0] / 200 + sort[seeds] / 200)
        # set / 200 <= 0.5 and rounding is monotonic: a phrase left out cannot beat its seed.
        open_ = 0.5 + sort / 200 > best[owner]
        open_[seeds] = False
        rest = np.flatnonzero(open_)
        if len(rest):
            scores = process.cdist([query], [texts[i] for i in rest],
                                   scorer=fuzz.token_set_ratio, dtype=np.float64)[0] / 200 \
                + sort[rest] / 200
            np.maximum.at(best, owner[rest], scores)
        return dict(zip(shortlist, best.tolist(), strict=True))

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

    def own_question(self, text: str) -> str | None:
        """The topic that has ``text`` word for word among its own questions (or title).

        The knowledge base's authors wrote "how do i report online abuse" for the online
        abuse topic: asked word for word, it is that topic's, however the blend scores it
        against a topic sharing most of its words. Looked up by the question's content
        words (the index stores its phrases stemmed; a phrase two entries share answers
        None), then confirmed on the topic's own words, so "who is involved" is not taken
        for a longer question with the same content words.
        """
        if self._same_words is None:
            table: dict[str, str | None] = {}
            for eid in self.entries:
                for phrase in self.entries[eid].phrases:
                    if phrase:
                        table[phrase] = eid if table.get(phrase, eid) == eid else None
            self._same_words = table
        key = " ".join(content_tokens(normalise(text)))
        found = self._same_words.get(key) if key else None
        topic = self.kb.topics.get(found) if found else None
        if topic is None:
            return None
        words = normalise(text)
        return topic.id if any(normalise(p) == words for p in (topic.title, *topic.questions)) \
            else None

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
