"""``make bench-check``: fail when a speed figure regresses by more than 25 %.

    .venv/bin/python -m bench.check              # parts 2 and 3, then compare
    .venv/bin/python -m bench.check --record     # the same, and keep them as the baseline

Only ratios to a baseline measured in the same run are compared (answer p99 over bm25s's
and over rapidfuzz QRatio's p99 on the same questions; cold start over a bare ``python -c
pass``), so the check holds on another or a busier machine where absolute times would not.
The recorded ratios live in ``bench/baseline.json`` (committed). Timings stay out of
``make test``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.common import KNOWLEDGE, OUT

BASELINE = Path(__file__).resolve().parent / "baseline.json"
TOLERANCE = 1.25  # a ratio may grow by a quarter before the check fails


def measure() -> dict[str, float]:
    from bench import coldstart, speed
    from bot.config import MatchingConfig
    from bot.knowledge import load_knowledge

    figures = dict(speed.run(load_knowledge(KNOWLEDGE), MatchingConfig().threshold).figures)
    figures.update(coldstart.run().figures)
    return figures


def compare(now: dict[str, float], baseline: dict[str, float]) -> list[str]:
    """One line per figure; those over the tolerance start with REGRESSED."""
    lines = []
    for name, before in sorted(baseline.items()):
        if name not in now:
            lines.append(f"REGRESSED {name}: not measured any more")
            continue
        change = now[name] / before
        verdict = "REGRESSED" if change > TOLERANCE else "ok"
        lines.append(f"{verdict} {name}: {now[name]:.3f} (baseline {before:.3f}, "
                     f"{change - 1:+.0%})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="keep this run as the baseline")
    args = parser.parse_args(argv)
    now = measure()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "check.json").write_text(json.dumps(now, indent=1), encoding="utf-8")
    if args.record or not BASELINE.exists():
        BASELINE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"baseline recorded: {BASELINE.name} ({len(now)} figures)")
        return 0
    lines = compare(now, json.loads(BASELINE.read_text(encoding="utf-8")))
    print("\n".join(lines))
    failed = [ln for ln in lines if ln.startswith("REGRESSED")]
    print(f"\n{len(failed)} regressed by more than {TOLERANCE - 1:.0%}" if failed
          else f"\nno figure regressed by more than {TOLERANCE - 1:.0%}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
