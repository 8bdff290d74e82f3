"""Score new training messages *before* anything is trained on them: their first-sight figures.

    python -m bench.first_sight FILE [FILE ...]
    python -m bench.first_sight --crisis-model /tmp/c.tsv --sure 0.7 FILE   # a candidate

Every batch of new training data is scored once by the shipped bot before it is trained on,
so the notes can say how the bot did on words it had never seen (afterwards the same
figures only show how well it fitted them). Reads either format:

* the corpus format (``tests/data/corpus/``): ``{q, label, topic, crisis, ...}`` with
  ``label`` topic, crisis or out_of_scope, judged as ``csp-bot eval`` judges it;
* the language training format (``tests/data/lang/train/``): ``{q, label: crisis|none,
  crisis}`` (a crisis must be flagged; "none" must not be, and must get its ``topic`` if it
  names one) and ``{q, topic}`` (the reply's topic must be that one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bot.answering import crisis as rules
from bot.answering import topic_model as tm
from bot.answering.answer import Responder
from bot.answering.crisis_model import CrisisModel
from bot.answering.evaluation import Case, Report, evaluate, load_cases
from bot.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def cases(path: Path) -> list[Case]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if all(item.get("label") in ("topic", "crisis", "out_of_scope") for item in items) or all(
            "label" not in item and "topic" not in item for item in items):
        # The corpus's format, or the development sets' (``expect``): ``csp-bot eval``'s own.
        return load_cases(path)
    out = []
    for item in items:
        if "topic" in item and "label" not in item:
            out.append(Case(str(item["q"]), "topic", topics=(str(item["topic"]),)))
        else:
            crisis = item["label"] == "crisis"
            # A calm message that names a topic (translated_<lang>.yaml) must get that topic.
            topics = (str(item["topic"]),) if not crisis and item.get("topic") else ()
            out.append(Case(str(item["q"]), f"crisis ({item['crisis']})" if crisis else "none",
                            crisis=crisis, topics=topics))
    return out


def summary(name: str, report: Report) -> str:
    crises = [o for o in report.outcomes if o.case.crisis]
    calm = [o for o in report.outcomes if not o.case.crisis]
    caught = sum(bool(o.reply["crisis"]) for o in crises)
    topical = [o for o in calm if o.case.topics]
    right = sum(o.passed for o in topical)
    oos, n_oos = report.out_of_scope
    right_n = sum(o.passed for o in report.outcomes)
    lines = [f"{name}: {len(report.outcomes)} items, {report.accuracy:.1%} right ({right_n})",
             f"  crises flagged: {caught}/{len(crises)}",
             f"  false crises: {report.false_crises}/{len(calm)}",
             f"  topic right: {right}/{len(topical)}"]
    if n_oos:
        lines.append(f"  out of scope declined: {oos}/{n_oos}")
    kinds_ok, flagged = report.kinds_right
    if flagged:
        lines.append(f"  crisis kinds right: {kinds_ok}/{flagged}")
    return "\n".join(lines)


def _use_candidates(crisis_model: Path | None, sure: float | None,
                    topic_model: Path | None,
                    thresholds: tuple[float, float, float] | None = None,
                    refusal: float | None = None) -> None:
    """Swap in candidate models (and the topic model's thresholds: take over nothing, take
    over an unsure answer, unsure below) for this process, to compare them with the shipped
    ones on a batch none of them was trained on (a validation round)."""
    if thresholds is not None:
        tm.TAKE_OVER_NOTHING, tm.TAKE_OVER_UNSURE, tm.UNSURE_BELOW = thresholds
    if refusal is not None:
        tm.REFUSE_OVER_UNSURE = refusal
    if crisis_model is not None:
        candidate = CrisisModel.load(crisis_model)
        rules.shipped_model = lambda: candidate  # type: ignore[assignment]
    if sure is not None:
        rules.SURE_SCORE = sure
    if topic_model is not None:
        topics = tm.TopicModel.load(topic_model)
        tm.shipped_topic_model = lambda: topics  # type: ignore[assignment]


def _thresholds(value: str) -> tuple[float, float, float]:
    parts = [float(x) for x in value.split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("three numbers: take over nothing, unsure, below")
    return parts[0], parts[1], parts[2]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="a batch in the corpus's format or a language training file")
    parser.add_argument("--crisis-model", type=Path, metavar="PATH",
                        help="score with this English crisis model instead of the shipped one "
                             "(a candidate from bench.train_crisis --out)")
    parser.add_argument("--sure", type=float, metavar="P",
                        help="with --crisis-model: its sure threshold (chosen by its --cv)")
    parser.add_argument("--topic-model", type=Path, metavar="PATH",
                        help="score with this English topic model instead of the shipped one")
    parser.add_argument("--topic-thresholds", type=_thresholds, metavar="N,U,B",
                        help="the topic model's thresholds: take over nothing, take over an "
                             "unsure answer, unsure below (shipped: "
                             f"{tm.TAKE_OVER_NOTHING},{tm.TAKE_OVER_UNSURE},{tm.UNSURE_BELOW})")
    parser.add_argument("--refusal", type=float, metavar="R",
                        help="how sure the generic refusal must be to take over an unsure "
                             f"answer (shipped: {tm.REFUSE_OVER_UNSURE})")
    options = parser.parse_args(argv)
    names = options.files
    missing = [str(p) for p in [*map(Path, names), options.crisis_model, options.topic_model]
               if p is not None and not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    _use_candidates(options.crisis_model, options.sure, options.topic_model,
                    options.topic_thresholds, options.refusal)
    responder = Responder(load_knowledge(ROOT / "knowledge"))
    together = Report()
    for name in names:
        report = evaluate(cases(Path(name)), lambda q: responder.answer(q).to_json())
        print(summary(name, report))
        together.outcomes += report.outcomes
    if len(names) > 1:
        # A candidate is judged on the union of the test parts (tests/data/corpus/README.md).
        print(summary("together", together))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
