"""Part 1: answer quality, our matcher against two baselines built from the same knowledge.

Every method answers through the ``csp-bot ask --json`` contract, so one judge scores all:

* **ours**: ``Responder.answer(q).to_json()``, exactly what ``csp-bot ask --json`` prints.
* **WRatio on titles**: rapidfuzz ``process.extractOne(q, titles, scorer=WRatio)`` over the
  title of every topic and the name of every ward and place the plan mentions.
* **BM25**: ``bm25s`` over one document per entry: a topic's title, questions, keywords and
  answer; a ward's name, aliases and note; a place's name. Tokens are the matcher's own
  (``bot.answering.text``: normalised, stopwords removed, stemmed), so the comparison is about
  scoring, not tokenising.

A baseline answers with the entry's own reply (``Responder.topic_reply(id).to_json()``) when
its score reaches a cutoff, else it declines with the bot's menu. Each cutoff is the one with
the best accuracy on the same data the matcher's weights were fitted on (the tuning file and
the development set, see ``bench/calibrate.py``), so on the held-out sets every method meets
questions it was not tuned on. Baselines use the bot's own crisis rules (``detect_crisis``,
before matching, as ``Responder.answer`` does): the crisis columns then compare like with
like, and without them a baseline's crisis recall would simply be 0 %.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from bench.common import DATA, DEV_QUESTIONS, HELDOUT, HELDOUT_EVAL, TUNING, Result, Table
from bench.common import ok as ok_text
from bench.split_corpus import CORPUS
from bot.answering.answer import EMERGENCY_LINE, MENU, Reply, Responder
from bot.answering.crisis import detect_crisis
from bot.answering.evaluation import Case, evaluate, judge, load_cases
from bot.answering.matching import place_entry_id, ward_entry_id
from bot.answering.text import content_tokens, normalise

Ask = Callable[[str], dict[str, Any]]
LANG_SETS = DATA / "lang"
DECLINE = "Sorry, I'm not sure I understood that.\n\n" + MENU + "\n\n" + EMERGENCY_LINE


def judged_sets() -> list[tuple[str, list[Path]]]:
    """(label, files) of the sets never tuned on: the English frozen parts, then each
    language's blind sets and its real sets (tests/data/lang/blind*/, real*/)."""
    found = [("English frozen parts", sorted(CORPUS.glob("test*.yaml")))]
    for lang in ("pl", "ur", "pa"):
        for kind in ("blind", "real"):
            found.append((f"{kind} {lang}", sorted(LANG_SETS.glob(f"{kind}*/{lang}.yaml"))))
    return [(label, files) for label, files in found if files]


@dataclass(frozen=True)
class Labelled:
    """A line of ``tests/data/*_questions.txt``: ``question => ids | NONE | CRISIS [ids]``."""

    question: str
    ids: frozenset[str]
    crisis: bool
    none: bool

    def right(self, reply: dict[str, Any]) -> bool:
        """Crisis: flagged, with 999. Out of scope: declined. Else: one of the ids answered."""
        if self.crisis:
            return bool(reply["crisis"]) and "999" in reply["answer"]
        if reply["crisis"]:
            return False
        if self.none:
            return not reply["matched"]
        return bool(reply["matched"]) and reply["topic"] in self.ids


def read_labelled(path: Path) -> list[Labelled]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        question, expected = line.rsplit(" => ", 1)
        words = expected.split()
        ids = frozenset(w for w in words if w not in ("NONE", "CRISIS"))
        items.append(Labelled(question.strip(), ids, "CRISIS" in words, "NONE" in words))
    return items


def all_questions() -> list[str]:
    """Every question of the development and held-out sets (for timing, not scoring)."""
    qs = []
    for path in (DEV_QUESTIONS, HELDOUT_EVAL):
        if path.exists():
            qs += [c.question for c in load_cases(path)]
    return qs + [item.question for item in read_labelled(HELDOUT)]


@dataclass
class Scores:
    right: int
    total: int
    crises_flagged: int
    crises: int
    false_crises: int
    declined: int
    out_of_scope: int

    def cells(self) -> list[str]:
        recall = f"{self.crises_flagged / self.crises:.0%}" if self.crises else "n/a"
        return [f"{self.right / max(self.total, 1):.1%} ({self.right}/{self.total})",
                f"{recall} ({self.crises_flagged}/{self.crises})", str(self.false_crises),
                f"{self.declined}/{self.out_of_scope}"]

    @property
    def accuracy(self) -> float:
        return self.right / max(self.total, 1)


def score_cases(cases: list[Case], ask: Ask) -> Scores:
    report = evaluate(cases, ask)
    declined, oos = report.out_of_scope
    crises = [o for o in report.outcomes if o.case.crisis]
    return Scores(sum(o.passed for o in report.outcomes), len(report.outcomes),
                  sum(bool(o.reply["crisis"]) for o in crises), len(crises),
                  report.false_crises, declined, oos)


def score_labelled(items: list[Labelled], ask: Ask) -> Scores:
    replies = [(item, ask(item.question)) for item in items]
    crises = [r for i, r in replies if i.crisis]
    oos = [r for i, r in replies if i.none]
    return Scores(sum(i.right(r) for i, r in replies), len(replies),
                  sum(bool(r["crisis"]) for r in crises), len(crises),
                  sum(bool(r["crisis"]) for i, r in replies if not i.crisis),
                  sum(not r["matched"] for r in oos), len(oos))


# --------------------------------------------------------------------------- baselines


class Baseline:
    """Best entry by some score; answers with that entry's reply above ``cutoff``."""

    name = "baseline"

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.cutoff = 0.0
        kb = responder.kb
        # (entry id, title, document text) for every topic, ward and place.
        self.entries: list[tuple[str, str, str]] = []
        for t in kb.topics.values():
            doc = " ".join([t.title, *t.questions, *t.keywords, t.answer])
            self.entries.append((t.id, t.title, doc))
        for w in kb.wards.values():
            self.entries.append((ward_entry_id(w.id), w.name,
                                 " ".join([w.name, *w.aliases, w.note])))
        for place in kb.places:
            self.entries.append((place_entry_id(place), place, place))

    def best(self, question: str) -> tuple[str | None, float]:
        raise NotImplementedError

    def ask(self, question: str) -> dict[str, Any]:
        crisis = detect_crisis(question)
        eid, score = self.best(question)
        reply = self.responder.topic_reply(eid) if eid and score >= self.cutoff else None
        if reply is None:
            reply = Reply(matched=False, topic=None, title=None, confidence=0.0, body=DECLINE)
        if crisis:
            reply.crisis = crisis
            if not reply.matched:
                reply.body = ""
        return reply.to_json()

    def tune(self, training: Iterable[tuple[str, Callable[[dict[str, Any]], bool]]]) -> None:
        """Pick the cutoff with the best accuracy on ``training`` (middle of the best run)."""
        # Each item is right or wrong depending only on whether its best score reaches the
        # cutoff: judge both ways once, then sweep.
        outcomes = []  # (best score, right if answered, right if declined)
        for question, right in training:
            score = self.best(question)[1]
            self.cutoff = -1.0
            answered = right(self.ask(question))
            self.cutoff = float("inf")
            outcomes.append((score, answered, right(self.ask(question))))
        candidates = [0.0] + sorted({s + 1e-9 for s, _, _ in outcomes})
        results = [sum(a if s >= cut else d for s, a, d in outcomes) for cut in candidates]
        top = max(results)
        best = [c for c, r in zip(candidates, results, strict=True) if r == top]
        self.cutoff = best[len(best) // 2]


class TitleWRatio(Baseline):
    name = "rapidfuzz WRatio, titles only"

    def __init__(self, responder: Responder) -> None:
        super().__init__(responder)
        self.titles = [title for _, title, _ in self.entries]

    def best(self, question: str) -> tuple[str | None, float]:
        hit = process.extractOne(question, self.titles, scorer=fuzz.WRatio,
                                 processor=str.lower)
        if hit is None:
            return None, 0.0
        return self.entries[hit[2]][0], float(hit[1])


class BM25(Baseline):
    name = "BM25 (bm25s), questions+keywords+answer"

    def __init__(self, responder: Responder) -> None:
        super().__init__(responder)
        self.model = bm25s.BM25()
        self.model.index([content_tokens(normalise(doc)) or [""] for _, _, doc in self.entries],
                         show_progress=False)

    def best(self, question: str) -> tuple[str | None, float]:
        tokens = [t for t in content_tokens(normalise(question)) if t in self.model.vocab_dict]
        if not tokens:
            return None, 0.0
        scores: np.ndarray = self.model.get_scores(tokens)
        i = int(np.argmax(scores))
        return self.entries[i][0], float(scores[i])


# --------------------------------------------------------------------------- the part


def _passes(case: Case) -> Callable[[dict[str, Any]], bool]:
    return lambda reply: not judge(case, reply)


def run(responder: Responder) -> Result:
    dev = load_cases(DEV_QUESTIONS) if DEV_QUESTIONS.exists() else None
    heldout = read_labelled(HELDOUT)

    # The data the matcher's weights were fitted on (bench/calibrate.py), for the cutoffs.
    training: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
        (item.question, item.right) for item in read_labelled(TUNING)]
    if dev:
        training += [(c.question, _passes(c)) for c in dev]

    def ours(q: str) -> dict[str, Any]:
        return responder.answer(q).to_json()

    methods: list[tuple[str, Ask]] = [("ours (csp-bot ask)", ours)]
    cutoffs = []
    for baseline in (TitleWRatio(responder), BM25(responder)):
        baseline.tune(training)
        methods.append((baseline.name, baseline.ask))
        cutoffs.append(f"{baseline.name}: {baseline.cutoff:.2f}")

    table = Table("1. Answer quality",
                  ["question set / method", "accuracy", "crisis recall", "false crises",
                   "out-of-scope declined"])
    sets: list[tuple[str, Callable[[Ask], Scores]]] = []
    if dev is not None:
        sets.append((f"dev set ({DEV_QUESTIONS.name}, {len(dev)} q)",
                     lambda ask: score_cases(dev, ask)))
    if HELDOUT_EVAL.exists():
        heldout_eval = load_cases(HELDOUT_EVAL)
        sets.append((f"held-out ({HELDOUT_EVAL.name}, {len(heldout_eval)} q)",
                     lambda ask: score_cases(heldout_eval, ask)))
    sets.append((f"held-out ({HELDOUT.name}, {len(heldout)} q)",
                 lambda ask: score_labelled(heldout, ask)))
    # Polish, Urdu and Punjabi (tests/data/lang/, frozen before tuning, like the English sets).
    for path in sorted(LANG_SETS.glob("??.yaml")):
        lang_cases = load_cases(path)
        sets.append((f"{path.stem} ({path.name}, {len(lang_cases)} q)",
                     lambda ask, cases=lang_cases: score_cases(cases, ask)))
    # The sets nothing is tuned on, each read together as make test guards it: the English
    # frozen parts of the real-message corpus, and each language's blind and real sets.
    for label, files in judged_sets():
        cases = [case for path in files for case in load_cases(path)]
        sets.append((f"{label} ({len(files)} files, {len(cases)} q)",
                     lambda ask, cases=cases: score_cases(cases, ask)))
    result = Result(table)
    for label, scorer in sets:
        table.add(label, "", "", "", "")
        scores = []
        for name, ask in methods:
            scores.append(scorer(ask))
            table.add("  " + name, *scores[-1].cells())
        mine, wratio, bm25 = scores
        short = label.split(", ")[0].replace("(", "").replace(" q)", "")
        result.summary.append([f"accuracy, {short}", f"{mine.accuracy:.1%}",
                               f"(WRatio on titles {wratio.accuracy:.1%}, "
                               f"BM25 {bm25.accuracy:.1%})", ""])
        all_crises = mine.crises_flagged == mine.crises and mine.false_crises == 0
        result.summary.append([f"crisis recall / false crises, {short}",
                               f"{mine.crises_flagged}/{mine.crises} / {mine.false_crises}",
                               "all / 0", ok_text(all_crises)])
    if dev is None:
        table.notes.append(f"dev set skipped: {DEV_QUESTIONS} is absent")
    table.notes += [
        "baseline cutoffs (best accuracy on tuning_questions.txt + the dev set, the data the "
        "matcher's weights were fitted on): " + "; ".join(cutoffs),
        "dev-set figures are in-sample for every method; the held-out sets are not",
        "baselines run the bot's own crisis rules first (without them their crisis recall "
        "is 0 %); a held-out CRISIS line counts as right when flagged with 999",
    ]
    return result
