"""Part 2: answer speed in-process, at the shipped knowledge base and synthetic ones 10x and
100x its size, against the floor of one bare rapidfuzz ``extractOne`` over the same choices.

A synthetic knowledge base keeps the shipped topics and adds clones of each with new ids
whose title, questions and keywords are perturbed: about a third of the words swapped for
random words of the knowledge base's own vocabulary, and half of the phrases shuffled. The
clones so share the real vocabulary (the worst case for the matcher's postings lists) without
being copies. Wards and places are geography and stay as they are.

Timed: ``Responder.answer(q)`` (crisis rules, matching and building the reply: what ``csp-bot
ask`` does per question) over the development and held-out questions, cycled. The caches
(normalised text, stems, typo corrections) warm up during the first cycle, which the p99 then
includes. "first seen" times each distinct question once with every cache cleared first.
"""

from __future__ import annotations

import cProfile
import dataclasses
import functools
import gc
import io
import math
import os
import pstats
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bench.common import Result, Table, ms, ok, percentile
from bench.quality import all_questions
from bot.answering import crisis, matching, text
from bot.answering.answer import Responder
from bot.answering.text import STOPWORDS, normalise
from bot.knowledge import KnowledgeBase

GOALS = {1: 1e-3, 10: 1e-3, 100: 1e-3}  # p99 goal in seconds, by size factor
BUILD_GOAL = 1.0  # seconds to build the index at 100x ...
HIT_GOAL = 0.05  # ... or to load it from the on-disk cache
RUNS = 3000  # timed answers per size
FLOOR_RUNS = 1000  # timed extractOne calls per size (slower at 100x)
BUDGET = 20.0  # seconds at most per timed loop of answers
FLOOR_BUDGET = 8.0  # seconds at most per timed loop of extractOne


def questions() -> list[str]:
    return all_questions()


def synthetic(kb: KnowledgeBase, factor: int, seed: int = 6) -> KnowledgeBase:
    """``kb`` with ``factor - 1`` perturbed clones of every topic added."""
    if factor <= 1:
        return kb
    rng = random.Random(seed)
    vocab = sorted({
        w for t in kb.topics.values() for phrase in [t.title, *t.questions, *t.keywords]
        for w in normalise(phrase).split() if w not in STOPWORDS and w.isalpha() and len(w) > 2
    })

    def perturb(phrase: str) -> str:
        words = [rng.choice(vocab) if rng.random() < 0.33 else w for w in phrase.split()]
        if len(words) > 2 and rng.random() < 0.5:
            rng.shuffle(words)
        return " ".join(words)

    topics = dict(kb.topics)
    for k in range(1, factor):
        for t in kb.topics.values():
            new_id = f"{t.id}-x{k}"
            topics[new_id] = t.model_copy(update={
                "id": new_id,
                "title": perturb(t.title),
                "questions": [perturb(q) for q in t.questions],
                "keywords": [perturb(kw) for kw in t.keywords],
            })
    return dataclasses.replace(kb, topics=topics)


def extract_one(question: str, choices: list[str]) -> object:
    """The floor: one bare rapidfuzz lookup (default scorer, WRatio) over every choice."""
    return process.extractOne(question, choices)


def clear_caches(responder: Responder) -> None:
    text.normalise.cache_clear()
    text.stem.cache_clear()
    crisis._correct.cache_clear()
    responder.matcher._correct.cache_clear()


def timed(fn: Callable[[str], Any], qs: list[str], runs: int,
          before: Callable[[], None] | None = None, budget: float = BUDGET) -> list[float]:
    """Seconds per call of ``fn`` over ``qs`` cycled, at most ``runs`` calls or ``budget`` s."""
    out: list[float] = []
    clock = time.perf_counter
    deadline = clock() + budget
    for i in range(runs):
        q = qs[i % len(qs)]
        if before is not None:
            before()
        start = clock()
        fn(q)
        out.append(clock() - start)
        if clock() > deadline:
            break
    return out


def profile(responder: Responder, qs: list[str], top: int = 12) -> str:
    """Where the time of ``answer`` goes, cProfile's top functions by own time."""
    prof = cProfile.Profile()
    prof.enable()
    for q in qs * 2:
        responder.answer(q)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    return "\n".join(lines[start:])


def _engines(responder: Responder, kb: KnowledgeBase) -> dict[str, Callable[[str], Any]]:
    """Everything timed side by side at one size, on the same questions."""
    from bench import matching_before
    from bench.quality import BM25

    matcher = responder.matcher
    loop = matching.Matcher(kb, vectorised=False)
    arrays = matching.Matcher(kb, vectorised=True)
    before = matching_before.Matcher(kb)
    bm25 = BM25(responder)
    choices = [*(t.title for t in kb.topics.values()),
               *(q for t in kb.topics.values() for q in t.questions)]
    return {
        "matcher, plain loops": loop.match,
        "matcher, numpy postings": arrays.match,
        "matcher before issue 15": before.match,
        "crisis layer (detect_crisis)": crisis.detect_crisis,
        "bm25s (tokenise + get_scores + argmax)": bm25.best,
        "rapidfuzz extractOne QRatio": functools.partial(
            process.extractOne, choices=choices, scorer=fuzz.QRatio),
        "rapidfuzz extractOne WRatio": functools.partial(extract_one, choices=choices),
        "_matcher_in_use": matcher.match,
    }


def on_disk(kb: KnowledgeBase, folder: Path) -> KnowledgeBase:
    """``kb`` (the shipped files plus synthetic clones) written to ``folder`` as YAML and
    loaded back as the bot loads it, digest of its files included."""
    import shutil

    import yaml

    from bot.knowledge import load_knowledge

    shutil.copytree(kb.source_dir, folder, dirs_exist_ok=True)
    clones = [t.model_dump(mode="json", exclude_none=True) for tid, t in kb.topics.items()
              if "-x" in tid]
    with (folder / "synthetic.yaml").open("w", encoding="utf-8") as out:
        yaml.dump({"topics": clones}, out, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  allow_unicode=True, sort_keys=False)
    return load_knowledge(folder)


def _build_times(kb: KnowledgeBase, threshold: float,
                 ) -> tuple[float, float | None, float | None, float | None]:
    """Seconds to build the index from nothing; to load it from the on-disk cache for the
    knowledge base loaded from files (the bot's case: keyed by their digest) and for the
    same one made in memory (keyed by hashing its entries); and to load its YAML. The last
    three are None when the knowledge base is too small to be cached."""
    saved = os.environ.get(matching.CACHE_ENV)
    try:
        os.environ[matching.CACHE_ENV] = ""  # no cache: the full build
        text.normalise.cache_clear()
        text.stem.cache_clear()
        gc.collect()
        start = time.perf_counter()
        Responder(kb, threshold=threshold)
        build = time.perf_counter() - start
        if matching._phrase_count(kb) < matching.CACHE_MIN_PHRASES:
            return build, None, None, None
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            loaded = on_disk(kb, Path(folder) / "knowledge")
            load = time.perf_counter() - start
            os.environ[matching.CACHE_ENV] = str(Path(folder) / "cache")
            hits: list[float] = []
            for which in (loaded, kb):
                Responder(which, threshold=threshold)  # writes the cache
                gc.collect()
                start = time.perf_counter()
                Responder(which, threshold=threshold)
                hits.append(time.perf_counter() - start)
            return build, hits[0], hits[1], load
    finally:
        if saved is None:
            os.environ.pop(matching.CACHE_ENV, None)
        else:
            os.environ[matching.CACHE_ENV] = saved


def run(base: KnowledgeBase, threshold: float) -> Result:
    """The tables, the figures bench-check compares, and profiles of any missed goal."""
    from bench import equivalence

    qs = questions()
    sets = equivalence.question_sets()
    every = [q for group in sets.values() for q in group]
    table = Table("2. Answer speed (per question, in-process)",
                  ["knowledge base", "entries", "build", "cache hit", "p50", "p99",
                   "first seen p99", "p99 / bm25s p99", "p99 / WRatio p99", "goal (p99)"])
    engines = Table("2b. Engines side by side (same process, same questions; p50 / p99)",
                    ["engine", "shipped", "synthetic 10x", "synthetic 100x"])
    same = Table("2c. Same answers as before issue 15 (topic, confidence, shortlist)",
                 ["knowledge base", "route in use", "identical", "goal"])
    result = Result(table)
    rows: dict[str, list[str]] = {}
    for factor in (1, 10, 100):
        kb = synthetic(base, factor)
        build, hit, hit_memory, load = _build_times(kb, threshold)
        responder = Responder(kb, threshold=threshold)
        clear_caches(responder)
        times = timed(responder.answer, qs, RUNS)
        cold = timed(responder.answer, qs, len(qs),
                     before=functools.partial(clear_caches, responder))
        label = "shipped" if factor == 1 else f"synthetic {factor}x"
        p99 = percentile(times, 99)
        side: dict[str, list[float]] = {}
        for name, fn in _engines(responder, kb).items():
            if name.startswith("_"):
                continue
            slow = name.startswith("rapidfuzz") or "before" in name
            side[name] = timed(fn, qs, FLOOR_RUNS if slow else RUNS,
                               budget=FLOOR_BUDGET if slow else BUDGET)
            rows.setdefault(name, []).append(
                f"{ms(percentile(side[name], 50))} / {ms(percentile(side[name], 99))}")
        rows.setdefault("ours: Responder.answer (crisis + match + reply)", []).append(
            f"{ms(percentile(times, 50))} / {ms(p99)}")
        bm25 = percentile(side["bm25s (tokenise + get_scores + argmax)"], 99)
        wratio = percentile(side["rapidfuzz extractOne WRatio"], 99)
        goal = GOALS[factor]
        table.add(label, f"{len(responder.matcher.entries):,}", ms(build),
                  f"{ms(hit)} ({ms(hit_memory or math.nan)})" if hit is not None
                  else "(not cached)",
                  ms(percentile(times, 50)), ms(p99), ms(percentile(cold, 99)),
                  f"{p99 / bm25:.2f}", f"{p99 / wratio:.3f}",
                  f"< {ms(goal)}: {ok(p99 < goal)}")
        result.summary.append([f"answer p99, {label} KB", ms(p99), f"< {ms(goal)}",
                               ok(p99 < goal)])
        result.summary.append([f"answer p99 / bm25s p99 ; / bare WRatio p99, {label} KB",
                               f"{p99 / bm25:.2f} ; {p99 / wratio:.3f}",
                               "(same run, same questions)", ""])
        result.figures[f"answer p99 / bm25s p99, {label}"] = p99 / bm25
        result.figures[f"answer p99 / QRatio p99, {label}"] = (
            p99 / percentile(side["rapidfuzz extractOne QRatio"], 99))
        if load is not None:
            table.notes.append(f"{label}: its YAML loads in {ms(load)} (not part of the "
                               "index figures)")
        if factor == 100:
            met = build < BUILD_GOAL or (hit is not None and hit < HIT_GOAL)
            result.summary.append([
                "index at 100x: build ; cache hit", f"{ms(build)} ; {ms(hit or math.nan)}",
                f"build < {ms(BUILD_GOAL)} or hit < {ms(HIT_GOAL)}", ok(met)])
        differ = equivalence.compare(kb, every)
        route = "numpy postings" if responder.matcher.vectorised else "plain loops"
        same.add(label, route, f"{len(every) - len(differ)}/{len(every)}",
                 ok(not differ))
        result.summary.append([f"same answers as before, {label} KB",
                               f"{len(every) - len(differ)}/{len(every)}", "all",
                               ok(not differ)])
        for q, old, new in differ[:3]:
            result.details.append(f"differs at {label}: {q!r}: {old} -> {new}")
        if p99 >= goal:
            result.details.append(f"profile at {label} ({len(qs) * 2} answers, by own time):\n"
                                  + profile(responder, qs))
        del responder, kb
    for name, cells in rows.items():
        engines.add(name, *cells)
    table.notes += [
        f"{len(qs)} questions (dev + both held-out sets), cycled up to {RUNS} answers or "
        f"{BUDGET:.0f} s; rapidfuzz floors and the old matcher up to {FLOOR_RUNS} calls or "
        f"{FLOOR_BUDGET:.0f} s",
        "entries = topics + wards + places the matcher indexes; synthetic sizes clone topics",
        "build = Responder(kb) with no index cache and cold text caches; cache hit = "
        "Responder(kb) with the index on disk, for the knowledge base loaded from its YAML "
        "files as the bot does (keyed by their digest), in brackets for the same one made "
        "in memory (keyed by hashing its entries)",
        "first seen = each distinct question once with every cache cleared before it",
        f"the matcher scores postings as numpy arrays from {matching.VECTOR_MIN_ENTRIES} "
        "entries (the shipped KB never imports numpy); 2b times both routes at every size",
    ]
    engines.notes.append("crisis layer = bot.answering.crisis.detect_crisis, part of every "
                         "answer")
    same.notes.append("questions: " + ", ".join(f"{n} ({len(g)})" for n, g in sets.items())
                      + "; old engine = bench/matching_before.py; the test split is only "
                      "compared, never tuned on")
    result.extra = [engines, same]
    return result
