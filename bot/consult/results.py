"""A consultation's results: counts and shares, per ward with small numbers hidden.

Small numbers (decision): a ward's results are shown only when at least
``consult.min_ward_count`` people (default 10, never below 5) from it answered; the rest,
with "elsewhere", are folded into **Other areas**. Because the total is always shown,
Other areas can be worked out from it, so Other areas must not be small either: when it
holds some answers but fewer than the minimum, the smallest ward shown joins it, until it
is big enough or every ward is folded (secondary suppression, as statistical offices do).

Renderers: Telegram HTML (:func:`render_text`), Markdown, a self-contained HTML page with a
chart per question and per ward, and CSV. A repeated consultation (the same question asked
again, e.g. each quarter) gives a :class:`Trend`, drawn as a line by :func:`trend_png`.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import re
import textwrap
from dataclasses import dataclass

from bot.consult.core import Consultation, closed_between, get, tallies
from bot.storage import Storage

OTHER_AREAS = "Other areas"
DEFAULT_MIN_WARD_COUNT = 10
FORMATS = ("text", "md", "html", "csv")


@dataclass(frozen=True)
class OptionCount:
    label: str
    n: int
    share: float  # 0..1 of the group's answers

    @property
    def percent(self) -> str:
        return f"{self.share * 100:.0f}%"


@dataclass(frozen=True)
class Group:
    """The answers of one ward (or of Other areas)."""

    name: str
    total: int
    options: tuple[OptionCount, ...]


@dataclass(frozen=True)
class Results:
    consultation: Consultation
    total: int
    options: tuple[OptionCount, ...]
    wards: tuple[Group, ...]  # wards shown, then Other areas (when it has answers)
    min_ward_count: int

    @property
    def mean(self) -> float | None:
        """The average on a 1-5 scale (None for other questions or no answers)."""
        if not self.consultation.scale or not self.total:
            return None
        return sum((i + 1) * o.n for i, o in enumerate(self.options)) / self.total

    @property
    def headline(self) -> str:
        """One plain sentence: the most chosen answer, or the average on a scale."""
        if not self.total:
            return "No answers were received."
        if self.mean is not None:
            return f"Average {self.mean:.1f} out of 5 from {_people(self.total)}."
        top = max(self.options, key=lambda o: o.n)
        return f"Most chose \u201c{top.label}\u201d ({top.percent} of {_people(self.total)})."


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _options(labels: tuple[str, ...], counts: list[int]) -> tuple[OptionCount, ...]:
    total = sum(counts)
    return tuple(OptionCount(label, n, n / total if total else 0.0)
                 for label, n in zip(labels, counts, strict=True))


def fold_wards(by_ward: dict[str, list[int]], min_count: int
               ) -> tuple[list[tuple[str, list[int]]], list[int] | None]:
    """Split per-ward counts into wards that may be shown and one folded Other areas.

    ``by_ward`` maps ward ids (``elsewhere`` and ``''`` included: never shown) to counts
    per option. Returns (shown, largest first; Other areas' counts or None if empty).
    """
    if min_count < 5:
        raise ValueError("min_count is never below 5")
    width = len(next(iter(by_ward.values()), []))
    shown = {w: c for w, c in by_ward.items()
             if w not in ("", "elsewhere") and sum(c) >= min_count}
    other = [0] * width
    for w, c in by_ward.items():
        if w not in shown:
            other = [a + b for a, b in zip(other, c, strict=True)]
    while shown and 0 < sum(other) < min_count:
        smallest = min(shown, key=lambda w: (sum(shown[w]), w))
        other = [a + b for a, b in zip(other, shown.pop(smallest), strict=True)]
    ordered = sorted(shown.items(), key=lambda item: (-sum(item[1]), item[0]))
    return ordered, (other if sum(other) else None)


def build(c: Consultation, counts: dict[tuple[int, str], int],
          min_ward_count: int = DEFAULT_MIN_WARD_COUNT) -> Results:
    """Results from the stored counts ((choice, ward) -> n)."""
    overall = [0] * len(c.options)
    by_ward: dict[str, list[int]] = {}
    for (choice, ward), n in counts.items():
        if not 0 <= choice < len(c.options):
            continue
        overall[choice] += n
        by_ward.setdefault(ward, [0] * len(c.options))[choice] += n
    groups: list[Group] = []
    if c.wards is not None:
        shown, other = fold_wards(by_ward, min_ward_count)
        groups = [Group(c.ward_name(w), sum(n), _options(c.options, n)) for w, n in shown]
        if other is not None:
            groups.append(Group(OTHER_AREAS, sum(other), _options(c.options, other)))
    return Results(c, sum(overall), _options(c.options, overall), tuple(groups),
                   min_ward_count)


async def results_for(storage: Storage, consultation_id: int,
                      min_ward_count: int = DEFAULT_MIN_WARD_COUNT) -> Results:
    c = await get(storage, consultation_id)
    return build(c, await tallies(storage, c.id), min_ward_count)


# --------------------------------------------------------------------------- trends


def question_key(question: str) -> str:
    """The same question asked again: compared without case, spacing or punctuation."""
    return " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())


@dataclass(frozen=True)
class Trend:
    """A question asked more than once: one point per consultation, oldest first."""

    question: str
    scale: bool
    points: tuple[tuple[dt.date, str, float], ...]  # (closing date, label, value)

    @property
    def measure(self) -> str:
        return "average (1-5)" if self.scale else "share choosing the first option (%)"


def trend_of(series: list[Results]) -> Trend | None:
    if len(series) < 2:
        return None
    points = []
    for r in series:
        if not r.total:
            continue
        value = r.mean if r.mean is not None else r.options[0].share * 100
        points.append((r.consultation.closes_on, f"{r.consultation.closes_on:%b %Y}",
                       round(float(value or 0.0), 2)))
    if len(points) < 2:
        return None
    first = series[-1].consultation
    return Trend(first.question, first.scale, tuple(points))


async def for_period(storage: Storage, start: dt.date, end: dt.date,
                     min_ward_count: int = DEFAULT_MIN_WARD_COUNT
                     ) -> tuple[list[Results], list[Trend]]:
    """Consultations closed in [start, end], and a trend for each of their questions
    asked at least twice (earlier askings included, back to any date)."""
    current = [await results_for(storage, c.id, min_ward_count)
               for c in await closed_between(storage, start, end)]
    trends: list[Trend] = []
    seen: set[str] = set()
    history = await closed_between(storage, dt.date(1970, 1, 1), end)
    for r in current:
        key = question_key(r.consultation.question)
        if key in seen:
            continue
        seen.add(key)
        same = [c for c in history if question_key(c.question) == key
                and c.scale == r.consultation.scale and c.options == r.consultation.options]
        trend = trend_of([await results_for(storage, c.id, min_ward_count) for c in same])
        if trend is not None:
            trends.append(trend)
    return current, trends


# --------------------------------------------------------------------------- charts


def _figure(height: float):  # type: ignore[no-untyped-def]
    # The object API with an explicit Agg canvas: no pyplot state, safe from any thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, height), dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def options_png(r: Results) -> bytes:
    """A horizontal bar chart of the answers, with each bar's count and share."""
    fig = _figure(1.2 + 0.45 * len(r.options))
    ax = fig.subplots()
    rows = list(range(len(r.options)))
    bars = ax.barh(rows, [o.n for o in r.options], color="#1f5f99")
    ax.bar_label(bars, labels=[f"{o.n} ({o.percent})" for o in r.options], padding=3,
                 fontsize=9)
    ax.set_yticks(rows, labels=[textwrap.fill(o.label, 24) for o in r.options], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max([o.n for o in r.options] + [1]) * 1.3)
    ax.set_xlabel("Number of answers", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(textwrap.fill(r.consultation.question, 60), fontsize=10)
    return _png(fig)


def wards_png(r: Results) -> bytes:
    """Each ward shown (and Other areas) as a bar of answer shares, option by option."""
    fig = _figure(1.4 + 0.45 * len(r.wards))
    ax = fig.subplots()
    rows = list(range(len(r.wards)))
    left = [0.0] * len(r.wards)
    palette = ["#1f5f99", "#5b8fc7", "#9aa5b1", "#e0a526", "#b3261e", "#1d7036", "#6b4c9a",
               "#8c564b", "#e377c2", "#17becf"]
    for i, label in enumerate(r.consultation.options):
        values = [g.options[i].share * 100 for g in r.wards]
        ax.barh(rows, values, left=left, color=palette[i % len(palette)],
                label=textwrap.shorten(label, 24), edgecolor="white")
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(rows, labels=[f"{g.name} ({g.total})" for g in r.wards], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of answers in the area (%)", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=8)
    return _png(fig)


def trend_png(trend: Trend) -> bytes:
    """The repeated question's answers over time, as a line."""
    fig = _figure(2.6)
    ax = fig.subplots()
    xs = list(range(len(trend.points)))
    ys = [p[2] for p in trend.points]
    ax.plot(xs, ys, marker="o", color="#1f5f99")
    for x, y in zip(xs, ys, strict=True):
        ax.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=9)
    ax.set_xticks(xs, labels=[p[1] for p in trend.points], fontsize=9)
    ax.set_ylim(*((1, 5.5) if trend.scale else (0, 110)))
    ax.set_ylabel(trend.measure, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(textwrap.fill(trend.question, 60), fontsize=10)
    return _png(fig)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --------------------------------------------------------------------------- renderers


def _e(text: str) -> str:
    return html.escape(text)


def _lines(options: tuple[OptionCount, ...]) -> list[str]:
    return [f"{o.label}: {o.n:,} ({o.percent})" for o in options]


def _note(r: Results) -> str:
    return (f"Areas with fewer than {r.min_ward_count} answers are counted in "
            f"\u201c{OTHER_AREAS}\u201d, so nobody's answer can be picked out.")


def render_text(r: Results) -> str:
    """Telegram HTML (under 4,096 characters for up to 10 options and wards)."""
    c = r.consultation
    out = [f"<b>Consultation {c.id}: {_e(c.question)}</b>",
           _e(f"{c.dates} ({c.status}); {_people(r.total)} answered."), ""]
    out += [f"• {_e(line)}" for line in _lines(r.options)]
    if r.wards:
        out += ["", "<b>By area</b>"]
        for g in r.wards:
            out.append(f"<i>{_e(g.name)}</i> ({g.total:,}): " + _e(
                "; ".join(f"{o.label} {o.percent}" for o in g.options)))
        out.append(_e(_note(r)))
    return "\n".join(out)


def render_markdown(r: Results) -> str:
    from bot.publishing.summary import md_escape

    c = r.consultation
    out = [f"# Consultation {c.id}: {md_escape(c.question)}", "",
           md_escape(f"{c.dates} ({c.status}); {_people(r.total)} answered."), "",
           "| Answer | Count | Share |", "| --- | ---: | ---: |"]
    out += [f"| {md_escape(o.label)} | {o.n:,} | {o.percent} |" for o in r.options]
    if r.wards:
        out += ["", "## By area", "", "| Area | Answers | "
                + " | ".join(md_escape(o) for o in c.options) + " |",
                "| --- | ---: |" + " ---: |" * len(c.options)]
        for g in r.wards:
            out.append(f"| {md_escape(g.name)} | {g.total:,} | "
                       + " | ".join(o.percent for o in g.options) + " |")
        out += ["", md_escape(_note(r))]
    return "\n".join(out) + "\n"


def render_csv(r: Results) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["consultation", "area", "answer", "count", "share"])
    for o in r.options:
        writer.writerow([r.consultation.id, "All", o.label, o.n, f"{o.share:.4f}"])
    for g in r.wards:
        for o in g.options:
            writer.writerow([r.consultation.id, g.name, o.label, o.n, f"{o.share:.4f}"])
    return buf.getvalue()


def html_fragment(r: Results, charts: bool = True, level: int = 2) -> str:
    """The results as HTML (escaped), for the results page and the progress summary."""
    c = r.consultation
    h, h2 = f"h{level}", f"h{level + 1}"
    out = [f"<{h}>{_e(c.question)}</{h}>",
           f"<p>{_e(c.dates)}. {_e(_people(r.total))} answered. {_e(r.headline)}</p>"]
    if charts and r.total:
        out.append(f'<figure><img src="{data_uri(options_png(r))}" alt="'
                   + _e("Bar chart of the answers: " + "; ".join(_lines(r.options)))
                   + '"><figcaption>The same numbers are in the table below.</figcaption>'
                   "</figure>")
    out += ['<div class="wide"><table class="counts">',
            f"<caption>Answers to consultation {c.id}</caption>",
            '<thead><tr><th scope="col">Answer</th><th scope="col" class="num">Count</th>'
            '<th scope="col" class="num">Share</th></tr></thead><tbody>']
    out += [f'<tr><th scope="row">{_e(o.label)}</th><td class="num">{o.n:,}</td>'
            f'<td class="num">{o.percent}</td></tr>' for o in r.options]
    out.append("</tbody></table></div>")
    if r.wards:
        out.append(f"<{h2}>By area</{h2}>")
        if charts:
            alt = "; ".join(f"{g.name}: " + ", ".join(f"{o.label} {o.percent}"
                                                       for o in g.options) for g in r.wards)
            out.append(f'<figure><img src="{data_uri(wards_png(r))}" alt="'
                       + _e("Bar chart of answers by area. " + alt) + '"></figure>')
        out += ['<div class="wide"><table class="counts">',
                "<caption>Share of each answer by area</caption><thead><tr>"
                '<th scope="col">Area</th><th scope="col" class="num">Answers</th>']
        out += [f'<th scope="col" class="num">{_e(o)}</th>' for o in c.options]
        out.append("</tr></thead><tbody>")
        for g in r.wards:
            out.append(f'<tr><th scope="row">{_e(g.name)}</th>'
                       f'<td class="num">{g.total:,}</td>'
                       + "".join(f'<td class="num">{o.percent}</td>' for o in g.options)
                       + "</tr>")
        out += ["</tbody></table></div>", f"<p>{_e(_note(r))}</p>"]
    return "\n".join(out)


PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; \
style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 48rem;
       padding: 1rem; line-height: 1.5; color: #1b1b1b; }}
figure img {{ width: 100%; max-width: 600px; height: auto; }}
table {{ width: 100%; border-collapse: collapse; }}
th, td {{ text-align: left; padding: 0.4rem; border-bottom: 1px solid #c8c8c8; }}
.num {{ text-align: right; }} .wide {{ overflow-x: auto; }}
</style>
</head>
<body><main>
{body}
</main></body>
</html>
"""


def render_html(r: Results) -> str:
    """A self-contained page (no scripts; charts embedded) with the results."""
    title = _e(f"Consultation {r.consultation.id}: {r.consultation.question}")
    return PAGE.format(title=title, body=html_fragment(r, level=1))


def render(r: Results, fmt: str) -> str:
    if fmt == "md":
        return render_markdown(r)
    if fmt == "html":
        return render_html(r)
    if fmt == "csv":
        return render_csv(r)
    return render_text(r)
