"""Score new training messages *before* anything is trained on them: their first-sight figures.

    python -m bench.first_sight FILE [FILE ...]

Every batch of new training data is scored once by the shipped bot before it is trained on,
so the notes can say how the bot did on words it had never seen (afterwards the same
figures only show how well it fitted them). Reads either format:

* the corpus format (``tests/data/corpus/``): ``{q, label, topic, crisis, ...}`` with
  ``label`` topic, crisis or out_of_scope, judged as ``csp-bot eval`` judges it;
* the language training format (``tests/data/lang/train/``): ``{q, label: crisis|none,
  crisis}`` (a crisis must be flagged; "none" must not be) and ``{q, topic}`` (the reply's
  topic must be that one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bot.answering.answer import Responder
from bot.answering.evaluation import Case, Report, evaluate, load_cases
from bot.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def cases(path: Path) -> list[Case]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if all(item.get("label") in ("topic", "crisis", "out_of_scope") for item in items):
        return load_cases(path)
    out = []
    for item in items:
        if "topic" in item and "label" not in item:
            out.append(Case(str(item["q"]), "topic", topics=(str(item["topic"]),)))
        else:
            crisis = item["label"] == "crisis"
            out.append(Case(str(item["q"]), f"crisis ({item['crisis']})" if crisis else "none",
                            crisis=crisis))
    return out


def summary(name: str, report: Report) -> str:
    crises = [o for o in report.outcomes if o.case.crisis]
    calm = [o for o in report.outcomes if not o.case.crisis]
    caught = sum(bool(o.reply["crisis"]) for o in crises)
    topical = [o for o in calm if o.case.topics]
    right = sum(o.passed for o in topical)
    oos, n_oos = report.out_of_scope
    lines = [f"{name}: {len(report.outcomes)} items, {report.accuracy:.1%} right",
             f"  crises flagged: {caught}/{len(crises)}",
             f"  false crises: {report.false_crises}/{len(calm)}",
             f"  topic right: {right}/{len(topical)}"]
    if n_oos:
        lines.append(f"  out of scope declined: {oos}/{n_oos}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="a batch in the corpus's format or a language training file")
    names = parser.parse_args(argv).files
    missing = [name for name in names if not Path(name).is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    responder = Responder(load_knowledge(ROOT / "knowledge"))
    for name in names:
        report = evaluate(cases(Path(name)), lambda q: responder.answer(q).to_json())
        print(summary(name, report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
