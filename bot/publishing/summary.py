"""The residents' progress summary: "a simple easy to read guide on the progress" of the plan.

The plan promises residents a guide to progress, published each April. Partners send an
update per priority each quarter (see :mod:`bot.partners.updates`); once approved, the latest
revision of each feeds this summary. :func:`build_summary` turns those updates and the knowledge
base into a :class:`Summary` (pure data, grouped by priority in the plan's order), and the
renderers turn a Summary into Telegram HTML messages, Markdown, or a self-contained HTML
page with a chart.

Everything a partner wrote is untrusted: it is escaped in every output. Progress ratings are
always given in words ("On track") as well as colour, so nobody needs to tell green from red.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import re
import textwrap
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from rapidfuzz import fuzz, utils

from bot.answering.answer import format_value
from bot.errors import SummaryError
from bot.knowledge import Figure, KnowledgeBase, Topic
from bot.partners.periods import Period, parse_period
from bot.partners.updates import RAG, UpdateRecord, latest_approved
from bot.storage import Storage

logger = logging.getLogger(__name__)

PARTNERSHIP = "East Staffordshire Community Safety Partnership"

#: What each rating means, in the words residents read (colour alone is never enough).
RAG_WORDS = {"green": "On track", "amber": "Some concern", "red": "Off track"}
#: Telegram cannot colour text; a coloured circle next to the words stands in.
RAG_MARKS = {"green": "🟢", "amber": "🟠", "red": "🔴"}
#: Chart and page colours: dark enough green and red for white text, amber for black text.
RAG_COLOURS = {"green": "#1d7036", "amber": "#f2b705", "red": "#b3261e"}

#: A partner's figure is put next to a plan figure when their names match at least this well.
FIGURE_MATCH_THRESHOLD = 80

#: Telegram allows 4096 characters a message (counted after parsing, in UTF-16 code units,
#: so an emoji counts two). We count the raw HTML, tags and entities included, in the same
#: units: never less than Telegram's count. The margin is for safety, not arithmetic.
TEXT_LIMIT = 4000

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_TAG = re.compile(r"<[^>]+>")
# Markdown specials that act anywhere in a line, and those that only act at the start of a
# line (headings, lists, setext underlines). Backslash-escaping ASCII punctuation is valid
# CommonMark. < and > become entities instead: Markdown passes raw HTML through to the page,
# and an entity stays literal text even in renderers that mishandle backslashes.
_MD_INLINE = re.compile(r"([\\`*_\[\]&~|])")
_MD_LINE_START = re.compile(r"^([#+\-=]|\d+[.)])", re.M)


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Baseline:
    """The plan's own figure for something a partner reported, to compare against."""

    name: str
    value: float
    unit: str
    period: str | None = None

    @property
    def text(self) -> str:
        """``2,130 incidents in 2021-22``."""
        amount = f"{format_value(self.value)} {self.unit}".strip()
        return f"{amount} in {self.period}" if self.period else amount


@dataclass(frozen=True)
class FigureLine:
    """A figure a partner gave, with the plan's baseline when one matches its name."""

    name: str
    value: str
    baseline: Baseline | None = None


@dataclass(frozen=True)
class PartnerEntry:
    """One partner's update for one priority, as residents will read it."""

    org: str
    partner: str  # the partner's full name, for display
    rag: str
    quarter: Period  # the quarter the update is for (the latest one in a year summary)
    narrative: str
    figures: tuple[FigureLine, ...] = ()

    @property
    def rag_words(self) -> str:
        return RAG_WORDS[self.rag]


@dataclass(frozen=True)
class RagCounts:
    """How many updates were received, by rating, and how many expected ones were not."""

    green: int = 0
    amber: int = 0
    red: int = 0
    missing: int = 0

    @property
    def updates(self) -> int:
        return self.green + self.amber + self.red

    def __add__(self, other: RagCounts) -> RagCounts:
        return RagCounts(
            self.green + other.green,
            self.amber + other.amber,
            self.red + other.red,
            self.missing + other.missing,
        )

    def get(self, rag: str) -> int:
        return int(getattr(self, rag))


@dataclass(frozen=True)
class PrioritySection:
    """One priority (or cross-cutting theme) of the plan and the partners' updates on it."""

    id: str
    label: str  # "Priority 1" or "Cross-cutting theme"
    title: str  # "Anti-social behaviour (ASB)"
    entries: tuple[PartnerEntry, ...] = ()
    missing: tuple[str, ...] = ()  # names of partners who own it but sent nothing

    @property
    def heading(self) -> str:
        return f"{self.label}: {self.title}"

    @property
    def counts(self) -> RagCounts:
        return RagCounts(
            green=sum(e.rag == "green" for e in self.entries),
            amber=sum(e.rag == "amber" for e in self.entries),
            red=sum(e.rag == "red" for e in self.entries),
            missing=len(self.missing),
        )


@dataclass(frozen=True)
class Summary:
    """The whole progress summary for one period, ready for any renderer."""

    period: Period
    sections: tuple[PrioritySection, ...] = field(default_factory=tuple)
    #: "What residents told us": consultations closed in the period (bot.consult.results
    #: Results) and trends of questions asked again (Trend).
    consultations: tuple[Any, ...] = ()
    trends: tuple[Any, ...] = ()

    @property
    def counts(self) -> RagCounts:
        total = RagCounts()
        for section in self.sections:
            total = total + section.counts
        return total

    @property
    def when(self) -> str:
        """``October-December 2024 (2024-25 Q3)``."""
        return f"{self.period.months} ({self.period.label})"

    @property
    def title(self) -> str:
        return f"Community safety progress: {self.when}"

    @property
    def opening(self) -> str:
        """The short overview residents read first (plain text)."""
        c = self.counts
        if self.period.is_year:
            scope = (
                f"This guide shows what the partners of the {PARTNERSHIP} reported on each "
                f"priority of the Community Safety Plan during {self.period.months}, using each "
                "partner's latest update in the year."
            )
        else:
            scope = (
                f"This guide shows what the partners of the {PARTNERSHIP} reported on each "
                f"priority of the Community Safety Plan for {self.period.months}."
            )
        if c.updates:
            got = (
                f"{_count(c.updates, 'update')} received: {c.green} on track (green), "
                f"{c.amber} with some concern (amber) and {c.red} off track (red)."
            )
        else:
            got = "No updates have been received yet."
        if c.missing:
            verb = "was" if c.missing == 1 else "were"
            gap = f"{_count(c.missing, 'expected update')} {verb} not received."
        else:
            gap = "Every expected update was received."
        return f"{scope} {got} {gap}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quarter_words(quarter: Period) -> str:
    """``October-December 2024 (Q3)``: which quarter a year summary's entry comes from."""
    return f"{quarter.months} (Q{quarter.quarter})"


# --------------------------------------------------------------------------- building


def _short_title(topic: Topic) -> str:
    # Knowledge titles are written for answering questions ("ASB - figures and why it is a
    # priority"); the summary wants just the subject.
    title = topic.title.split(" - ")[0].strip()
    return re.sub(r"\s*\(cross-cutting theme\)\s*$", "", title, flags=re.I) or topic.id


def match_baseline(name: str, figures: list[Figure]) -> Baseline | None:
    """The plan figure whose name best matches ``name`` (token_set_ratio >= 80), if any.

    token_set_ratio scores a name that is a subset of another at 100 ("ASB incidents" vs
    "ASB incidents (previous year)"); plain ratio breaks such ties towards the closer name,
    then the plan's own order.
    """
    best: tuple[float, float, int] | None = None
    chosen: Figure | None = None
    for index, figure in enumerate(figures):
        score = fuzz.token_set_ratio(name, figure.name, processor=utils.default_process)
        if score < FIGURE_MATCH_THRESHOLD:
            continue
        closeness = fuzz.ratio(name, figure.name, processor=utils.default_process)
        key = (score, closeness, -index)
        if best is None or key > best:
            best, chosen = key, figure
    if chosen is None:
        return None
    return Baseline(chosen.name, chosen.value, chosen.unit, chosen.period)


def build_summary(kb: KnowledgeBase, updates: list[UpdateRecord], period: Period) -> Summary:
    """Group approved ``updates`` for ``period`` by priority, in the plan's order.

    Defensive about its input so it is safe to call with any list: unapproved updates and
    those outside ``period`` are ignored, and for each partner and priority only the latest
    quarter (then the highest revision) is kept, so a year summary shows each partner's
    latest update within the year.
    """
    latest: dict[tuple[str, str], tuple[Period, UpdateRecord]] = {}
    for update in updates:
        if update.status != "approved":
            continue
        if update.rag not in RAG:
            logger.warning("update %d has unknown rating %r: left out", update.id, update.rag)
            continue
        try:
            quarter = parse_period(update.period)
        except SummaryError:  # one malformed stored label must not sink the whole summary
            logger.warning("update %d has malformed period %r: left out", update.id, update.period)
            continue
        if not period.contains(quarter):
            continue
        key = (update.org, update.priority)
        held = latest.get(key)
        if held is None or (quarter, update.revision) > (held[0], held[1].revision):
            latest[key] = (quarter, update)

    topics = kb.priorities()
    known = {t.id for t in topics}
    sections: list[PrioritySection] = []
    number = 0
    for topic in topics:
        if topic.kind == "priority":
            number += 1
            label = f"Priority {number}"
        else:
            label = "Cross-cutting theme"
        sections.append(_section(kb, topic.id, label, _short_title(topic), topic.figures, latest))
    # An approved update for a priority the knowledge base no longer has is still public
    # record: show it at the end rather than silently dropping it.
    for orphan in sorted({p for _, p in latest} - known):
        logger.warning("approved updates for unknown priority %r shown under 'Other'", orphan)
        sections.append(_section(kb, orphan, "Other", orphan, [], latest))
    return Summary(period=period, sections=tuple(sections))


def _section(
    kb: KnowledgeBase,
    priority: str,
    label: str,
    title: str,
    figures: list[Figure],
    latest: dict[tuple[str, str], tuple[Period, UpdateRecord]],
) -> PrioritySection:
    entries = [
        PartnerEntry(
            org=update.org,
            partner=kb.partners[update.org].name if update.org in kb.partners else update.org,
            rag=update.rag,
            quarter=quarter,
            narrative=update.narrative.strip(),
            figures=tuple(
                FigureLine(name.strip(), value.strip(), match_baseline(name, figures))
                for name, value in update.figures
            ),
        )
        for (_, pid), (quarter, update) in latest.items()
        if pid == priority
    ]
    # Partners in the order partners.yaml lists them (the plan's order); strangers last.
    partner_order = {pid: i for i, pid in enumerate(kb.partners)}
    entries.sort(key=lambda e: (partner_order.get(e.org, len(partner_order)), e.partner))
    reported = {e.org for e in entries}
    missing = tuple(
        p.name for p in kb.partners.values() if priority in p.owns and p.id not in reported
    )
    return PrioritySection(priority, label, title, tuple(entries), missing)


async def summary_for(storage: Storage, kb: KnowledgeBase, period: Period,
                      min_ward_count: int = 10) -> Summary:
    """The summary of what is approved in ``storage`` for ``period``, with what residents
    told the consultations that closed in it."""
    from bot.consult.results import for_period

    updates = await latest_approved(storage, period)
    logger.debug("summary %s from %d approved update(s)", period.label, len(updates))
    summary = build_summary(kb, updates, period)
    told, trends = await for_period(storage, period.start(), period.end(), min_ward_count)
    return replace(summary, consultations=tuple(told), trends=tuple(trends))


RESIDENTS_HEADING = "What residents told us"


def _residents_text(summary: Summary) -> list[str]:
    paras = [f"<b>{RESIDENTS_HEADING}</b>"]
    for r in summary.consultations:
        lines = [f"<i>{_e(r.consultation.question)}</i>", _e(r.headline)]
        lines += [f"• {_e(o.label)}: {o.n:,} ({o.percent})" for o in r.options]
        paras.append("\n".join(lines))
    return paras


# --------------------------------------------------------------------------- Telegram text


def _e(text: str) -> str:
    return html.escape(text)


def render_entry_text(entry: PartnerEntry, year: bool) -> str:
    lines = [f"{RAG_MARKS[entry.rag]} <b>{_e(entry.partner)}</b>: {entry.rag_words} ({entry.rag})"]
    if year:
        lines.append(f"<i>Latest update: {_e(_quarter_words(entry.quarter))}</i>")
    lines.extend(_e(line) for line in entry.narrative.splitlines() if line.strip())
    for fig in entry.figures:
        line = f"• {_e(fig.name)}: {_e(fig.value)}"
        if fig.baseline:
            line += f" <i>(plan baseline: {_e(fig.baseline.text)})</i>"
        lines.append(line)
    return "\n".join(lines)


#: The plan assigns no priority to any partner: who is asked to report on which is the
#: coordinator's setting (partners.yaml ``owns``), and the summary says so beside every
#: "no update received", so a partner is never shown as failing a duty the plan never gave it.
ASKED_NOTE = ("The coordinator asked these partners to report on this priority; the plan "
              "itself does not assign priorities to partners.")


def _text_section(section: PrioritySection, year: bool) -> list[str]:
    paras = [f"<b>{_e(section.heading)}</b>"]
    if not section.entries:
        paras[0] += "\nNo updates received for this priority."
    paras.extend(render_entry_text(entry, year) for entry in section.entries)
    if section.missing:
        paras.append("\n".join([f"No update received from {_e(name)}." for name in section.missing]
                                + [_e(ASKED_NOTE)]))
    return paras


def render_text(summary: Summary, limit: int = TEXT_LIMIT) -> list[str]:
    """Telegram HTML messages (``<b>``, ``<i>`` only), each at most ``limit`` characters.

    A priority starts a new message rather than straddle two when it fits in one; a priority
    too long for one message is split between paragraphs, then lines, and only a single
    over-long line is cut (at a space, its tags dropped so no tag is ever cut in two).
    """
    head = [
        f"<b>{_e(PARTNERSHIP)}</b>\n<b>{_e(summary.title)}</b>",
        _e(summary.opening),
    ]
    blocks: list[tuple[str, list[str]]] = [("", head)]
    year = summary.period.is_year
    for section in summary.sections:
        blocks.append((section.heading, _text_section(section, year)))
    if summary.consultations:
        blocks.append((RESIDENTS_HEADING, _residents_text(summary)))
    return _pack(blocks, limit)


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def _pack(blocks: list[tuple[str, list[str]]], limit: int) -> list[str]:
    """Join ``(heading, paragraphs)`` blocks into messages of at most ``limit`` characters."""
    messages: list[str] = []
    current: list[str] = []

    def size(paras: list[str]) -> int:
        return _units("\n\n".join(paras))

    def flush() -> None:
        if current:
            messages.append("\n\n".join(current))
            current.clear()

    for heading, paras in blocks:
        if size(current + paras) <= limit:
            current.extend(paras)
            continue
        if size(paras) <= limit:
            flush()
            current.extend(paras)
            continue
        # Too long for any one message: fill up the current one, then continue over more,
        # each saying what it continues.
        cont = f"<i>{_e(_clip(heading, 120))} (continued)</i>" if heading else ""
        room = limit - (_units(cont) + 2 if cont else 0)
        title = paras[0]
        for para in paras:
            # A paragraph that fits in a message is never split; a longer one starts in the
            # space left in this message.
            left = limit - size(current) - 2 if current else room
            first = min(left, room) if _units(para) > room else room
            for piece in _fit(para, room, first=first):
                if size(current + [piece]) <= limit:
                    current.append(piece)
                    continue
                # A heading never ends a message: it moves on with what it introduces.
                carry = []
                if len(current) > 1 and current[-1] == title and size([title, piece]) <= limit:
                    carry = [current.pop()]
                flush()
                current.extend(carry or ([cont] if cont else []))
                current.append(piece)
    flush()
    return messages


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


#: Below this, the end of a message is not worth filling with the start of a long line.
_MIN_FILL = 200


def _fit(para: str, limit: int, first: int | None = None) -> list[str]:
    """``para`` in pieces of at most ``limit`` characters (the first at most ``first``),
    cut between lines where possible, and an over-long line at spaces."""
    cap = limit if first is None else min(first, limit)
    if _units(para) <= cap:
        return [para]
    pieces: list[str] = []
    current = ""
    lines = para.split("\n")
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if _units(candidate) > cap and current == lines[0]:
            # Never leave a paragraph's first line (a partner's name and rating) alone at
            # the end of a message: the whole first piece moves on to the next one.
            cap = limit
        if _units(candidate) <= cap:
            current = candidate
            continue
        if _units(line) <= limit:
            if current:
                pieces.append(current)
            current, cap = line, limit
            continue
        # One line longer than a message: start it in the space left here if that is worth
        # it (keeping a partner's name with the start of their text), then carry on.
        space = cap - _units(current) - 1 if current else cap
        if space < _MIN_FILL:
            if current:
                pieces.append(current)
            current, space = "", limit
        cuts = _cut_plain(line, limit, first=space)
        if not cuts:  # nothing visible in the line
            continue
        head = f"{current}\n{cuts[0]}" if current else cuts[0]
        if len(cuts) == 1:  # without its tags the line fitted after all
            current = head
            continue
        pieces.append(head)
        pieces.extend(cuts[1:-1])
        current, cap = cuts[-1], limit
    if current:
        pieces.append(current)
    return pieces


def _cut_plain(line: str, limit: int, first: int | None = None) -> list[str]:
    """Cut one over-long HTML line as plain text: escaping happens after cutting, so an
    entity like ``&amp;`` is never split, and dropping the tags means none is cut in two."""
    plain = html.unescape(_TAG.sub("", line))
    out: list[str] = []
    cap = limit if first is None else min(first, limit)
    while plain:
        n = min(len(plain), cap)
        while n > 1 and _units(_e(plain[:n])) > cap:
            n -= max(1, (_units(_e(plain[:n])) - cap) // 6)
        if n < len(plain):
            space = plain.rfind(" ", 0, n + 1)
            if space > n // 2:
                n = space
        piece = _e(plain[:n].rstrip())
        if piece:
            out.append(piece)
        plain = plain[n:].lstrip()
        cap = limit
    return out


# --------------------------------------------------------------------------- Markdown


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown would act on (markup, raw HTML) in untrusted text.

    Leading spaces are dropped too: four of them would turn a line into a code block.
    """
    text = "\n".join(line.lstrip() for line in text.splitlines())
    text = _MD_INLINE.sub(r"\\\1", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match[str]) -> str:
    mark = m.group(1)
    # "2024. was" would start a numbered list: the "." after the digits is what to escape.
    return mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark


def render_markdown(summary: Summary) -> str:
    """The summary as CommonMark, for the partnership's website or a shared document."""
    year = summary.period.is_year
    out = [f"# {md_escape(summary.title)}", "", md_escape(summary.opening), ""]
    for section in summary.sections:
        out += [f"## {md_escape(section.heading)}", ""]
        if not section.entries:
            out += ["No updates received for this priority.", ""]
        for entry in section.entries:
            out += [
                f"### {md_escape(entry.partner)}: {entry.rag_words} ({entry.rag})",
                "",
            ]
            if year:
                out += [f"*Latest update: {md_escape(_quarter_words(entry.quarter))}*", ""]
            for para in re.split(r"\n\s*\n", entry.narrative):
                if para.strip():
                    # A backslash at the end of a line is a hard line break in CommonMark,
                    # so the partner's own line breaks survive.
                    out += ["\\\n".join(md_escape(para.strip()).split("\n")), ""]
            if entry.figures:
                for fig in entry.figures:
                    line = f"- **{md_escape(fig.name)}**: {md_escape(fig.value)}"
                    if fig.baseline:
                        line += f" (plan baseline: {md_escape(fig.baseline.text)})"
                    out.append(line)
                out.append("")
        for name in section.missing:
            out += [f"**No update received from {md_escape(name)}.**", ""]
        if section.missing:
            out += [md_escape(ASKED_NOTE), ""]
    if summary.consultations:
        out += [f"## {RESIDENTS_HEADING}", ""]
        for r in summary.consultations:
            out += [f"### {md_escape(r.consultation.question)}", "", md_escape(r.headline), ""]
            out += [f"- {md_escape(o.label)}: {o.n:,} ({o.percent})" for o in r.options]
            out.append("")
    out += [_md_key(), ""]
    return "\n".join(out)


def _md_key() -> str:
    return "*" + md_escape(
        "How to read the ratings: On track (green) means the work is going as planned; "
        "Some concern (amber) means there are problems, and the partner is working on them; "
        "Off track (red) means the work is behind and needs attention."
    ) + "*"


# --------------------------------------------------------------------------- chart


def chart_alt(summary: Summary) -> str:
    """What the chart shows, in words, for screen readers and anyone without images."""
    if not summary.counts.updates:
        return "Bar chart of partners' progress ratings by priority: no updates received yet."
    parts = [
        f"{s.title}: {s.counts.green} on track, {s.counts.amber} some concern, "
        f"{s.counts.red} off track"
        for s in summary.sections
    ]
    return "Bar chart of partners' progress ratings by priority. " + "; ".join(parts) + "."


def render_chart_png(summary: Summary) -> bytes:
    """A horizontal stacked bar chart of green/amber/red counts per priority, as PNG.

    Used on the HTML page and as a Telegram photo. matplotlib is imported here because it
    takes about a second to import and most of the bot never draws a chart. The object API
    with an explicit Agg canvas avoids pyplot's global state (safe from any thread).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import MaxNLocator

    sections = list(summary.sections)
    # Sized for a phone: drawn 600 px wide and shown at 350-400, the text stays legible.
    labels = [textwrap.fill(s.title, 20) for s in sections]
    fig = MplFigure(figsize=(4.0, 1.4 + 0.6 * max(len(sections), 1)), dpi=150,
                    layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    rows = list(range(len(sections)))
    left = [0] * len(sections)
    for rag in RAG:
        values = [s.counts.get(rag) for s in sections]
        bars = ax.barh(rows, values, left=left, color=RAG_COLOURS[rag], edgecolor="white",
                       label=RAG_WORDS[rag])
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center",
                     color="black" if rag == "amber" else "white", fontsize=10,
                     fontweight="bold")
        left = [a + b for a, b in zip(left, values, strict=True)]
    top = max([*left, 1])
    for row, total in zip(rows, left, strict=True):
        if not total:  # an empty row looks like a drawing fault unless it says why
            ax.text(top * 0.02, row, "no updates", va="center", fontsize=9, color="#555555",
                    fontstyle="italic")
    ax.set_yticks(rows, labels=labels, fontsize=9)
    ax.invert_yaxis()  # plan order, top to bottom
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, top * 1.05)
    ax.set_xlabel("Number of partner updates", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"Progress ratings, {summary.period.label}", fontsize=11)
    fig.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=9)
    buf = io.BytesIO()
    # No "Software" stamp: the same summary then always gives the same bytes.
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


# --------------------------------------------------------------------------- HTML page


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every partner-written string is escaped unless marked safe
        undefined=jinja2.StrictUndefined,  # a typo in the template fails loudly, not blank
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(summary: Summary) -> str:
    """A self-contained HTML page: no scripts, fonts or external files; readable on a phone
    and in print; the chart is an embedded PNG with its numbers also given in a table."""
    png = render_chart_png(summary)
    template = _environment().get_template("summary.html")
    from markupsafe import Markup

    from bot.consult import results as told

    # Built (and escaped) by bot.consult.results; Markup so the template does not escape
    # the finished HTML a second time.
    residents = Markup("\n".join(told.html_fragment(r, level=3)
                                  for r in summary.consultations))
    trends = [(t, told.data_uri(told.trend_png(t))) for t in summary.trends]
    return template.render(
        summary=summary,
        partnership=PARTNERSHIP,
        rag=RAG,
        rag_words=RAG_WORDS,
        year=summary.period.is_year,
        quarter_words=_quarter_words,
        chart_uri="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        chart_alt=chart_alt(summary),
        residents_heading=RESIDENTS_HEADING,
        residents_html=residents,
        asked_note=ASKED_NOTE,
        trends=trends,
    )
