"""Issue 11: every answer true to its source.

Each finding of the fact audit is guarded twice where it can be: a ``kb check`` rule (tested
here on small made-up knowledge bases, so the rule itself is known to fire) and a check of the
shipped knowledge base, so the finding cannot quietly come back.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.answering.answer import Responder
from bot.knowledge import ANSWER_WORD_LIMIT, KnowledgeBase, audit_topic, check_knowledge
from tests.test_knowledge import CONTACTS, make_kb

PLAN = Path(__file__).resolve().parents[2] / "shared" / "seed" / \
    "community-safety-plan-2021-2024.txt"

TOPIC = """\
topics:
- id: t-one
  title: A topic title
  kind: {kind}
  questions: [where can i get help, who can help me, help please, i need some help]
  keywords: [help, support, advice]
  answer: {answer}
  contacts: [{contacts}]
  source: {source}
  reviewed: 2026-11-24
"""

MORE_CONTACTS = CONTACTS + """\
- id: galop
  name: Galop
  phone: 0800 999 5428
  use: LGBT+ people
  confidence: official
  source: test
- id: new-era
  name: New Era
  phone: 0300 303 3778
  use: victims
  notes: Always show the National Domestic Abuse Helpline beside it.
  confidence: secondary
  source: test
- id: national-domestic-abuse-helpline
  name: National Domestic Abuse Helpline
  phone: 0808 2000 247
  use: anyone
  confidence: official
  source: test
- id: usah
  name: Uniting Staffordshire Against Hate
  use: victims of hate crime
  confidence: secondary
  source: test
"""


def problems(tmp_path: Path, answer: str, contacts: str = "samaritans",
             source: str = "plan section 1", kind: str = "support") -> list[str]:
    text = TOPIC.format(answer=answer, contacts=contacts, source=source, kind=kind)
    tmp_path.mkdir(parents=True, exist_ok=True)
    directory = make_kb(tmp_path, contacts=MORE_CONTACTS, topics=text)
    return [str(p) for p in check_knowledge(directory, today=dt.date(2026, 11, 24))]


# --------------------------------------------------------------------------- kb check rules


def test_named_service_not_listed_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, "Call Samaritans on 116 123, or LGBT+ people can call Galop.")
    assert any("error" in p and "names Galop" in p and "'galop'" in p for p in found)
    assert not [p for p in problems(tmp_path / "ok", "Call Samaritans, or Galop.",
                                    contacts="samaritans, galop") if "names" in p]


def test_danger_topic_without_999_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, "If you are being abused, call Samaritans on 116 123.")
    assert any("error" in p and "no 999" in p for p in found)
    fixed = problems(tmp_path / "ok", "If you are being abused, call Samaritans on 116 123.",
                     contacts="samaritans, emergency")
    assert not [p for p in fixed if "no 999" in p]


def test_definition_without_source_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, "Cuckooing is when dealers take over a home. Call Samaritans.")
    assert any("error" in p and "defines something" in p for p in found)
    # What the plan says is fine without a page.
    said = problems(tmp_path / "plan", "The plan says cuckooing is when dealers take over a "
                    "home. Call Samaritans.")
    assert not [p for p in said if "defines something" in p]


def test_source_beyond_plan_needs_a_sources_entry(tmp_path: Path) -> None:
    found = problems(tmp_path, "Call Samaritans on 116 123.", source="a news page")
    assert any("error" in p and "'a news page'" in p for p in found)


def test_contact_with_no_route_needs_one_in_the_answer(tmp_path: Path) -> None:
    found = problems(tmp_path, "Uniting Staffordshire Against Hate supports victims. If you "
                     "are in danger call 999.", contacts="usah, emergency, samaritans")
    assert any("error" in p and "no phone number or website" in p for p in found)


def test_secondary_contact_must_stand_beside_an_official_one(tmp_path: Path) -> None:
    found = problems(tmp_path, "New Era has supported victims; check its website.",
                     contacts="new-era")
    assert any("error" in p and "New Era" in p and "National Domestic Abuse Helpline" in p
               for p in found)
    fixed = problems(tmp_path / "ok", "New Era has supported victims; check its website. "
                     "The National Domestic Abuse Helpline is free.",
                     contacts="new-era, national-domestic-abuse-helpline")
    assert not [p for p in fixed if "beside" in p]


def test_long_answer_is_a_warning(tmp_path: Path) -> None:
    long = " ".join(["word"] * (ANSWER_WORD_LIMIT + 5)) + " Call Samaritans."
    found = problems(tmp_path, long)
    assert any("warning" in p and "over the house limit" in p for p in found)
    assert not any("error" in p for p in found)


# --------------------------------------------------------------------------- the shipped base


def test_shipped_knowledge_has_no_audit_findings(kb: KnowledgeBase) -> None:
    # Only the fact audit's own findings: other checks (translations...) have their tests.
    found = [(t.id, msg) for t in kb.topics.values() for _, msg in audit_topic(t, kb.contacts)]
    assert found == []


def test_priorities_say_what_the_plan_says(kb: KnowledgeBase, responder: Responder) -> None:
    answer = kb.topics["priorities-overview"].answer
    assert '"identified the following four priorities"' in answer and "six" in answer
    assert "chosen using" not in answer
    reply = responder.answer("how many priorities are there")
    assert reply.topic == "priorities-overview"


def test_plan_dates_and_successor(responder: Responder) -> None:
    reply = responder.answer("when does the plan end")
    assert reply.topic == "plan-about"
    assert "April 2021" in reply.text and "3 year" in reply.text and "2024" in reply.text
    assert "website" in reply.text  # where to look for a successor; none is invented


def test_hotspot_wards_carry_the_plans_label(kb: KnowledgeBase) -> None:
    plan = PLAN.read_text(encoding="utf-8")
    for ward in kb.wards.values():
        if ward.status == "precision-policing":
            continue  # force-wide areas, not the wards Appendix 2 labels
        label = f"{ward.name.split()[0]} (Hotspot area priority ward)"
        if label in plan:
            assert "Hotspot area priority ward" in ward.note, ward.id
            assert "charts" in ward.note, ward.id  # Appendix 2's figures are images


def test_violence_rate_only_under_the_plans_own_name(kb: KnowledgeBase) -> None:
    for ward in kb.wards.values():
        for figure in ward.figures:
            if figure.area and figure.area != ward.name:
                assert "not the plan's" in ward.note, ward.id
    for topic in kb.topics.values():
        for para in topic.answer.split("\n\n"):
            if "55.5" in para:
                assert "Burton Urban & Uxbridge" in para, topic.id
    assert "Burton Town is covered" not in kb.wards["burton-town"].note


def test_ward_reply_does_not_list_the_ward_in_its_own_list(responder: Responder) -> None:
    for name in ("Eton Park", "Horninglow", "Stapenhill", "Winshill"):
        reply = responder.area_reply(name)
        assert reply is not None
        first = reply.body.split("\n\n")[0]
        assert first.count(name) == 1, first
        assert "no ward-level figures" not in reply.body


def test_place_footer_is_whole_and_dated(responder: Responder) -> None:
    reply = responder.unknown_area_reply("Tutbury")
    assert "Appendix 1, section 7" not in reply.footer
    assert re.search(r"Checked \d{1,2} \w+ \d{4}\.", reply.footer), reply.footer


@pytest.mark.parametrize("question", ["trent and dove housing contact",
                                      "how do i contact uniting staffordshire against hate"])
def test_no_bare_names(responder: Responder, question: str) -> None:
    reply = responder.answer(question)
    assert reply.matched
    for line in reply.contacts:
        assert ":" in line, f"{line!r} gives no way to reach it"


def test_a_tenant_is_shown_the_landlords_website(responder: Responder) -> None:
    # Found on Trent & Dove's own site (knowledge/contacts.yaml says where); the shared facts
    # give no route, and the contact line used to read "no phone number or website confirmed".
    reply = responder.answer("my neighbour is a trent and dove tenant and plays loud music "
                             "every night")
    assert reply.matched
    assert "Trent & Dove Housing: https://www.trentanddove.org/" in reply.contacts, reply.contacts


def test_neighbourhood_watch_is_the_local_police_teams_not_extremism(
        responder: Responder) -> None:
    # Session 17: "i want to join neighbourhood watch" got the extremism reporting topic.
    reply = responder.answer("i want to join neighbourhood watch")
    assert reply.topic == "neighbourhood-policing", reply.topic
    assert "Neighbourhood Watch" in reply.text


def test_trading_standards_only_as_the_plan_describes(kb: KnowledgeBase) -> None:
    for topic in kb.topics.values():
        for sentence in re.split(r"(?<=[.;])\s+", topic.answer):
            if "Trading Standards" in sentence and not topic.sources:
                assert not re.search(r"rogue|doorstep", sentence, re.I), topic.id


def test_perpetrators_never_get_the_victims_line(kb: KnowledgeBase) -> None:
    topic = kb.topics["stop-being-abusive"]
    assert "new-era" not in topic.contacts
    assert "01785 601690" not in topic.answer  # a 2020 news page, never confirmed since


def test_new_era_is_never_shown_as_certainly_current(kb: KnowledgeBase) -> None:
    for topic in kb.topics.values():
        if "new-era" in topic.contacts:
            assert "national-domestic-abuse-helpline" in topic.contacts, topic.id
            assert "still running" in topic.answer, topic.id


# --------------------------------------------------------------------------- footers


def test_footer_never_calls_unconfirmed_contacts_verified(kb: KnowledgeBase,
                                                         responder: Responder) -> None:
    for topic in kb.topics.values():
        reply = responder.topic_reply(topic.id)
        assert reply is not None
        assert "verified contacts" not in reply.footer, topic.id
        for contact in kb.contacts_for(topic):
            line = next(x for x in reply.contacts if x.startswith(contact.name))
            if contact.confidence == "official":
                assert "not confirmed" not in line and "not re-checked" not in line
            else:
                assert "check" in line or "confirmed" in line, (topic.id, line)


def test_house_length_on_every_answer(kb: KnowledgeBase) -> None:
    long = {t.id: len(t.answer.split()) for t in kb.topics.values()
            if len(t.answer.split()) > ANSWER_WORD_LIMIT}
    assert long == {}


# --- what docs/knowledge-format.md promises, kb check enforces (issue 12) ------------------


def test_too_few_questions_or_keywords_is_an_error(tmp_path: Path) -> None:
    from tests.test_knowledge import errors, topic

    thin = topic().replace(
        "questions: [where can i get help, who can help me, help please, i need some help]",
        "questions: [where can i get help]").replace(
        "keywords: [help, support, advice]", "keywords: [help]")
    found = errors(make_kb(tmp_path, a=thin))
    assert any("1 question(s); at least 4" in e for e in found), found
    assert any("1 keyword(s); at least 3" in e for e in found), found


def test_a_review_date_in_the_future_is_an_error(tmp_path: Path) -> None:
    from tests.test_knowledge import errors, topic

    found = errors(make_kb(tmp_path, a=topic(reviewed="2030-01-01")))
    assert any("reviewed 2030-01-01 is in the future" in e for e in found), found


def test_the_format_doc_states_what_kb_check_enforces() -> None:
    from bot.knowledge import MIN_KEYWORDS, MIN_QUESTIONS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "knowledge-format.md").read_text()
    assert f">= {MIN_QUESTIONS} alternate questions" in doc
    assert f">= {MIN_KEYWORDS} words" in doc
    assert f"{ANSWER_WORD_LIMIT} words" in doc
    # The doc's ward example is the real entry, figures and all.
    kb_text = (Path(__file__).resolve().parents[1] / "knowledge" / "wards.yaml").read_text()
    assert "id: burton-urban" in doc and "value: 55.5" in kb_text


def test_kb_check_shows_how_sure_the_contacts_are(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import main

    assert main(["kb", "check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"contacts: \d+ official, \d+ secondary, \d+ well-known", out)
    assert "topics citing pages beyond the plan" in out and "clares-law" in out


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("where can i read the partners policies and websites", "partner-websites"),
        ("is the nhs part of the community safety partnership", "health-partners"),
        ("is there a childrens centre in burton", "libraries-childrens-centres"),
        ("has covid made crime worse round here", "changing-communities"),
        ("what does the plan say about the cost of living", "changing-communities"),
        ("is there a staffordshire wide community safety partnership", "countywide-csp"),
        ("does the fire service do anything about road traffic collisions", "fire-safety"),
    ],
)
def test_what_the_plan_covers_is_answered(responder: Responder, question: str,
                                          topic: str) -> None:
    assert responder.answer(question).topic == topic
