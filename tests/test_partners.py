"""The partners core: roles, invites, members, revisions, review, reminders, audit, CLI."""

from __future__ import annotations

import datetime as dt
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Config
from bot.errors import InviteError, PermissionDenied, UpdateError
from bot.knowledge import KnowledgeBase
from bot.partners import partners as p
from bot.partners.periods import Period
from bot.partners.updates import latest_approved
from bot.storage import Storage
from tests.conftest import FakeClock

COORD = 1
ALICE = 101  # police
BOB = 102  # esbc
RESIDENT = 999


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 11, 5, 9, 0, tzinfo=UTC))


@pytest.fixture
def config() -> Config:
    return Config.model_validate({
        "roles": {"coordinators": [COORD]},
        "partners": {"deadline_days_after_quarter": 30, "reminder_days": [7, 1]},
    })


async def join(db: Storage, user: int, org: str, name: str = "Someone") -> None:
    code = await p.create_invite(db, org, COORD, 7)
    await p.redeem_invite(db, code, user, name)


async def submit(db: Storage, org: str = "police", priority: str = "asb",
                 period: str = "2024-25 Q2", by: int = ALICE, **kw: object) -> p.UpdateRecord:
    args: dict[str, object] = {"rag": "green", "narrative": "Patrols in Stapenhill."}
    args.update(kw)
    return await p.submit_update(db, org=org, priority=priority, period=period, by=by,
                                 **args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- roles


async def test_roles(db: Storage, config: Config) -> None:
    await join(db, ALICE, "police")
    assert await p.role_of(db, config, COORD) == "coordinator"
    assert await p.role_of(db, config, ALICE) == "partner"
    assert await p.role_of(db, config, RESIDENT) == "resident"
    assert await p.role_of(db, config, None) == "resident"
    assert p.require_coordinator(config, COORD) == COORD
    with pytest.raises(PermissionDenied):
        p.require_coordinator(config, ALICE)
    with pytest.raises(PermissionDenied):
        p.require_coordinator(config, None)
    assert await p.require_partner(db, ALICE) == "police"
    with pytest.raises(PermissionDenied, match="/register"):
        await p.require_partner(db, RESIDENT)


# --------------------------------------------------------------------------- invites


async def test_invite_is_single_use_and_only_its_hash_is_stored(db: Storage) -> None:
    code = await p.create_invite(db, "police", COORD, 7)
    assert len(code) >= 16 and code.replace("-", "").replace("_", "").isalnum()
    dump = str(await db.fetch_all("SELECT * FROM invites"))
    assert code not in dump and p.hash_code(code) in dump
    assert await p.redeem_invite(db, f"  {code} ", ALICE, "Alice") == "police"
    with pytest.raises(InviteError, match="already been used"):
        await p.redeem_invite(db, code, BOB, "Bob")
    assert await p.org_of(db, BOB) is None
    [member] = await p.list_members(db)
    assert (member.user_id, member.org, member.display_name) == (ALICE, "police", "Alice")


async def test_invite_expires(db: Storage, clock: FakeClock) -> None:
    code = await p.create_invite(db, "esbc", COORD, 7)
    clock.advance(days=6, hours=23)
    still = await p.create_invite(db, "esbc", COORD, 7)
    clock.advance(hours=1, seconds=1)
    with pytest.raises(InviteError, match="expired on 2024-11-12"):
        await p.redeem_invite(db, code, BOB)
    assert await p.redeem_invite(db, still, BOB) == "esbc"


async def test_unknown_or_empty_code_and_unknown_org(db: Storage) -> None:
    with pytest.raises(InviteError, match="isn't recognised"):
        await p.redeem_invite(db, "nonsense", ALICE)
    with pytest.raises(InviteError, match="/register"):
        await p.redeem_invite(db, "  ", ALICE)
    with pytest.raises(InviteError, match="unknown organisation"):
        await p.create_invite(db, "mi5", COORD, 7, known_orgs={"police"})


async def test_registering_again_moves_organisation(db: Storage) -> None:
    await join(db, ALICE, "police")
    await join(db, ALICE, "esbc")
    assert await p.org_of(db, ALICE) == "esbc"
    assert len(await p.list_members(db)) == 1


async def test_revoke(db: Storage, config: Config) -> None:
    await join(db, ALICE, "police")
    await join(db, BOB, "esbc")
    await submit(db)
    removed = await p.revoke(db, ALICE, COORD)
    assert removed is not None and removed.org == "police"
    assert await p.role_of(db, config, ALICE) == "resident"
    assert await p.revoke(db, ALICE, COORD) is None
    assert [m.user_id for m in await p.list_members(db)] == [BOB]
    # The organisation's record stays.
    assert len(await p.updates_of_org(db, "police")) == 1


# --------------------------------------------------------------------------- validation


def test_narrative_limit() -> None:
    assert p.validate_narrative("  done  ") == "done"
    assert p.validate_narrative("x" * p.NARRATIVE_LIMIT) == "x" * 2000
    with pytest.raises(UpdateError, match="2,001 characters; the limit is 2,000"):
        p.validate_narrative("x" * 2001)
    with pytest.raises(UpdateError, match="empty"):
        p.validate_narrative("   \n ")


def test_figures_parse_and_echo() -> None:
    text = "ASB incidents: 480\n\n  Repeat callers : 12.5% \nArrests: 2,130"
    assert p.parse_figures(text) == [("ASB incidents", "480"), ("Repeat callers", "12.5%"),
                                     ("Arrests", "2,130")]
    assert p.parse_figures("") == []


def test_bad_figure_lines_are_named() -> None:
    text = "ASB incidents: 480\nwe did lots\nMood: great\n: 5\nasb incidents: 3"
    with pytest.raises(p.FiguresError) as info:
        p.parse_figures(text)
    bad = info.value.bad
    assert [(n, line) for n, line, _ in bad] == [
        (2, "we did lots"), (3, "Mood: great"), (4, ": 5"), (5, "asb incidents: 3")]
    assert "number" in bad[1][2] and "twice" in bad[3][2]
    with pytest.raises(p.FiguresError):
        p.parse_figures("\n".join(f"f{i}: {i}" for i in range(p.MAX_FIGURES + 1)))
    with pytest.raises(p.FiguresError):
        p.parse_figures("x" * 81 + ": 1")


# --------------------------------------------------------------------------- revisions


async def test_submit_validates_everything(db: Storage, kb: KnowledgeBase) -> None:
    with pytest.raises(UpdateError, match="RAG"):
        await submit(db, rag="purple")
    with pytest.raises(UpdateError, match="per quarter"):
        await submit(db, period="2024-25")
    with pytest.raises(UpdateError, match="not a period"):
        await submit(db, period="yesterday")
    with pytest.raises(UpdateError, match="limit"):
        await submit(db, narrative="x" * 2001)
    with pytest.raises(UpdateError):
        await submit(db, figures=[("mood", "good")])
    with pytest.raises(UpdateError, match="priority"):
        await submit(db, priority="nope", kb=kb)
    with pytest.raises(UpdateError, match="organisation"):
        await submit(db, org="nope", kb=kb)
    assert await db.fetch_value("SELECT COUNT(*) FROM updates") == 0


async def test_revisions_keep_history_one_live(db: Storage, clock: FakeClock) -> None:
    first = await submit(db, figures=[("ASB incidents", "480")])
    assert (first.revision, first.status, first.figures) == (1, "submitted",
                                                             [("ASB incidents", "480")])
    clock.advance(minutes=1)
    second = await submit(db, narrative="Better wording")
    assert second.revision == 2
    revs = await p.history(db, "police", "asb", "2024-25 Q2")
    assert [(u.revision, u.status) for u in revs] == [(1, "superseded"), (2, "submitted")]
    assert [u.id for u in await p.pending(db)] == [second.id]
    # Another priority, quarter or organisation is a different update.
    await submit(db, priority="drugs-county-lines")
    await submit(db, period="2024-25 Q1")
    await submit(db, org="esbc", by=BOB)
    assert len(await p.pending(db)) == 4


async def test_approve_return_amend_cycle(db: Storage) -> None:
    first = await submit(db)
    returned = await p.return_update(db, first.id, COORD, "Add the figures please")
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        "returned", "Add the figures please", COORD)
    assert await p.pending(db) == []
    with pytest.raises(UpdateError, match="already been returned"):
        await p.approve(db, first.id, COORD)
    assert (await p.amendable(db, first.id, "police")).id == first.id
    with pytest.raises(UpdateError, match="isn't one of your"):
        await p.amendable(db, first.id, "esbc")

    second = await submit(db, figures=[("ASB incidents", "480")])
    with pytest.raises(UpdateError, match="newer revision"):
        await p.approve(db, first.id, COORD)
    approved = await p.approve(db, second.id, COORD)
    assert approved.status == "approved"
    with pytest.raises(UpdateError, match="already been approved"):
        await p.approve(db, second.id, COORD)
    with pytest.raises(UpdateError, match="new one"):
        await p.amendable(db, second.id, "police")

    # A correction after approval: the approved one keeps feeding the summary meanwhile.
    third = await submit(db, rag="amber")
    summary = await latest_approved(db, Period(2024, 2))
    assert [u.id for u in summary] == [second.id]
    await p.approve(db, third.id, COORD)
    summary = await latest_approved(db, Period(2024))
    assert [(u.id, u.rag) for u in summary] == [(third.id, "amber")]
    statuses = [u.status for u in await p.history(db, "police", "asb", "2024-25 Q2")]
    assert statuses == ["superseded", "superseded", "approved"]
    assert [u.id for u in await p.updates_of_org(db, "police")] == [third.id]


async def test_return_needs_a_comment(db: Storage) -> None:
    update = await submit(db)
    with pytest.raises(UpdateError, match="empty"):
        await p.return_update(db, update.id, COORD, "  ")
    with pytest.raises(UpdateError, match="at most 1,000"):
        await p.return_update(db, update.id, COORD, "x" * 1001)
    with pytest.raises(UpdateError, match="no longer exists"):
        await p.approve(db, 12345, COORD)


# --------------------------------------------------------------------------- preview


def test_preview_is_the_summary_entry_escaped(kb: KnowledgeBase) -> None:
    from bot.publishing.summary import build_summary, render_text

    draft = p.UpdateDraft(org="police", priority="asb", period="2024-25 Q3", rag="amber",
                          narrative="<b>Bold</b> & <script>", figures=[("A<b>", "1 & 2")])
    html_text = p.format_update_preview(draft, kb)
    assert html_text.splitlines()[:3] == [
        "<b>Priority 1: Anti-social behaviour (ASB)</b>",
        "",
        "🟠 <b>Staffordshire Police</b>: Some concern (amber)",
    ]
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in html_text
    assert "A&lt;b&gt;: 1 &amp; 2" in html_text
    # Exactly what the summary shows once this is approved.
    record = p.UpdateRecord(id=1, org="police", priority="asb", period="2024-25 Q3",
                            revision=1, rag="amber", narrative=draft.narrative,
                            figures=draft.figures, status="approved")
    summary = "\n\n".join(render_text(build_summary(kb, [record], Period(2024, 3))))
    assert html_text.split("\n\n")[1] in summary
    with pytest.raises(UpdateError):
        p.format_update_preview(p.UpdateDraft("police", "asb", "soon", "red", "x"), kb)


def test_draft_round_trips_through_json() -> None:
    import json

    draft = p.UpdateDraft("police", "asb", "2024-25 Q3", "red", "n", [("a", "1")], amends=4)
    assert p.UpdateDraft.from_dict(json.loads(json.dumps(draft.to_dict()))) == draft
    assert draft.complete() and not p.UpdateDraft("police").complete()


# --------------------------------------------------------------------------- reminders


async def test_reminders_only_for_owned_priorities_not_submitted(
    db: Storage, kb: KnowledgeBase, config: Config
) -> None:
    # 2024-25 Q2 ends 30 September; deadline 30 October; reminders on 23 and 29 October.
    today = dt.date(2024, 10, 23)
    police_owns = kb.partners["police"].owns
    await submit(db, org="police", priority=police_owns[0], period="2024-25 Q2")
    returned = await submit(db, org="police", priority=police_owns[1], period="2024-25 Q2")
    await p.return_update(db, returned.id, COORD, "fix")
    await submit(db, org="trent-dove", priority="asb", period="2024-25 Q2", by=BOB)
    due = await p.due_reminders(db, kb, config, today)
    by_org = {r.org: r for r in due}
    assert "trent-dove" not in by_org
    police = by_org["police"]
    assert police.period == "2024-25 Q2" and police.deadline == dt.date(2024, 10, 30)
    assert police.priorities == police_owns[1:]  # the returned one still counts as owed
    assert set(by_org) == set(kb.partners) - {"trent-dove"}
    assert by_org["esbc"].priorities == kb.partners["esbc"].owns
    assert {r.org for r in await p.due_reminders(db, kb, config, dt.date(2024, 10, 29))} == \
        set(by_org)
    for quiet in (dt.date(2024, 10, 22), dt.date(2024, 10, 24), dt.date(2024, 10, 30)):
        assert await p.due_reminders(db, kb, config, quiet) == []


async def test_reminders_for_q4_cross_the_year(
    db: Storage, kb: KnowledgeBase, config: Config
) -> None:
    # 2024-25 Q4 ends 31 March 2025; deadline 30 April 2025.
    [first, *_] = await p.due_reminders(db, kb, config, dt.date(2025, 4, 23))
    assert first.period == "2024-25 Q4" and first.deadline == dt.date(2025, 4, 30)


# --------------------------------------------------------------------------- audit


async def test_audit_records_who_did_what_and_when(db: Storage, clock: FakeClock) -> None:
    code = await p.create_invite(db, "police", COORD, 7)
    await p.redeem_invite(db, code, ALICE, "Alice")
    clock.advance(days=2)
    update = await submit(db, narrative="secret-ish narrative")
    await p.return_update(db, update.id, COORD, "private comment")
    again = await submit(db)
    await p.approve(db, again.id, COORD)
    await p.revoke(db, ALICE, COORD)
    log = await p.audit_log(db)
    assert [(e.actor, e.action) for e in log] == [
        (COORD, "invite"), (ALICE, "register"), (ALICE, "submit"), (COORD, "return"),
        (ALICE, "submit"), (COORD, "approve"), (COORD, "revoke")]
    assert all(e.at.startswith("2024-11-0") for e in log)
    text = "\n".join(e.line() for e in log)
    assert code not in text and "narrative" not in text and "private" not in text
    assert f"update={update.id}" in text
    assert [e.action for e in await p.audit_log(db, dt.date(2024, 11, 6))] == [
        "submit", "return", "submit", "approve", "revoke"]
    assert await p.audit_log(db, "2099-01-01") == []


def test_audit_cli(tmp_path: Path) -> None:
    import asyncio

    from bot.cli import partners as partners_cli
    from bot.cli.main import main

    db_path = tmp_path / "bot.sqlite3"
    config_path = tmp_path / "config.yaml"
    config_path.write_text(f"storage:\n  path: {db_path}\n")

    async def seed() -> None:
        async with Storage.open(db_path) as db:
            await p.record(db, COORD, "invite", "org=police")

    asyncio.run(seed())
    out = io.StringIO()
    parser = __import__("argparse").ArgumentParser()
    partners_cli.add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["audit"])
    args.config = str(config_path)
    assert args.func(args, out) == 0
    assert "invite" in out.getvalue() and "org=police" in out.getvalue()

    out = io.StringIO()
    args = parser.parse_args(["audit", "--since", "2999-01-01"])
    args.config = str(config_path)
    assert args.func(args, out) == 0
    assert "no audit entries" in out.getvalue()
    with pytest.raises(SystemExit):
        parser.parse_args(["audit", "--since", "last tuesday"])
    # Wired into the real command line.
    assert main(["--config", str(config_path), "audit"]) == 0
