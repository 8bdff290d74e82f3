"""Part 3: cold start of ``csp-bot ask`` as a whole process, and proof it imports no Telegram.

Each run is a fresh process: interpreter start, imports, loading and validating the YAML
knowledge base, building the matcher's index, answering one question. The figure to compare
is the ratio to a bare ``python -c pass`` on the same machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, Result, Table, median, ms, ok

RUNS = 5
GOAL = 0.3  # seconds, whole process, on the machine of issue 15
QUESTION = "how do I report ASB"
BIN = Path(sys.executable).parent

_CHECK = """
import json, sys
from bot.cli.main import main
main(["ask", "--json", %r])
names = sorted(m for m in sys.modules if m == "telegram" or m.startswith("telegram."))
print(json.dumps(names))
"""


_STAGES = """
import json, time
t0 = time.perf_counter()
from bot.cli.common import load_settings
from bot.config import kb_dir
t1 = time.perf_counter()
config = load_settings(None)
t2 = time.perf_counter()
from bot.knowledge import load_knowledge
kb = load_knowledge(kb_dir(None, config))
t3 = time.perf_counter()
from bot.answering.answer import Responder
responder = Responder(kb, threshold=config.matching.threshold)
t4 = time.perf_counter()
responder.answer(%r).to_json()
t5 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]))
"""
STAGE_NAMES = ("import bot.cli.main", "load config (imports pydantic, bot.config)",
               "load + validate knowledge YAML", "build matcher index", "answer one question")


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _times(cmd: list[str]) -> list[float]:
    _wall(cmd)  # once to warm the file cache: what is measured is start-up, not the disk
    return [_wall(cmd) for _ in range(RUNS)]


def slowest_imports(top: int = 5) -> list[tuple[str, float]]:
    """Top-level imports of the ask path by cumulative time (``python -X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c",
         f"from bot.cli.main import main; main(['ask', '--json', {QUESTION!r}])"],
        cwd=ROOT, check=True, capture_output=True, text=True)
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and not name.startswith("  "):  # depth 0 only
            found.append((name.strip(), int(cumulative) / 1e6))
    return sorted(found, key=lambda x: -x[1])[:top]


def run() -> Result:
    cli = str(BIN / "csp-bot")
    ask = _times([cli, "ask", "--json", QUESTION])
    bare = _times([sys.executable, "-c", "pass"])
    done = subprocess.run([sys.executable, "-c", _CHECK % QUESTION], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    telegram = json.loads(done.stdout.strip().splitlines()[-1])

    stage_runs = []
    for _ in range(RUNS):
        done = subprocess.run([sys.executable, "-c", _STAGES % QUESTION], cwd=ROOT, check=True,
                              capture_output=True, text=True)
        stage_runs.append(json.loads(done.stdout.strip().splitlines()[-1]))

    table = Table("3. Cold start of csp-bot ask (whole process)",
                  ["command", "median", "min", "max", "ratio to bare python"])
    table.add(f'csp-bot ask --json "{QUESTION}"', ms(median(ask)), ms(min(ask)), ms(max(ask)),
              f"{median(ask) / median(bare):.1f}x")
    for i, name in enumerate(STAGE_NAMES):
        values = [r[i] for r in stage_runs]
        table.add(f"  of which: {name}", ms(median(values)), ms(min(values)), ms(max(values)),
                  "")
    table.add("python -c pass", ms(median(bare)), ms(min(bare)), ms(max(bare)), "1.0x")
    table.add("telegram modules imported by ask", str(len(telegram)), "", "",
              "none: ok" if not telegram else "IMPORTED: " + ", ".join(telegram[:3]))
    table.notes.append(f"median of {RUNS} runs after one warm-up; telegram checked in "
                       "sys.modules after bot.cli.main(['ask', ...]) in a fresh interpreter")
    table.notes.append("slowest top-level imports (python -X importtime, cumulative): " +
                       ", ".join(f"{n} {ms(t)}" for n, t in slowest_imports()))
    result = Result(table, [
        ["cold start, csp-bot ask (whole process)", ms(median(ask)),
         f"< {ms(GOAL)} ({median(ask) / median(bare):.0f}x bare python {ms(median(bare))})",
         ok(median(ask) < GOAL)],
        ["telegram modules imported by csp-bot ask", str(len(telegram)), "0",
         ok(not telegram)],
    ])
    result.figures["cold start / bare python"] = median(ask) / median(bare)
    return result
