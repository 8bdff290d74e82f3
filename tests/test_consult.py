"""Consultations' core: the spec, one answer per chat, small wards folded, the close."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.answering.matching import Matcher
from bot.config import ConfigError, load_config
from bot.consult import core, results
from bot.consult.unanswered import NONE_ID, group_by_priority, priority_of
from bot.knowledge import KnowledgeBase
from bot.privacy import NOTHING_KEPT
from bot.storage import Storage

TODAY = dt.date(2025, 4, 15)
SCALE = ("How safe do you feel in your area after dark?\noptions: scale\nward: yes\n"
         "open: 2025-04-01\nclose: 2025-04-30")


def test_spec_scale_with_ward() -> None:
    spec = core.parse_spec(SCALE, TODAY)
    assert spec.scale and spec.ask_ward
    assert spec.options == core.SCALE_OPTIONS
    assert (spec.opens_on, spec.closes_on) == (dt.date(2025, 4, 1), dt.date(2025, 4, 30))


def test_spec_options_inline_and_as_a_list() -> None:
    spec = core.parse_spec("Is street lighting good enough?\noptions: Yes | No\n- Not sure\n"
                           "open: 2025-05-01\nclose: 2025-05-31", TODAY)
    assert spec.options == ("Yes", "No", "Not sure") and not spec.ask_ward


@pytest.mark.parametrize("text, says", [
    ("options: Yes | No\nopen: 2025-04-01\nclose: 2025-04-30", "question"),
    ("Q?\noptions: Yes\nopen: 2025-04-01\nclose: 2025-04-30", "2 to 10"),
    ("Q?\noptions: " + " | ".join(str(i) for i in range(11)) + "\nopen: 2025-04-01\n"
     "close: 2025-04-30", "2 to 10"),
    ("Q" * 301 + "\noptions: a | b\nopen: 2025-04-01\nclose: 2025-04-30", "at most 300"),
    ("Q?\noptions: a | " + "b" * 101 + "\nopen: 2025-04-01\nclose: 2025-04-30", "at most 100"),
    ("Q?\noptions: a | b\nopen: 2025-04-01\nclose: 2025-03-30", "before the opening"),
    ("Q?\noptions: a | b\nopen: 2025-04-01\nclose: 2025-04-14", "already passed"),
    ("Q?\noptions: a | b\nopen: 1 April\nclose: 2025-04-30", "YYYY-MM-DD"),
    ("Q?\noptions: a | b", "dates"),
])
def test_spec_errors_say_what_to_fix(text: str, says: str) -> None:
    with pytest.raises(core.ConsultError, match=says):
        core.parse_spec(text, TODAY)


# --------------------------------------------------------------------------- folding


def test_small_ward_is_folded_into_other_areas() -> None:
    shown, other = results.fold_wards(
        {"anglesey": [5, 7], "shobnall": [3, 1], "elsewhere": [6, 5]}, 10)
    assert [w for w, _ in shown] == ["anglesey"]
    assert other == [9, 6]


def test_other_areas_never_small_enough_to_give_a_ward_away() -> None:
    # Shobnall alone would be Other areas (4 answers), and total minus the shown wards
    # would give it away: the smallest shown ward joins it.
    shown, other = results.fold_wards(
        {"anglesey": [20, 20], "horninglow": [6, 6], "shobnall": [2, 2]}, 10)
    assert [w for w, _ in shown] == ["anglesey"]
    assert other == [8, 8]


def test_a_ward_at_exactly_the_minimum_is_shown() -> None:
    shown, _ = results.fold_wards({"anglesey": [5, 5], "elsewhere": [10, 0]}, 10)
    assert [w for w, _ in shown] == ["anglesey"]


def test_minimum_below_five_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("consult:\n  min_ward_count: 4\n")
    with pytest.raises(ConfigError, match="min_ward_count"):
        load_config(path, env={})
    path.write_text("consult:\n  min_ward_count: 5\n")
    assert load_config(path, env={}).consult.min_ward_count == 5
    assert load_config(None, env={}).consult.min_ward_count == 10


# --------------------------------------------------------------------------- answers


async def _open(db: Storage, kb: KnowledgeBase, text: str = SCALE) -> core.Consultation:
    c, _ = await core.create(db, core.parse_spec(text, TODAY), kb, 500)
    [opened] = await core.open_due(db, TODAY)
    assert opened.id == c.id and opened.broadcast_id is not None
    return opened


async def test_one_answer_per_chat_and_no_chat_id_stored(db: Storage, kb: KnowledgeBase) -> None:
    c = await _open(db, kb)
    assert c.wards is not None
    anglesey = next(w for w, _ in c.wards if w == "anglesey")
    assert await core.record_answer(db, c.id, 987654321, 2, anglesey) == "counted"
    assert await core.record_answer(db, c.id, 987654321, 4, anglesey) == "already"
    assert await core.record_answer(db, c.id, 123456789, 4, "nowhere") == "invalid"
    assert await core.tallies(db, c.id) == {(2, "anglesey"): 1}
    for table in ("consult_counts", "consult_seen", "consult_polls", "consultations"):
        for row in await db.fetch_all(f"SELECT * FROM {table}"):
            assert "987654321" not in " ".join(str(v) for v in row.values())


async def test_close_deletes_the_key_and_who_answered(db: Storage, kb: KnowledgeBase) -> None:
    c = await _open(db, kb)
    await core.record_answer(db, c.id, 42, 0, "anglesey")
    assert await db.fetch_value("SELECT COUNT(*) FROM consult_seen") == 1
    assert await core.close_due(db, dt.date(2025, 5, 1)) == [c.id]
    assert await db.fetch_value("SELECT COUNT(*) FROM consult_seen") == 0
    assert await db.fetch_value("SELECT COUNT(*) FROM consult_keys") == 0
    assert await core.record_answer(db, c.id, 43, 0, "anglesey") == "closed"
    assert (await results.results_for(db, c.id)).total == 1


async def test_poll_counts_replace_and_fold_at_close(db: Storage, kb: KnowledgeBase) -> None:
    c = await _open(db, kb, "Yes or no?\noptions: Yes | No\nopen: 2025-04-01\n"
                    "close: 2025-04-30")
    assert c.uses_poll
    assert await core.claim_poll(db, c.id, 7)
    assert not await core.claim_poll(db, c.id, 7)  # never a second poll to vote in
    await core.register_poll(db, c.id, "poll-a", 2)
    await core.register_poll(db, c.id, "poll-b", 2)
    assert await core.record_poll(db, "poll-a", [1, 0]) == c.id
    assert await core.record_poll(db, "poll-a", [0, 1]) == c.id  # changed their vote
    assert await core.record_poll(db, "poll-b", [0, 1]) == c.id
    assert await core.record_poll(db, "not-ours", [1, 0]) is None
    assert await core.tallies(db, c.id) == {(1, ""): 2}
    stored = {r["poll_key"] for r in await db.fetch_all("SELECT poll_key FROM consult_polls")}
    assert "poll-a" not in stored and len(stored) == 2
    await core.close(db, c.id)
    assert await db.fetch_value("SELECT COUNT(*) FROM consult_polls") == 0
    assert (await results.results_for(db, c.id)).options[1].n == 2


async def test_results_render_in_every_format(db: Storage, kb: KnowledgeBase) -> None:
    c = await _open(db, kb)
    for chat in range(12):
        await core.record_answer(db, c.id, chat, chat % 5, "anglesey")
    for chat in range(100, 103):
        await core.record_answer(db, c.id, chat, 0, "shobnall")
    for chat in range(200, 208):
        await core.record_answer(db, c.id, chat, 1, core.ELSEWHERE)
    r = await results.results_for(db, c.id)
    assert [g.name for g in r.wards] == ["Anglesey", results.OTHER_AREAS]
    text = results.render(r, "text")
    assert "Shobnall" not in text and "Other areas" in text
    assert "Shobnall" not in results.render(r, "csv")
    assert "Shobnall" not in results.render(r, "md")
    page = results.render(r, "html")
    assert page.count("data:image/png;base64,") == 2 and "Shobnall" not in page
    assert "23 people answered" in text


# --------------------------------------------------------------------------- unanswered


def test_unanswered_words_find_their_priority(kb: KnowledgeBase) -> None:
    matcher = Matcher(kb)
    assert priority_of("graffiti vandalism", matcher, kb) == "asb"
    assert priority_of("dealers", matcher, kb) == "drugs-county-lines"
    assert priority_of("racist abuse", matcher, kb) == "hate-crime-cohesion"
    assert priority_of(NOTHING_KEPT, matcher, kb) == NONE_ID
    assert priority_of("weather tomorrow", matcher, kb) == NONE_ID
    groups = group_by_priority([
        {"normalised": "graffiti vandalism", "count": 3},
        {"normalised": "motorbikes nuisance", "count": 2},
        {"normalised": "weather tomorrow", "count": 1},
    ], matcher, kb)
    assert [(g.priority, g.count) for g in groups] == [("asb", 5), (NONE_ID, 1)]
    assert groups[0].examples == [("graffiti vandalism", 3), ("motorbikes nuisance", 2)]


# --------------------------------------------------------------------------- command line


async def _database_with_answers(tmp_path: Path, kb: KnowledgeBase) -> Path:
    path = tmp_path / "bot.sqlite3"
    async with Storage.open(path, clock=lambda: dt.datetime(2025, 4, 15, tzinfo=dt.UTC)) as db:
        c = await _open(db, kb)
        for chat in range(12):
            await core.record_answer(db, c.id, chat, chat % 5, "anglesey")
        for chat in range(100, 103):
            await core.record_answer(db, c.id, chat, 0, "shobnall")
        await db.record_unanswered_counts({"graffiti vandalism": 3, "weather tomorrow": 1})
    (tmp_path / "config.yaml").write_text(f"storage:\n  path: {path}\n")
    return tmp_path / "config.yaml"


async def test_cli_results_in_each_format(tmp_path: Path, kb: KnowledgeBase,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    from bot.cli.main import main

    config = str(await _database_with_answers(tmp_path, kb))
    for fmt, expected in [("text", "15 people answered"), ("md", "| Answer | Count |"),
                          ("csv", "consultation,area,answer,count,share"),
                          ("html", "data:image/png;base64,")]:
        code = await asyncio.to_thread(
            main, ["--config", config, "consult", "results", "1", "--format", fmt])
        out = capsys.readouterr().out
        assert code == 0 and expected in out, (fmt, out[:300])
        # 15 answers: Anglesey's 12 alone would leave Other areas at 3, so all fold.
        assert "Anglesey" not in out and "Shobnall" not in out
    code = await asyncio.to_thread(main, ["--config", config, "consult", "results", "9"])
    assert code == 2 and "no consultation 9" in capsys.readouterr().err


async def test_cli_unanswered_by_priority(tmp_path: Path, kb: KnowledgeBase,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    from bot.cli.main import main

    config = str(await _database_with_answers(tmp_path, kb))
    assert await asyncio.to_thread(main, ["--config", config, "unanswered",
                                          "--by-priority"]) == 0
    out = capsys.readouterr().out
    assert out.index("Anti-social behaviour (ASB): 3 question(s)") < out.index(
        "Not clearly about a plan priority: 1 question(s)")
    assert await asyncio.to_thread(main, ["--config", config, "unanswered"]) == 0
    assert "graffiti vandalism" in capsys.readouterr().out
