"""The residents' progress summary: what a reader of each output would notice.

A small knowledge base of its own (written to a tmp directory, so the CLI can load it too)
keeps these tests independent of the shipped knowledge; one test checks the shipped one.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import html
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import main
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.partners.periods import Period
from bot.partners.updates import UpdateRecord
from bot.publishing.summary import (
    RAG_WORDS,
    Summary,
    build_summary,
    match_baseline,
    render_chart_png,
    render_html,
    render_markdown,
    render_text,
    summary_for,
)
from bot.storage import Storage

Q3 = Period(2024, 3)
YEAR = Period(2024)
XSS = "<script>alert(1)</script> & <b>"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# --------------------------------------------------------------------------- fixtures


def _topic(tid: str, title: str, kind: str, order: int, figures: list[dict[str, Any]]) -> dict:
    return {
        "id": tid,
        "title": title,
        "kind": kind,
        "order": order,
        "questions": [f"what about {tid}"],
        "keywords": [tid],
        "answer": f"Plain answer about {tid} for residents.",
        "figures": figures,
        "source": "test plan",
        "reviewed": dt.date.today().isoformat(),
    }


def _partner(pid: str, name: str, owns: list[str]) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "short": name.split()[0],
        "does": "Works on community safety.",
        "owns": owns,
        "source": "test plan",
        "reviewed": dt.date.today().isoformat(),
    }


def write_kb(directory: Path) -> Path:
    """A three-topic knowledge base, written out of plan order to prove the order is the plan's."""
    directory.mkdir(parents=True, exist_ok=True)
    topics = [
        _topic("vulnerability", "Vulnerability (cross-cutting theme)", "theme", 3, []),
        _topic("drugs", "Drugs and county lines - figures and why it is a priority",
               "priority", 2, []),
        _topic(
            "asb",
            "Anti-social behaviour (ASB) - figures and why it is a priority",
            "priority",
            1,
            [
                {"name": "ASB incidents", "value": 2130, "unit": "incidents",
                 "period": "2021-22"},
                {"name": "ASB incidents (previous year)", "value": 2400, "unit": "incidents",
                 "period": "2020-21"},
                {"name": "ASB rate", "value": 17.6, "unit": "per 1,000 people",
                 "period": "2021-22"},
            ],
        ),
    ]
    partners = [
        _partner("police", "Staffordshire Police", ["asb", "drugs"]),
        _partner("council", "Borough Council", ["asb", "vulnerability"]),
        _partner("housing", "Trent & Dove Housing", ["asb"]),
        _partner("charity", "Recovery Charity", ["drugs"]),
    ]
    dump = {"sort_keys": False, "allow_unicode": True}
    (directory / "contacts.yaml").write_text(
        yaml.safe_dump({"reviewed": dt.date.today().isoformat(), "contacts": []}, **dump))
    (directory / "priorities.yaml").write_text(yaml.safe_dump({"topics": topics}, **dump))
    (directory / "partners.yaml").write_text(yaml.safe_dump({"partners": partners}, **dump))
    return directory


@pytest.fixture(scope="session")
def small_kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kb(tmp_path_factory.mktemp("kb"))


@pytest.fixture(scope="session")
def small_kb(small_kb_dir: Path) -> KnowledgeBase:
    return load_knowledge(small_kb_dir)


#: (org, priority, period, revision, rag, narrative, figures, status)
ROWS: list[tuple[str, str, str, int, str, str, list[list[str]], str]] = [
    # Police ASB: three revisions; the second is the latest *approved* one.
    ("police", "asb", "2024-25 Q3", 1, "amber", "Old police ASB text", [], "superseded"),
    ("police", "asb", "2024-25 Q3", 2, "green", "Police ASB final text",
     [["ASB incidents", "1,950"], ["Patrols", "12"]], "approved"),
    ("police", "asb", "2024-25 Q3", 3, "red", "Unreviewed police draft", [], "submitted"),
    # Council ASB: returned first, then approved with hostile text.
    ("council", "asb", "2024-25 Q3", 1, "red", "Returned council text", [], "returned"),
    ("council", "asb", "2024-25 Q3", 2, "amber", f"CCTV delayed. {XSS}", [], "approved"),
    # Housing only ever had an update returned: it is missing.
    ("housing", "asb", "2024-25 Q3", 1, "green", "Housing returned text", [], "returned"),
    ("police", "drugs", "2024-25 Q3", 1, "red", "Police drugs text", [], "approved"),
    # The charity's update was submitted but never approved: it is missing.
    ("charity", "drugs", "2024-25 Q3", 1, "green", "Charity unapproved text", [], "submitted"),
    # Other quarters of the year, and last year: only the year summary sees the former.
    ("council", "vulnerability", "2024-25 Q1", 1, "amber", "Council Q1 text", [], "approved"),
    ("council", "vulnerability", "2024-25 Q2", 1, "green", "Council Q2 text", [], "approved"),
    ("police", "asb", "2024-25 Q4", 1, "red", "Police Q4 ASB text", [], "approved"),
    ("police", "asb", "2023-24 Q3", 1, "green", "Last year's police text", [], "approved"),
]


async def seed(storage: Storage, rows: list[tuple[Any, ...]] = ROWS) -> None:
    for org, priority, period, revision, rag, narrative, figures, status in rows:
        await storage.execute(
            "INSERT INTO updates (org, priority, period, revision, rag, narrative, figures,"
            " status, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (org, priority, period, revision, rag, narrative, json.dumps(figures), status, 1,
             "2025-01-10T09:00:00+00:00"),
        )


@pytest.fixture
async def storage() -> AsyncIterator[Storage]:
    async with Storage.open(":memory:") as store:
        await seed(store)
        yield store


@pytest.fixture
async def q3(storage: Storage, small_kb: KnowledgeBase) -> Summary:
    return await summary_for(storage, small_kb, Q3)


def section(summary: Summary, sid: str) -> Any:
    return next(s for s in summary.sections if s.id == sid)


def all_outputs(summary: Summary) -> dict[str, str]:
    return {
        "text": "\n\n".join(render_text(summary)),
        "md": render_markdown(summary),
        "html": render_html(summary),
    }


# --------------------------------------------------------------------------- content


async def test_sections_follow_the_plans_order_in_every_output(q3: Summary) -> None:
    assert [s.id for s in q3.sections] == ["asb", "drugs", "vulnerability"]
    assert [s.heading for s in q3.sections] == [
        "Priority 1: Anti-social behaviour (ASB)",
        "Priority 2: Drugs and county lines",
        "Cross-cutting theme: Vulnerability",
    ]
    for name, out in all_outputs(q3).items():
        plain = html.unescape(out).replace("\\", "")
        where = [plain.index(s.heading) for s in q3.sections]
        assert where == sorted(where), f"{name}: priorities out of the plan's order"


async def test_only_the_latest_approved_revision_of_the_period_appears(q3: Summary) -> None:
    asb = section(q3, "asb")
    assert [(e.partner, e.rag, e.narrative[:12]) for e in asb.entries] == [
        ("Staffordshire Police", "green", "Police ASB f"),
        ("Borough Council", "amber", "CCTV delayed"),
    ]
    for name, out in all_outputs(q3).items():
        assert "Police ASB final text" in out, name
        for hidden in ("Old police", "Unreviewed police draft", "Returned council text",
                       "Housing returned text", "Charity unapproved text", "Council Q2 text",
                       "Police Q4 ASB text", "Last year"):
            assert hidden not in out, f"{name} shows {hidden!r}"


async def test_partners_without_an_approved_update_are_named(q3: Summary) -> None:
    assert section(q3, "asb").missing == ("Trent & Dove Housing",)
    assert section(q3, "drugs").missing == ("Recovery Charity",)
    assert section(q3, "vulnerability").missing == ("Borough Council",)
    assert section(q3, "vulnerability").entries == ()
    outputs = all_outputs(q3)
    assert "No update received from Trent &amp; Dove Housing." in outputs["text"]
    assert "No update received from Recovery Charity." in outputs["md"]
    assert "No update received from Trent &amp; Dove Housing." in outputs["html"]
    # The police reported on both their priorities: never listed as missing.
    for out in outputs.values():
        assert "No update received from Staffordshire Police" not in out


async def test_opening_counts_updates_ratings_and_gaps(q3: Summary) -> None:
    c = q3.counts
    assert (c.updates, c.green, c.amber, c.red, c.missing) == (3, 1, 1, 1, 3)
    assert "3 updates received: 1 on track (green), 1 with some concern (amber) and " \
           "1 off track (red)." in q3.opening
    assert "3 expected updates were not received." in q3.opening
    first = render_text(q3)[0]
    assert html.escape(q3.opening) in first, "the opening comes first"


async def test_ratings_are_given_in_words_not_colour_alone(q3: Summary) -> None:
    outputs = all_outputs(q3)
    for rag, words in RAG_WORDS.items():
        for name, out in outputs.items():
            assert words in out, f"{name} lacks {words!r} for {rag}"
    assert "Staffordshire Police</b>: On track (green)" in outputs["text"]
    assert "Staffordshire Police: On track (green)" in outputs["md"]


async def test_partner_figure_sits_next_to_the_plans_baseline(q3: Summary) -> None:
    police = section(q3, "asb").entries[0]
    incidents, patrols = police.figures
    assert (incidents.name, incidents.value) == ("ASB incidents", "1,950")
    assert incidents.baseline is not None
    assert incidents.baseline.text == "2,130 incidents in 2021-22"
    assert patrols.baseline is None, "no plan figure is called anything like 'Patrols'"
    outputs = all_outputs(q3)
    assert "• ASB incidents: 1,950 <i>(plan baseline: 2,130 incidents in 2021-22)</i>" \
        in outputs["text"]
    assert "**ASB incidents**: 1,950 (plan baseline: 2,130 incidents in 2021-22)" \
        in outputs["md"]
    assert re.search(r"<strong>ASB incidents</strong>: 1,950\s*<span class=\"baseline\">"
                     r"Plan baseline: 2,130 incidents in 2021-22</span>", outputs["html"])


def test_baseline_matching_is_fuzzy_on_names(small_kb: KnowledgeBase) -> None:
    figures = small_kb.topics["asb"].figures
    found = match_baseline("asb incidents recorded", figures)
    assert found is not None and found.name == "ASB incidents"
    # "ASB incidents" is also a subset of "ASB incidents (previous year)": the closer wins.
    found = match_baseline("ASB Incidents", figures)
    assert found is not None and found.value == 2130
    rate = match_baseline("rate of ASB", figures)
    assert rate is not None and rate.text == "17.6 per 1,000 people in 2021-22"
    assert match_baseline("Number of patrols", figures) is None
    assert match_baseline("anything", []) is None


async def test_year_summary_uses_each_partners_latest_quarter(
    storage: Storage, small_kb: KnowledgeBase
) -> None:
    year = await summary_for(storage, small_kb, YEAR)
    police = section(year, "asb").entries[0]
    assert (police.quarter, police.narrative) == (Period(2024, 4), "Police Q4 ASB text")
    council = section(year, "vulnerability").entries[0]
    assert (council.quarter, council.narrative) == (Period(2024, 2), "Council Q2 text")
    assert section(year, "vulnerability").missing == ()
    c = year.counts
    assert (c.updates, c.green, c.amber, c.red, c.missing) == (4, 1, 1, 2, 2)
    text = "\n".join(render_text(year))
    assert "Latest update: January-March 2025 (Q4)" in text
    assert "Latest update: July-September 2024 (Q2)" in text
    assert "April 2024 to March 2025 (2024-25)" in text
    assert "Latest update: January-March 2025 (Q4)" in render_html(year)


def test_build_summary_ignores_unapproved_and_other_periods(small_kb: KnowledgeBase) -> None:
    def rec(i: int, period: str, status: str, revision: int = 1) -> UpdateRecord:
        return UpdateRecord(i, "police", "drugs", period, revision, "green", f"text {i}",
                            status=status)

    updates = [rec(1, "2024-25 Q3", "approved"), rec(2, "2024-25 Q3", "submitted", 2),
               rec(3, "2024-25 Q2", "approved", 5), rec(4, "2025-26 Q3", "approved"),
               UpdateRecord(5, "stranger", "retired-priority", "2024-25 Q3", 1, "amber",
                            "orphan text", status="approved")]
    summary = build_summary(small_kb, updates, Q3)
    assert [e.narrative for e in section(summary, "drugs").entries] == ["text 1"]
    # An approved update for a priority the knowledge base no longer has is not lost.
    assert summary.sections[-1].heading == "Other: retired-priority"
    assert summary.sections[-1].entries[0].partner == "stranger"


# --------------------------------------------------------------------------- escaping


async def test_partner_text_is_escaped_in_every_output(q3: Summary) -> None:
    outputs = all_outputs(q3)
    for name, out in outputs.items():
        assert "<script" not in out.lower(), f"raw <script> in {name}"
    assert "CCTV delayed. &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" \
        in outputs["text"]
    assert r"CCTV delayed. &lt;script&gt;alert(1)&lt;/script&gt; \& &lt;b&gt;" in outputs["md"]
    assert "CCTV delayed. &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" \
        in outputs["html"]


async def test_telegram_text_uses_only_bold_and_italic(q3: Summary) -> None:
    for chunk in render_text(q3):
        assert set(re.findall(r"</?([a-zA-Z]+)", chunk)) <= {"b", "i"}
        assert chunk.count("<b>") == chunk.count("</b>")
        assert chunk.count("<i>") == chunk.count("</i>")


def test_markdown_escaping_keeps_partner_text_literal(small_kb: KnowledgeBase) -> None:
    narrative = "# Not a heading\n- not a list\n2024. not numbered\n*not bold* [no](link) |x|"
    update = UpdateRecord(1, "police", "drugs", "2024-25 Q3", 1, "green", narrative,
                          status="approved")
    md = render_markdown(build_summary(small_kb, [update], Q3))
    assert "\\# Not a heading\\\n\\- not a list\\\n2024\\. not numbered\\\n" \
           "\\*not bold\\* \\[no\\](link) \\|x\\|" in md


# --------------------------------------------------------------------------- Telegram limits


def test_text_chunks_fit_telegram_even_with_forty_long_narratives(
    small_kb: KnowledgeBase,
) -> None:
    priorities = ["asb", "drugs", "vulnerability"]
    updates = [
        UpdateRecord(i, f"org-{i:02d}", priorities[i % 3], "2024-25 Q3", 1,
                     ("green", "amber", "red")[i % 3],
                     f"Marker{i:02d} " + "Patrols & <checks> done in Burton. " * 55,
                     figures=[("ASB incidents", str(i))], status="approved")
        for i in range(40)
    ]
    # One narrative with no spaces at all, longer than a whole message, and one of emoji,
    # which Telegram counts as two characters each (UTF-16).
    updates.append(UpdateRecord(99, "org-99", "drugs", "2024-25 Q3", 1, "red",
                                "Marker99 " + "&<x>" * 3000, status="approved"))
    updates.append(UpdateRecord(98, "org-98", "asb", "2024-25 Q3", 1, "green",
                                "Marker98 " + "🚓" * 5000, status="approved"))
    chunks = render_text(build_summary(small_kb, updates, Q3))
    assert len(chunks) > 10
    for chunk in chunks:
        assert 0 < len(chunk.encode("utf-16-le")) // 2 < 4096
        # Never cut inside a tag or an entity: only whole <b>/<i> tags and whole entities.
        assert not re.search(r"<(?!/?[bi]>)", chunk), "a broken or foreign tag"
        assert not re.search(r"(?<!<b)(?<!<i)(?<!</b)(?<!</i)>", chunk), "a stray '>'"
        assert all(
            e in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;")
            for e in re.findall(r"&[^;&\s]*;?", chunk))
        assert chunk.count("<b>") == chunk.count("</b>")
        assert chunk.count("<i>") == chunk.count("</i>")
    joined = "\n".join(chunks)
    for i in [*range(40), 98, 99]:
        assert f"Marker{i:02d}" in joined, f"narrative {i} lost"
    # Messages after the first start at a priority heading or say what they continue, and
    # none ends with a heading or a partner's name cut off from what they wrote.
    for chunk in chunks[1:]:
        assert chunk.startswith(("<b>Priority", "<b>Cross-cutting", "<i>")), chunk[:60]
    for chunk in chunks:
        last = chunk.rsplit("\n", 1)[-1]
        assert not re.fullmatch(r"<b>(Priority|Cross-cutting).*</b>", last), last
        assert not re.search(r"(On track|Some concern|Off track) \((green|amber|red)\)$", last)


def test_a_short_summary_is_one_message(small_kb: KnowledgeBase) -> None:
    chunks = render_text(build_summary(small_kb, [], Q3))
    assert len(chunks) == 1
    assert "No updates have been received yet." in chunks[0]
    assert "6 expected updates were not received." in chunks[0]


# --------------------------------------------------------------------------- HTML page


async def test_html_page_is_self_contained_accessible_and_printable(q3: Summary) -> None:
    page = render_html(q3)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert '<html lang="en-GB">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "default-src 'none'; img-src data:; style-src 'unsafe-inline'" in page
    assert re.search(r"<title>Community safety progress: October-December 2024 "
                     r"\(2024-25 Q3\) \| East Staffordshire", page)
    assert "@media print" in page and "max-width" in page
    # Nothing loaded from anywhere: no scripts, links or sources other than data: and #anchors.
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", page)
    assert "@import" not in page and "url(" not in page
    assert page.count("<h1>") == 1
    for s in q3.sections:
        assert f'<h2 id="p-{s.id}">{html.escape(s.heading)}</h2>' in page
    assert page.count("<caption>") == 1 + 2  # the counts table and one per reported priority
    assert page.count('<th scope="col">') >= 5
    assert 'class="rag rag-green">On track</span>' in page
    img = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)">', page)
    assert img, "the chart is embedded"
    assert base64.b64decode(img.group(1)).startswith(PNG_MAGIC)
    alt = html.unescape(img.group(2))
    assert "Anti-social behaviour (ASB): 1 on track, 1 some concern, 0 off track" in alt


def test_chart_png_is_a_stable_png(small_kb: KnowledgeBase) -> None:
    summary = build_summary(small_kb, [], Q3)
    png = render_chart_png(summary)
    assert png.startswith(PNG_MAGIC) and len(png) > 5000
    assert render_chart_png(summary) == png, "same summary, same bytes"


def test_shipped_knowledge_gives_the_plans_six_priorities_then_themes(
    kb: KnowledgeBase,
) -> None:
    summary = build_summary(kb, [], Q3)
    assert [s.id for s in summary.sections] == [
        "asb", "hate-crime-cohesion", "domestic-abuse", "serious-violence-vawg",
        "drugs-county-lines", "vulnerable-persons", "substance-misuse", "vulnerability",
    ]
    assert [s.label for s in summary.sections][:6] == [f"Priority {n}" for n in range(1, 7)]
    expected = sum(len(p.owns) for p in kb.partners.values())
    assert summary.counts.missing == expected
    named = {name for s in summary.sections for name in s.missing}
    assert named == {p.name for p in kb.partners.values() if p.owns}
    assert "Staffordshire Police" in render_html(summary)


# --------------------------------------------------------------------------- CLI


@pytest.fixture
def cli_env(tmp_path: Path, small_kb_dir: Path) -> tuple[Path, Path]:
    """A config whose storage.path is a seeded sqlite file; returns (config, kb dir)."""
    database = tmp_path / "data" / "csp.sqlite3"

    async def make() -> None:
        async with Storage.open(database) as store:
            await seed(store)

    asyncio.run(make())
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"storage": {"path": str(database)}}))
    return config, small_kb_dir


def test_cli_writes_markdown_file(
    cli_env: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, kb_dir = cli_env
    target = tmp_path / "summary.md"
    code = main(["--config", str(config), "summary", "2024-25 Q3", "--format", "md",
                 "-o", str(target), "--kb", str(kb_dir)])
    assert code == 0, capsys.readouterr().err
    written = target.read_text(encoding="utf-8")
    assert written.startswith("# Community safety progress: October-December 2024")
    assert "Police ASB final text" in written and "<script" not in written
    assert "No update received from Trent \\& Dove Housing." in written
    assert str(target) in capsys.readouterr().out


def test_cli_html_with_period_as_two_words(
    cli_env: tuple[Path, Path], tmp_path: Path
) -> None:
    config, kb_dir = cli_env
    target = tmp_path / "summary.html"
    assert main(["--config", str(config), "summary", "2024-25", "Q3", "--format", "html",
                 "-o", str(target), "--kb", str(kb_dir)]) == 0
    assert '<html lang="en-GB">' in target.read_text(encoding="utf-8")


def test_cli_text_to_stdout(
    cli_env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, kb_dir = cli_env
    assert main(["--config", str(config), "summary", "2024-25", "--kb", str(kb_dir)]) == 0
    out = capsys.readouterr().out
    # text is plain text for a terminal; --format telegram gives the messages' HTML.
    assert "Community safety progress: April 2024 to March 2025 (2024-25)\n" in out
    assert "<b>Community" not in out and "&amp;" not in out
    assert main(["--config", str(config), "summary", "2024-25", "--kb", str(kb_dir),
                 "--format", "telegram"]) == 0
    out = capsys.readouterr().out
    assert "<b>Community safety progress: April 2024 to March 2025 (2024-25)</b>" in out


@pytest.mark.parametrize("period", ["2024-25 Q9", "2024-26", "last year"])
def test_cli_bad_period_is_one_line_and_exit_2(
    period: str, cli_env: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config, kb_dir = cli_env
    assert main(["--config", str(config), "summary", period, "--kb", str(kb_dir)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("csp-bot: not a ") and captured.err.count("\n") == 1


def test_cli_missing_database_is_reported_not_created(
    tmp_path: Path, small_kb_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "nowhere" / "csp.sqlite3"
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"storage": {"path": str(database)}}))
    assert main(["--config", str(config), "summary", "2024-25 Q3",
                 "--kb", str(small_kb_dir)]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not database.exists()


async def test_no_update_never_implies_the_plan_assigned_the_priority(q3: Summary) -> None:
    # Issue 11: the plan assigns no priority to any partner; "owns" is the coordinator's
    # setting, and every output says so beside "No update received".
    for name, out in all_outputs(q3).items():
        assert "No update received from" in out
        assert "the plan itself does not assign priorities to partners" in out, name
