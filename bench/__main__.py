"""``make bench``: what the bot exists for, measured side by side with what it is up against.

    .venv/bin/python -m bench              # every part (about 4 minutes on 2 cores)
    .venv/bin/python -m bench --parts 1,3  # only some

Parts: 1 answer quality, 2 answer speed, 3 cold start of ``csp-bot ask``, 4 update
throughput, 5 broadcast, 6 memory (needs 5's 10,000-recipient run for its last rows).
Prints one table per part and a summary, and writes them all as Markdown to
``bench/out/results.md``, and the ratios ``make bench-check`` compares to
``bench/out/figures.json``. See ``bench/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.common import KNOWLEDGE, OUT, Result, Table

NOTE = ("Absolute times vary between machines and between runs; the ratios (to a floor or a "
        "baseline measured in the same run) are the figures to compare.")


def _machine() -> str:
    return (f"{os.cpu_count()} cores (os.cpu_count), {platform.machine()}, "
            f"Python {platform.python_version()}, {platform.system()}")


def _part(number: int, name: str, fn: Callable[[], Result]) -> Result:
    print(f"[{number}] {name}...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
        table = Table(f"{number}. {name}", ["error"])
        table.add(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
        result = Result(table, [[name, "failed", "", "ERROR"]],
                        [traceback.format_exc()])
    result.table.notes.append(f"part took {time.perf_counter() - start:.0f} s")
    print(result.table.text())
    for table in result.extra:
        print("\n" + table.text())
    for detail in result.details:
        print(detail)
    print(flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="1,2,3,4,5,6",
                        help="comma-separated part numbers (default: all)")
    args = parser.parse_args(argv)
    parts = {int(p) for p in args.parts.split(",") if p.strip()}
    started = time.perf_counter()
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    header = [f"csp-bot benchmarks, {when}", f"machine: {_machine()}", f"note: {NOTE}"]
    print("\n".join(header) + "\n", flush=True)

    from bot.answering.answer import Responder
    from bot.config import MatchingConfig
    from bot.knowledge import load_knowledge

    kb = load_knowledge(KNOWLEDGE)
    threshold = MatchingConfig().threshold
    results: list[Result] = []
    big: dict[str, Any] = {}
    if 1 in parts:
        from bench import quality
        results.append(_part(1, "Answer quality",
                             lambda: quality.run(Responder(kb, threshold=threshold))))
    if 2 in parts:
        from bench import speed
        results.append(_part(2, "Answer speed", lambda: speed.run(kb, threshold)))
    if 3 in parts:
        from bench import coldstart
        results.append(_part(3, "Cold start", coldstart.run))
    from bench import throughput
    if 4 in parts:
        results.append(_part(4, "Update throughput", throughput.run_updates))
    if 5 in parts:
        def broadcast() -> Result:
            result, run = throughput.run_broadcast()
            big.update(run)
            return result

        results.append(_part(5, "Broadcast", broadcast))
    if 6 in parts:
        results.append(_part(6, "Memory", lambda: throughput.memory(big)))

    elapsed = time.perf_counter() - started
    summary = Table("Summary", ["figure", "value", "goal / compared with", "verdict"])
    for result in results:
        for row in result.summary:
            summary.add(*row)
    summary.notes += [f"machine: {_machine()}", NOTE,
                      f"make bench took {elapsed:.0f} s; reproduce with `make bench`"]
    print(summary.text())

    OUT.mkdir(parents=True, exist_ok=True)
    markdown = [f"### Benchmarks ({when})", "",
                f"Machine: {_machine()}. {NOTE} Reproduce with `make bench`.", "",
                summary.markdown(), ""]
    markdown += [t.markdown() + "\n" for r in results for t in [r.table, *r.extra]]
    (OUT / "results.md").write_text("\n".join(markdown), encoding="utf-8")
    figures = {k: v for r in results for k, v in r.figures.items()}
    (OUT / "figures.json").write_text(json.dumps({"when": when, "figures": figures},
                                                 indent=1), encoding="utf-8")
    print(f"\nwritten: {(OUT / 'results.md').relative_to(OUT.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
