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
import pstats
import random
import time
from collections.abc import Callable
from typing import Any

from rapidfuzz import process

from bench.common import Result, Table, ms, ok, percentile
from bench.quality import all_questions
from bot.answering import crisis, text
from bot.answering.answer import Responder
from bot.answering.text import STOPWORDS, normalise
from bot.knowledge import KnowledgeBase

GOALS = {1: 1e-3, 100: 5e-3}  # p99 goal in seconds, by size factor
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


def run(base: KnowledgeBase, threshold: float) -> Result:
    """The table, and profiles of any size whose goal was missed."""
    qs = questions()
    table = Table("2. Answer speed (per question, in-process)",
                  ["knowledge base", "entries", "build", "p50", "p99", "first seen p99",
                   "floor p50", "floor p99", "p99 / floor p99", "goal (p99)"])
    result = Result(table)
    for factor in (1, 10, 100):
        kb = synthetic(base, factor)
        gc.collect()
        start = time.perf_counter()
        responder = Responder(kb, threshold=threshold)
        build = time.perf_counter() - start
        clear_caches(responder)
        times = timed(responder.answer, qs, RUNS)
        cold = timed(responder.answer, qs, len(qs),
                     before=functools.partial(clear_caches, responder))
        choices = [*(t.title for t in kb.topics.values()),
                   *(q for t in kb.topics.values() for q in t.questions)]
        floor = timed(functools.partial(extract_one, choices=choices), qs, FLOOR_RUNS,
                      budget=FLOOR_BUDGET)
        p99 = percentile(times, 99)
        goal = GOALS.get(factor)
        verdict = f"< {ms(goal)}: {ok(p99 < goal)}" if goal else ""
        label = "shipped" if factor == 1 else f"synthetic {factor}x"
        table.add(label, f"{len(responder.matcher.entries):,}", ms(build),
                  ms(percentile(times, 50)), ms(p99), ms(percentile(cold, 99)),
                  ms(percentile(floor, 50)), ms(percentile(floor, 99)),
                  f"{p99 / percentile(floor, 99):.2f}", verdict)
        if goal:
            result.summary.append([f"answer p99, {label} KB", ms(p99), f"< {ms(goal)}",
                                   ok(p99 < goal)])
        if factor in (1, 100):
            result.summary.append([f"answer p99 / bare extractOne p99, {label} KB",
                                   f"{p99 / percentile(floor, 99):.2f}",
                                   "(floor: rapidfuzz extractOne over titles + questions)",
                                   ""])
        if goal and p99 >= goal:
            result.details.append(f"profile at {label} ({len(qs) * 2} answers, by own time):\n"
                            + profile(responder, qs))
        del responder, kb
    table.notes += [
        f"{len(qs)} questions (dev + both held-out sets), cycled up to {RUNS} answers or "
        f"{BUDGET:.0f} s; floor = rapidfuzz process.extractOne(q, titles + questions) "
        f"(WRatio), up to {FLOOR_RUNS} calls or {FLOOR_BUDGET:.0f} s",
        "entries = topics + wards + places the matcher indexes; synthetic sizes clone topics",
        "first seen = each distinct question once with every cache cleared before it",
    ]
    return result
