"""The probe messages (tests/data/probes/README.md) keep what session 18's fixes gave them:
crises that lead with 999, and look-alikes that raise no sure alarm. Floors, not goals: the
rules were written from these messages, so they guard against a drop, nothing more."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.answer import Responder
from tests.conftest import ROOT

PROBES = ROOT / "tests" / "data" / "probes"

#: file: (crises whose reply is a sure crisis that leads with 999, most sure alarms on the
#: look-alikes, crises whose reply's first line gives 999 (a sure crisis or the emergency line
#: on top of the answer), most look-alikes whose first line does), as read on 2026-12-06
#: after session 18's fixes. (A look-alike's first line may give 999 by design: the domestic
#: abuse answers, for one, begin with it.)
FLOORS = {
    "en_crisis.txt": (127, 0, 183, 0),
    "en3.txt": (90, 9, 113, 41),  # held out: its first sight, nothing written from it
    "en4.txt": (122, 0, 205, 0),  # crises only (a tuning set)
    "lang4.txt": (164, 0, 212, 0),  # crises only, Polish, Punjabi, Urdu (a tuning set)
    "en_calm.txt": (0, 2, 0, 39),
    "en_calm2.txt": (0, 4, 0, 52),
    "pl.txt": (77, 2, 79, 10),  # L37 (session 21): one look-alike more, by its rule
    "pl2.txt": (82, 8, 98, 17),
    "pl3.txt": (45, 6, 52, 11),  # held out: its first sight, nothing written from it
    "urpa.txt": (79, 1, 80, 9),
    "urpa2.txt": (82, 8, 94, 11),
    "urpa3.txt": (57, 10, 63, 12),  # held out: its first sight, nothing written from it
}


def read(path: Path) -> list[tuple[str, bool]]:
    """(text, is a crisis) per message line: ``text | kind`` (``none``: a look-alike), or
    the bare text, a crisis in a file whose name says so."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        text, sep, kind = line.rpartition(" | ")
        if sep:
            out.append((text, kind.strip() != "none"))
        else:
            out.append((line, "crisis" in path.stem))
    return out


def test_every_probe_file_has_a_floor() -> None:
    assert sorted(p.name for p in PROBES.glob("*.txt")) == sorted(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_probe_messages_keep_their_crisis_replies(responder: Responder, name: str) -> None:
    led = alarms = first_led = first_calm = 0
    for text, is_crisis in read(PROBES / name):
        reply = responder.answer(text)
        sure = reply.crisis is not None and reply.crisis.sure
        first = "999" in reply.text.split("\n")[0]
        if is_crisis:
            led += sure and "999" in reply.sections()[0][1]
            first_led += first
        else:
            alarms += sure
            first_calm += first
    least, most, least_first, most_first = FLOORS[name]
    assert led >= least, f"{name}: {led} crises led with 999, at least {least} expected"
    assert alarms <= most, f"{name}: {alarms} sure alarms on look-alikes, at most {most}"
    assert first_led >= least_first, f"{name}: {first_led} crises with 999 first"
    assert first_calm <= most_first, f"{name}: {first_calm} look-alikes with 999 first"
