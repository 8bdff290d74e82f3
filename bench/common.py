"""Shared plumbing of the benchmarks: paths, tables, percentiles, peak memory."""

from __future__ import annotations

import math
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
DATA = ROOT / "tests" / "data"
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "questions.yaml"
HELDOUT = DATA / "heldout_questions.txt"
HELDOUT_EVAL = DATA / "heldout_eval.yaml"
TUNING = DATA / "tuning_questions.txt"
OUT = ROOT / "bench" / "out"


def per_language(spec: str, bare: float | None = None) -> dict[str, float]:
    """A trainer knob's per-language values from its environment spec: ``"pl=0.1,ur=0.2"`` ->
    ``{"pl": 0.1, "ur": 0.2}``; a bare language (``"pa"``) takes ``bare``."""
    values = {}
    for lang, _, value in (part.partition("=") for part in spec.split(",") if part):
        if value:
            values[lang] = float(value)
        elif bare is not None:
            values[lang] = bare
        else:
            raise ValueError(f"{spec!r}: {lang} needs a value ({lang}=...)")
    return values


def use_repo_root() -> None:
    """Make ``tests.fakebotapi`` (test code the benchmarks reuse) importable."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


@dataclass
class Table:
    """One part's figures: printed as text, written as Markdown."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def text(self) -> str:
        cells = [self.headers, *self.rows]
        widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(len(self.headers))]

        def line(row: Sequence[str]) -> str:
            return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(row, widths, strict=False))).rstrip()

        out = [self.title, "=" * len(self.title), line(self.headers),
               "  ".join("-" * w for w in widths)]
        out += [line(r) for r in self.rows]
        out += [f"  note: {n}" for n in self.notes]
        return "\n".join(out)

    def markdown(self) -> str:
        out = [f"#### {self.title}", "", "| " + " | ".join(self.headers) + " |",
               "|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.headers))) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in self.rows]
        if self.notes:
            out.append("")
            out += [f"- {n}" for n in self.notes]
        return "\n".join(out)


@dataclass
class Result:
    """What one part hands back: its table, its lines of the summary, any extra evidence."""

    table: Table
    summary: list[list[str]] = field(default_factory=list)  # figure, value, goal, verdict
    details: list[str] = field(default_factory=list)
    extra: list[Table] = field(default_factory=list)  # further tables of the same part
    #: Ratios to a baseline measured in the same run, for ``make bench-check`` (lower is
    #: better): comparable between runs and machines where absolute times are not.
    figures: dict[str, float] = field(default_factory=dict)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100), nearest rank: a value that was actually measured."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def ms(seconds: float) -> str:
    """Seconds as milliseconds with sensible precision."""
    value = seconds * 1000
    if value < 1:
        return f"{value:.3f} ms"
    if value < 100:
        return f"{value:.2f} ms"
    return f"{value:,.0f} ms"


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB.

    On Linux from ``VmHWM`` in ``/proc/self/status``: ``getrusage``'s ``ru_maxrss`` survives
    ``exec``, so a child started by a large parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def ok(met: bool) -> str:
    return "met" if met else "MISSED"
