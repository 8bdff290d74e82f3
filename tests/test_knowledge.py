"""The knowledge base: the shipped one is valid, and each kind of mistake is located."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.knowledge import KnowledgeStore, check_knowledge, load_knowledge
from tests.conftest import KNOWLEDGE

CONTACTS = """\
reviewed: '2026-11-24'
contacts:
- id: emergency
  name: Emergency services
  phone: '999'
  use: emergencies
  confidence: official
  source: test
- id: samaritans
  name: Samaritans
  phone: 116 123
  use: anyone struggling
  confidence: official
  source: test
"""

TOPIC = """\
topics:
- id: {id}
  title: A topic title
  kind: support
  questions: [where can i get help, who can help me, help please, i need some help]
  keywords: [help, support, advice]
  answer: Call Samaritans on 116 123.
  contacts: [samaritans]
  related: [{related}]
  source: plan section 1
  reviewed: {reviewed}
"""


def make_kb(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "contacts.yaml").write_text(files.pop("contacts", CONTACTS))
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path


def topic(id: str = "t-one", related: str = "", reviewed: str = "2026-11-24") -> str:
    return TOPIC.format(id=id, related=related, reviewed=reviewed)


def errors(directory: Path) -> list[str]:
    return [str(p) for p in check_knowledge(directory, today=dt.date(2026, 11, 24))
            if p.severity == "error"]


def test_shipped_knowledge_is_valid() -> None:
    problems = check_knowledge(KNOWLEDGE)
    assert [p for p in problems if p.severity == "error"] == []


def test_shipped_knowledge_covers_every_priority(kb) -> None:  # type: ignore[no-untyped-def]
    ids = {t.id for t in kb.priorities()}
    assert {"asb", "hate-crime-cohesion", "domestic-abuse", "serious-violence-vawg",
            "drugs-county-lines", "vulnerable-persons"} <= ids
    for t in kb.topics.values():
        assert t.source and t.reviewed, t.id


def test_valid_minimal_kb_loads(tmp_path: Path) -> None:
    kb = load_knowledge(make_kb(tmp_path, a=topic()))
    assert list(kb.topics) == ["t-one"]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = topic() + "  - [unclosed\n    more: x\n"
    [msg] = errors(make_kb(tmp_path, a=bad))
    assert "a.yaml:1" in msg and "malformed YAML" in msg


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    bad = topic().replace("keywords: [help, support, advice]", "keywords: 42")
    [msg] = errors(make_kb(tmp_path, a=bad))
    assert "a.yaml:6" in msg and "keywords" in msg


def test_missing_field_is_named(tmp_path: Path) -> None:
    bad = "\n".join(line for line in topic().splitlines() if "source:" not in line)
    [msg] = errors(make_kb(tmp_path, a=bad + "\n"))
    assert "a.yaml:2" in msg and "source" in msg and "missing" in msg


def test_duplicate_id_points_at_both(tmp_path: Path) -> None:
    msgs = errors(make_kb(tmp_path, a=topic("dup"), b=topic("dup")))
    assert len(msgs) == 1
    assert "b.yaml:2" in msgs[0] and "a.yaml:2" in msgs[0] and "duplicate id" in msgs[0]


def test_dangling_related_id(tmp_path: Path) -> None:
    [msg] = errors(make_kb(tmp_path, a=topic(related="nowhere")))
    assert "a.yaml:2" in msg and "'nowhere'" in msg


def test_contact_without_source(tmp_path: Path) -> None:
    contacts = CONTACTS.replace("  source: test\n", "", 1)
    [msg] = errors(make_kb(tmp_path, contacts=contacts, a=topic()))
    assert "contacts.yaml:3" in msg and "source" in msg


def test_unverified_phone_number_in_answer_is_an_error(tmp_path: Path) -> None:
    bad = topic().replace("Call Samaritans on 116 123.", "Call 0800 123 4567 now.")
    [msg] = errors(make_kb(tmp_path, a=bad))
    assert "08001234567" in msg and "not in contacts.yaml" in msg


def test_old_review_is_a_warning_not_an_error(tmp_path: Path) -> None:
    d = make_kb(tmp_path, a=topic(reviewed="2024-01-01"))
    problems = check_knowledge(d, today=dt.date(2026, 11, 24))
    assert [p.severity for p in problems] == ["warning"]
    assert "over 12 months" in str(problems[0])
    load_knowledge(d, today=dt.date(2026, 11, 24))  # still loads


def test_html_in_answer_is_refused(tmp_path: Path) -> None:
    bad = topic().replace("Call Samaritans on 116 123.", "Call <b>Samaritans</b> on 116 123.")
    [msg] = errors(make_kb(tmp_path, a=bad))
    assert "plain text" in msg


def test_failed_reload_keeps_old_knowledge_serving(tmp_path: Path) -> None:
    d = make_kb(tmp_path / "kb", a=topic()) if (tmp_path / "kb").mkdir() is None else None
    assert d is not None
    store = KnowledgeStore(d)
    (d / "a.yaml").write_text("topics: [\n")
    problems = store.reload()
    assert problems and "a.yaml" in str(problems[0])
    assert "t-one" in store.current.topics


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(make_kb(tmp_path, a=topic(related="x"), b=topic("t-two", related="y")))
    assert len(info.value.problems) == 2


def test_copy_of_shipped_kb_loads(tmp_path: Path) -> None:
    shutil.copytree(KNOWLEDGE, tmp_path / "k")
    assert load_knowledge(tmp_path / "k").topics
