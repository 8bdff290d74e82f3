"""The real-message corpus: its rules, and the figures on its frozen test split.

The test split (``tests/data/corpus/test.yaml``) was committed before anything was tuned on
the corpus and is never tuned on. These tests only read its figures, so a change that makes
the bot worse on residents' real words fails here. The floors are the figures the bot
scored when they were last recorded in the README (not the issue's goals, which are not all
met yet: see the README's "How well it answers").
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
import yaml

from bot.answering.answer import Responder
from bot.answering.evaluation import Report, evaluate, load_cases
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "data" / "corpus"
LABELS = {"topic", "crisis", "out_of_scope"}
KINDS = {"danger", "self_harm", "medical", "fire", "child"}

#: Floors on the frozen test split: ``test.yaml`` and, since 2026-12-04 (session 4),
#: ``test8.yaml`` together (see README). ``test.yaml`` alone held 212 right, 62/86 crises,
#: at most 14 false crises and 29/33 declined; its 86 crises could not tell a better model
#: from noise (three retrains in a row caught more on new training-side data and 2-3 fewer
#: there), so round 8 (419 real items, 132 crises) was collected as a second frozen part
#: with a rule written first (tests/data/corpus/README.md, "Round 8"): the guard moved to
#: the union, which the shipped models were chosen on once, by that rule. The union's
#: figures then: 437/734 right, 166/218 crises, 42 false of 516, 64/87 declined. Round 9
#: (training only, session 5) chose K9 by its pre-registered rule (one read per candidate):
#: the round's wordings, the retrained topic model and rules for figures of speech. Round 10
#: (session 7) added a third frozen part, ``test10.yaml`` (342 real items; first sight of K9:
#: 162 right, 51/74 crises, 28 false, 28/36 declined), and chose V10c by its rule: the topic
#: model with word vectors, taking over an unsure answer from 0.3.
#: Round 11 added a fourth part, ``test11.yaml`` (277 real items; first sight of V10c: 143
#: right, 36/44 crises, 26 false, 32/36 declined); neither of its candidates shipped.
#: Round 12 (session 8) collected nothing new; by its rule, read once each on the four parts:
#: U9 (the topic model also asked when the matcher is under 0.9 sure: 768 right, 137
#: declined) and E12b (the crisis model with word vectors and the short-message fix: 259
#: crises, 94 false, 139 declined) shipped. A plea and nothing else ("help me") then became a
#: sure crisis by rule (the model no longer judges two words): 769 right, 260 crises.
#: Round 13 (session 9) added a fifth part, ``test13.yaml`` (73 real items; first sight of
#: the shipped state: 35 right, 22/30 crises, 7 false, 4/11 declined); the four older parts'
#: figures were unchanged by the session's fixes. No candidate was read.
#: Session 10's fixes from everyday use (new topics for complaints about the police and for
#: injunctions, a baby not breathing as a medical emergency) gave 807 right, the other counts
#: as before. Session 11's (a dislike is not a hate crime, a topic's own question gets that
#: topic, a fight in the street now leads with 999, which languages it speaks) gave 811 right
#: and 283 crises. Round 15 added a sixth part, ``test15.yaml`` (167 real items; first sight
#: 71 right, 20/23 crises, 15/144 false, 18/30 declined); none of its three candidates
#: shipped. Round 16 (session 13) added a seventh part, ``test16.yaml`` (180 real items; first
#: sight 82 right, 27/34 crises, 11/146 false, 26/31 declined) and a fifth figure, the
#: crisis kinds right (a flagged crisis given the advice of its labelled kind); its candidate
#: K16 changed no count and did not ship. Round 17 added an eighth part, ``test17.yaml`` (105
#: real items; first sight 57 right, 15/23 crises, 8/82 false, 19/21 declined, 13/15 kinds);
#: its candidates T17 (+29 right, -2 declined) and E17 (-2 right) did not ship. Round 18 added
#: a ninth part, ``test18.yaml`` (115 real items; first sight 46 right, 18/25 crises, 12/90
#: false, 26/37 declined, 13/18 kinds), read once by T17's model alone (T18: 52 right, 27
#: declined, the rest the same), which shipped by that round's rule. Round 19 added a tenth
#: part, ``test19.yaml`` (98 real items; first sight 47 right, 12/22 crises, 3/76 false,
#: 21/26 declined, 7/12 kinds); T19 (the topic model retrained with round 19) shipped, C19b
#: (the crisis model retrained) caught 21 fewer crises and did not. Round 20 (session 14)
#: added an eleventh part, ``test20.yaml`` (215 real items; first sight 100 right, 40/60
#: crises, 17/155 false, 29/39 declined, 34/40 kinds); T20 (the topic model retrained with
#: round 20) shipped, C20 (the crisis model retrained) lost three kinds right and did not.
#: Round 21 added a twelfth part, ``test21.yaml`` (195 real items; first sight 92 right,
#: 23/37 crises, 17/158 false, 34/38 declined, 21/23 kinds), which judged C20 alone (C21:
#: one fewer right and kind right, two fewer false alarms; not shipped). Round 22 (session
#: 15) added a thirteenth part, ``test22.yaml`` (213 real items; first sight 105 right, 41/57
#: crises, 17/156 false, 26/37 declined, 34/41 kinds); T22 (-10 right) and C22 (-18 crises,
#: -35 false alarms) did not ship. Round 23 (session 16) added a fourteenth part,
#: ``test23.yaml`` (187 real items; first sight 73 right, 33/49 crises, 12/138 false, 34/40
#: declined, 22/33 kinds); T23 (the topic model retrained with rounds 22 and 23: +13 right, +2
#: declined) shipped, C23 (-21 crises, -33 false alarms) did not. Round 24 (session 17) added
#: a fifteenth part, ``test24.yaml`` (216 real items; first sight 100 right, 37/53 crises,
#: 16/163 false, 27/37 declined, 29/37 kinds); T24 (-12 right, -3 declined) and C24 (-39
#: crises, -41 false alarms) did not ship; a wound feared fatal ("I've been stabbed ... I'm
#: going to die") then got the ambulance, not Samaritans (+1 kind); with the spelling corrector
#: no longer reading real words as crisis words ("odd" as "overdosed", "conscious" as
#: "unconscious"), 3 more right and 5 fewer false crises; with "a year ago", a childhood or a
#: year named as the past, 2 more right and 3 fewer false crises; with people chasing someone
#: now a 999 call, one more crisis (and kind) caught. Session 18: with "nine nine nine" in
#: words, two or more weapons, a fire so many metres away and a child being hurt heard now
#: read as crises, and "when i was still...", thoughts someone never had and a warning that
#: people will die on a road not read as ones, one fewer false crisis; with a bus lane fine
#: declined as a parking charge, one more right; with a syringe found in a park reported as
#: drug litter, one more right. The fifteen parts:
FLOORS = {
    "accuracy": 1654 / 3117,
    "crisis_recall": 551 / 749,
    "false_crisis_rate": 220 / 2368,  # a ceiling
    "declined": 414 / 506,
    "kinds_right": 442 / 551,
}
#: The frozen test parts, read together.
TEST_PARTS = ("test.yaml", "test8.yaml", "test10.yaml", "test11.yaml", "test13.yaml",
              "test15.yaml", "test16.yaml", "test17.yaml", "test18.yaml", "test19.yaml",
              "test20.yaml", "test21.yaml", "test22.yaml", "test23.yaml", "test24.yaml")


def _items(name: str) -> list[dict[str, object]]:
    return yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["train.yaml", *TEST_PARTS])
def test_every_item_has_a_source_and_a_valid_label(name: str) -> None:
    for item in _items(name):
        assert str(item["source"]).startswith("http"), item
        assert item["label"] in LABELS, item
        if item["label"] == "crisis":
            assert item["crisis"] in KINDS, item
        if item["label"] == "topic":
            assert item["topic"], item


def test_the_corpus_is_large_enough_and_the_test_split_is_a_third() -> None:
    train, test = _items("train.yaml"), _items("test.yaml")
    everything = train + test
    labels = Counter(str(i["label"]) for i in everything)
    assert len(everything) >= 800
    assert labels["crisis"] >= 150
    assert sum(1 for i in everything if i.get("hard_negative")) >= 150
    assert len(test) / len(_items("test.yaml") + _items_first_round_train()) >= 0.30


def _items_first_round_train() -> list[dict[str, object]]:
    """Training items of the first collection round (later rounds only add to training)."""
    first = {" ".join(str(i["q"]).lower().split()) for path in (CORPUS / "raw").glob("*.yaml")
             if not path.name.startswith("train_")
             for i in yaml.safe_load(path.read_text(encoding="utf-8"))}
    return [i for i in _items("train.yaml") if " ".join(str(i["q"]).lower().split()) in first]


def test_no_test_item_is_in_the_training_split() -> None:
    def key(i: dict[str, object]) -> str:
        return " ".join(str(i["q"]).lower().split())

    training = {key(i) for i in _items("train.yaml")}
    for name in TEST_PARTS:
        assert not {key(i) for i in _items(name)} & training, name
    parts = [{key(i) for i in _items(name)} for name in TEST_PARTS]
    for n, part in enumerate(parts):
        for other in parts[n + 1:]:
            assert not part & other


@cache
def _test_report(responder: Responder) -> Report:
    cases = [case for name in TEST_PARTS for case in load_cases(CORPUS / name)]
    return evaluate(cases, lambda q: responder.answer(q).to_json())


def test_figures_on_the_frozen_test_split_do_not_drop(responder: Responder) -> None:
    report = _test_report(responder)
    declined, out_of_scope = report.out_of_scope
    assert report.accuracy >= FLOORS["accuracy"]
    assert report.crisis_recall >= FLOORS["crisis_recall"]
    assert report.false_crisis_rate <= FLOORS["false_crisis_rate"]
    assert declined / out_of_scope >= FLOORS["declined"]
    kinds_right, flagged = report.kinds_right
    assert kinds_right / flagged >= FLOORS["kinds_right"]


#: Floors on the blind language sets (tests/data/lang/blind/, written without seeing the
#: rules or translations, frozen 2026-12-03, never tuned on): (accuracy, crisis recall, most
#: false crises). Raised on 2026-12-04 after rules written from training messages only, and
#: again the same day after the language models were trusted with sure crises (thresholds
#: chosen on the training messages' cross-validation, bot/answering/i18n.py SURE_SCORES), and
#: once more after each language's topic model (bot/answering/topic_model.py), and after the
#: third, fourth and fifth batches of training messages (session 2 of 2026-12-04).
#: Session 6: Punjabi's models retrained with the translated messages (candidate L6b).
#: Session 7: all three languages' models retrained with native batch 7 (candidate L7), which
#: the pre-registered rule judged on the union of the three blind sets (tests/data/lang/
#: README.md, "Session 7"); on the first set alone Polish lost one right answer and Urdu one
#: crisis, made up for on the others. Each floor is the shipped state's figure on that set.
#: Then language detection's learned word lists (candidate L7r), and native batch 8 with the
#: lists relearned (L8, judged on the union of four blind sets; Urdu's first set lost a right
#: answer, made up for on the others), then batch 9 for Polish and Punjabi with the lists
#: relearned (L9b, on five sets; Urdu keeps L8's models: L9's missed two crises), then
#: batch 10 for Urdu with the lists relearned (L10b, on six sets). Session 8: Punjabi's
#: models retrained with native batches 11 and 12 (L12b, on eight sets: 431/502 right against
#: 425, 170/185 crises against 168, 12 false as before; its second set lost two right answers
#: and gained two false alarms, made up for on the others). Session 19: Punjabi's models
#: retrained with round 27's native messages and the read probe messages (L27, on nine sets:
#: 486/566 right against 483, 193/209 crises against 192, 12 false as before; the first set
#: lost three right answers and a crisis, the sixth two right answers and the eighth gained a
#: false alarm, made up for on the others). Round 28 (session 19): Urdu's and Punjabi's models
#: retrained with batches 27 and 28 (L28n: Urdu without the probe messages, Punjabi with batch
#: 28's calm messages only), on nine sets: Urdu 441/501 right against 432, 178/185 crises
#: against 175, 13 false against 14; Punjabi 492/566 against 486, 193/209 as before, 10 false
#: against 12. Urdu's fourth set and Punjabi's third and seventh lost right answers, made up
#: for on the others. Round 29: the Urdu and Punjabi models' veto on the rules (L29w, 0.05):
#: Urdu 447/501, 178/185, 7 false; Punjabi 498/566, 193/209, 4 false; no set lower. The
#: eleventh blind sets then sent Urdu's models back to L10b's (one more false crisis there
#: without the veto), the veto kept; a twelfth Urdu set brought them back with the veto
#: (L30), and Urdu's floors are that state's figures.
BLIND_FLOORS = {"pl": (48 / 53, 17 / 17, 0), "ur": (49 / 53, 17 / 17, 1),
                "pa": (48 / 54, 16 / 17, 0)}
#: The second blind sets (tests/data/lang/blind2/, session 6, written by helpers that never
#: saw the bot).
BLIND2_FLOORS = {"pl": (55 / 64, 22 / 24, 2), "ur": (56 / 64, 23 / 24, 5),
                 "pa": (59 / 64, 23 / 24, 1)}
#: The third blind sets (tests/data/lang/blind3/, session 7, written the same way). First
#: sight of the session-6 state: Polish 50/64, 22/24, 4; Urdu 46/64, 20/24, 4; Punjabi 49/64,
#: 21/24, 2.
BLIND3_FLOORS = {"pl": (56 / 64, 24 / 24, 3), "ur": (57 / 64, 24 / 24, 1),
                 "pa": (55 / 64, 23 / 24, 1)}  # Punjabi: L38's (session 21) figures
#: The fourth blind sets (tests/data/lang/blind4/, session 7's second round). First sight of
#: L7r: Polish 48/64, 24/24, 4; Urdu 51/64, 20/24, 1; Punjabi 50/64, 22/24, 2.
# (Polish false crises 3 -> 4: L47, session 23, Polish rules from round 33.)
BLIND4_FLOORS = {"pl": (53 / 64, 24 / 24, 4), "ur": (54 / 64, 21 / 24, 1),
                 "pa": (56 / 64, 24 / 24, 0)}
#: The fifth blind sets (tests/data/lang/blind5/, session 7's third round). First sight of
#: L8: Polish 53/64, 24/24, 4; Urdu 55/64, 24/24, 3; Punjabi 49/64, 19/24, 0.
BLIND5_FLOORS = {"pl": (53 / 64, 24 / 24, 3), "ur": (58 / 64, 23 / 24, 1),
                 "pa": (56 / 64, 21 / 24, 0)}
#: The sixth blind sets (Urdu and Punjabi only, session 7's fourth round). First sight of
#: L9b: Urdu 54/64, 23/24, 1; Punjabi 53/64, 22/24, 4.
BLIND6_FLOORS = {"ur": (55 / 64, 24 / 24, 1), "pa": (55 / 64, 22 / 24, 2)}
#: The seventh blind sets (Polish and Punjabi, session 7's fifth round): first sight of L10b,
#: which stayed shipped (L11 did not ship).
BLIND7_FLOORS = {"pl": (55 / 64, 23 / 24, 3), "pa": (57 / 64, 22 / 24, 0)}
#: The eighth blind sets (Urdu and Punjabi, session 8; Polish's helper never wrote its set).
#: First sight of the shipped state then: Urdu 53/64, 21/24, 0; Punjabi 50/64, 21/24, 3.
#: Polish's (session 9, shipped state with the greetings fix): 57/64, 23/24, 1.
BLIND8_FLOORS = {"pl": (57 / 64, 23 / 24, 1), "ur": (56 / 64, 22 / 24, 0),
                 "pa": (57 / 64, 22 / 24, 1)}
#: The ninth blind sets (session 19, round 27, by helpers that never saw the bot). First sight
#: of the shipped state (fa149fd): Polish 56/63, 21/23, 1; Urdu 58/64, 23/24, 3; Punjabi 50/64,
#: 20/24, 0.
BLIND9_FLOORS = {"pl": (55 / 63, 21 / 23, 1), "ur": (60 / 64, 24 / 24, 1),
                 "pa": (54 / 64, 21 / 24, 0)}
#: The tenth blind sets (session 19, read once by its end state; README, "tenth blind sets").
#: The session's start state read Polish 57/64, 23/24, 2; Urdu 57/64, 23/24, 3; Punjabi 56/64,
#: 22/24, 1.
BLIND10_FLOORS = {"pl": (57 / 64, 23 / 24, 2), "ur": (55 / 64, 24 / 24, 3),
                  "pa": (54 / 64, 22 / 24, 2)}
#: The eleventh blind sets (session 19, 200 items a language, a confirmatory read of rounds 28
#: and 29; README, "eleventh blind sets"): the state that read decided, Urdu's models back to
#: the start state's (L10b) with the veto kept. Start state: Polish 170/199, 72/80, 3; Urdu
#: 151/200, 70/80, 7; Punjabi 159/200, 71/80, 13.
#: Polish's false crises 3 -> 4 with L33 (session 20), which shipped by a rule weighing a
#: missed crisis three times a false alarm: one calm item here became a sure alarm while the
#: older Polish sets together gained three crises.
BLIND11_FLOORS = {"pl": (166 / 199, 72 / 80, 4), "ur": (160 / 200, 74 / 80, 6),
                  "pa": (166 / 200, 73 / 80, 7)}  # Punjabi: L38's, crises L44's
#: The twelfth blind set (Urdu only, session 19, 200 items): it judged L30 (Urdu's retrained
#: models with the veto) against the shipped state (161/200, 77/80, 7): L30 read 168, 77, 5 and
#: shipped; the floor is its figure. Polish's (the same day, judging L31, which did not ship):
#: the shipped state's first sight.
# L41's; Polish false crises 6 -> 7 with L47 (session 23).
BLIND12_FLOORS = {"ur": (168 / 200, 77 / 80, 5), "pl": (147 / 199, 68 / 79, 7)}
#: The thirteenth blind sets (session 20; items already in another file dropped before any
#: read): the shipped state's first sight. Polish's judged L32 (a sentence encoder beside the
#: Polish model), which read 143, 63/76, 15 and did not ship.
#: Polish's floors are L37's figures (session 21: it shipped by its last judgement).
BLIND13_FLOORS = {"pl": (139 / 192, 58 / 76, 10), "ur": (163 / 199, 74 / 79, 4),
                  "pa": (143 / 198, 65 / 78, 6)}  # Punjabi crises: L44's
#: The fourteenth (Polish, session 20, two helpers' files joined): the shipped state's first
#: sight (296, 130/152, 14). It judged L33 (Polish rules from round 27's files), which read
#: 298, 132/152, 14 and shipped by its second judgement, on the fifteenth set (the shipped
#: state's first sight there: 290/390, 130/150, 24); the floors are L33's figures.
#: Urdu's (session 20, two helpers): the shipped state's first sight; it judged L35 (Urdu
#: rules), which read 302, 141/156, 9 and did not ship.
#: Polish's floors are now L37's figures (session 21).
BLIND14_FLOORS = {"pl": (300 / 392, 131 / 152, 13), "ur": (303 / 395, 141 / 156, 12)}
#: The fifteenth (Polish, session 20): L33's second judgement (shipped state 290, 130/150,
#: 24); the floors are L33's figures.
BLIND15_FLOORS = {"pl": (290 / 390, 132 / 150, 24)}
#: The sixteenth (Polish, session 20, two helpers): it judged L34 (gates on the Polish rules),
#: which read 298/390, 130/152, 5 against the shipped state's first sight 297, 130, 6, and
#: shipped; the floors are L34's figures.
BLIND16_FLOORS = {"pl": (297 / 390, 129 / 152, 5)}  # L37's (session 21)
#: The seventeenth (Polish, session 20, two helpers): the shipped state's first sight. It
#: judged L36 (a Polish model at C = 16, sure at 0.7), which read 276, 134/155, 31 and did not
#: ship (the real Polish sets' false crises rose over their floors).
BLIND17_FLOORS = {"pl": (275 / 394, 126 / 155, 24)}  # L37's (session 21)
#: The eighteenth (Polish, session 20, two helpers): the shipped state's first sight. It
#: judged L37 (the Polish model learning real calm Polish), which read 297, 130/147, 11; L37
#: shipped by its last judgement (session 21), so the floors are its figures.
BLIND18_FLOORS = {"pl": (297 / 381, 130 / 147, 11)}
#: The nineteenth (session 21, two helpers per language): the shipped state's first sight was
#: Polish 295/383, 126/146, 16; Urdu 315/397, 146/158, 10; Punjabi 296/400, 147/160, 15. They
#: judged L37 (Polish: 295, 126, 15, shipped) and L38 (Urdu's and Punjabi's crisis models
#: pooling each other's messages: Urdu 318, 148, 10 but below a real Urdu set's floors, so
#: only Punjabi's pooled model shipped: 302, 147, 13). The floors are the shipped figures.
BLIND19_FLOORS = {"pl": (295 / 383, 126 / 146, 15), "ur": (315 / 397, 146 / 158, 12),
                  "pa": (302 / 400, 145 / 160, 13)}
#: The twentieth (Polish, session 21, two helpers): the shipped state's first sight. It judged
#: L39b (the Polish model learning rounds 27 and 28's calm messages, sure from 0.78), which
#: read 294, 125/148, 11 and did not ship.
BLIND20_FLOORS = {"pl": (294 / 384, 127 / 148, 12)}
#: The twenty-first (Polish, session 22, two helpers): the shipped state's first sight. It judged
#: L40 (a sentence encoder beside the Polish topic model), which read 304, 133/151, 14 but no
#: more right than the shipped state across the older Polish sets (3,017 of 3,868 either way),
#: and did not ship.
#: L47 (session 23, Polish rules from round 33) moved its false crises 14 -> 16.
BLIND21_FLOORS = {"pl": (297 / 389, 133 / 151, 16)}
#: The twenty-second (Polish, session 22, two helpers) judged L41, the Polish topic model
#: learning rounds 27 and 28's calm messages: shipped first sight 275/383, 120/145, 12; L41
#: 284, the same crises. Across the older Polish sets it read 3,322 of 4,257 right against
#: 3,314, so it shipped; these floors are its figures, and the Polish right-answer floors of
#: blind, blind2, blind4, blind9, blind11, blind12, blind13 and blind15 moved down to L41's
#: (tests/data/lang/README.md, "Session 22"); crises and false crises did not move.
BLIND22_FLOORS = {"pl": (284 / 383, 120 / 145, 12)}
#: The twenty-third (all three languages, session 22, two helpers each) judged L42, the topic
#: models learning round 30's calm topic messages: shipped first sight Polish 298/382,
#: 128/147, 13; Urdu 299/396, 145/157, 13; Punjabi 293/398, 134/159, 9. L42 answered 309, 326
#: and 306 rightly with the same crises, and more on each language's older sets, so it
#: shipped; these floors are its figures.
BLIND23_FLOORS = {"pl": (309 / 382, 128 / 147, 13), "ur": (326 / 396, 145 / 157, 18),
                  "pa": (306 / 398, 134 / 159, 9)}
#: The twenty-fourth (all three languages, session 22, two helpers each), written to judge L43;
#: L43 failed two guard tests first and was never read on them, so these are the shipped
#: state's (L42's) first sight.
BLIND24_FLOORS = {"pl": (309 / 390, 127 / 152, 11), "ur": (312 / 395, 136 / 156, 15),
                  "pa": (315 / 398, 138 / 158, 5)}
#: The twenty-fifth (Urdu and Punjabi, session 22, two helpers each) judged L44, the crisis
#: models learning rounds 30 and 31's calm messages: Urdu shipped 323/394, 138/155, 8 and L44
#: 321, 135, 7 (three crises fewer: not shipped); Punjabi shipped 307/397, 135/157, 12 and L44
#: 313, 136, 7 (shipped). The floors are the shipped figures; L44 moved Punjabi's blind11 and
#: blind13 crisis floors down by one each (the older Punjabi sets together: 777 crises either
#: way, false crises 44 -> 38).
BLIND25_FLOORS = {"ur": (323 / 394, 138 / 155, 10), "pa": (313 / 397, 136 / 157, 7)}
#: The twenty-sixth (all three languages, session 23, two helpers each) judged L45, the topic
#: models learning round 32's calm topic messages, and L46, Urdu's and Punjabi's crisis models
#: learning round 33. Shipped first sight: Polish 303/388, 126/150, 19; Urdu 323/396, 139/156,
#: 9; Punjabi 322/395, 139/155, 6. L45 answered 313, 334 and 324 rightly with the same crises
#: and more on each language's older sets, so it shipped; these floors are its figures. L46
#: did not ship (Punjabi one crisis fewer; Urdu one more here but nine fewer on its older sets).
#: L47 (below) then moved Polish's to 312 right and 20 false crises (from 313 and 19).
BLIND26_FLOORS = {"pl": (312 / 388, 126 / 150, 20), "ur": (334 / 396, 139 / 156, 11),
                  "pa": (324 / 395, 139 / 155, 7)}
#: The twenty-seventh (Polish, session 23, two helpers) judged L47, Polish rules and gates
#: written from round 33's missed crises and false alarms: the shipped state and L47 both
#: read 298/389, 122/153, 14. By its rule (no fewer crises, 3 x gained - false added >= 0)
#: L47 shipped; across the older Polish sets it caught 1,943 -> 1,951 of 2,238 crises with
#: 210 -> 215 false, so the floors of blind4, blind12, blind21 and blind26 moved (above).
BLIND27_FLOORS = {"pl": (298 / 389, 122 / 153, 14)}
#: The twenty-eighth (all three languages, session 23, two helpers each) judged L48, Urdu's
#: crisis model sure from 0.6 instead of 0.7, and L49, the topic models learning round 34.
#: Shipped first sight: Polish 319/384, 131/148, 14; Urdu 309/395, 138/155, 14; Punjabi
#: 311/395, 135/155, 12. L49 answered 323, 315 and 312 rightly with the same crises and more
#: on every language's older sets; L48 caught 144 Urdu crises with 17 false (3 x 6 - 3 >= 0)
#: and 1,272 -> 1,289 of the older Urdu sets' 1,386 with 80 -> 97 false (3 x 17 - 17 >= 0), so
#: both shipped, and L48 moved the Urdu false-crisis floors of blind, blind2, blind6, blind13,
#: blind14, blind19, blind23, blind24, blind25 and blind26 up to its figures (blind's right
#: answers 50 -> 49). These floors are the state with both.
BLIND28_FLOORS = {"pl": (322 / 384, 131 / 148, 14), "ur": (317 / 395, 144 / 155, 17),
                  "pa": (310 / 395, 135 / 155, 14)}
#: The twenty-ninth (all three languages, session 23, two helpers each) judged no candidate:
#: read once, by the session's end state. These floors are that first sight.
BLIND29_FLOORS = {"pl": (311 / 387, 124 / 149, 16), "ur": (322 / 388, 132 / 151, 12),
                  "pa": (325 / 397, 138 / 158, 8)}
#: The thirtieth (all three languages, session 24, two helpers each) judged L51 (Urdu's and
#: Punjabi's topic models learn round 35): read once by the shipped state and once by L51,
#: which shipped for both. Polish's L51 had failed a guard test, so its set was read by the
#: shipped state only. These floors are the state that shipped.
BLIND30_FLOORS = {"pl": (303 / 386, 127 / 148, 21), "ur": (314 / 395, 141 / 158, 12),
                  "pa": (320 / 394, 134 / 154, 13)}
#: The thirty-first (all three languages, session 24, two helpers each) judged L52, which did
#: not ship: read once by the shipped state (the session's end state) and once by L52. These
#: floors are the shipped state's first sight.
BLIND31_FLOORS = {"pl": (308 / 380, 126 / 143, 15), "ur": (321 / 393, 133 / 155, 10),
                  "pa": (324 / 395, 131 / 155, 11)}
#: The thirty-second (session 25, one helper each, with the other32 sets below) judged L52
#: again, now by the rule that weighs the other pages (README, "Session 25"); it shipped in all
#: three languages. These floors are L52's figures. It moved these right-answer floors down to
#: its own: Polish blind29 316 -> 311 and blind30 310 -> 306, Urdu blind29 324 -> 322, blind30
#: 323 -> 317 and blind31 329 -> 323, Punjabi blind29 330 -> 328 (crises and false crises
#: identical on every set).
BLIND32_FLOORS = {"pl": (156 / 187, 62 / 71, 6), "ur": (161 / 197, 66 / 78, 7),
                  "pa": (165 / 199, 72 / 79, 4)}
#: The thirty-third (session 25, one helper each, with the other33 sets) judged L53 (the topic
#: models learn round 37, the other pages and their main neighbours) by the same rule; it
#: shipped in all three languages. These floors are L53's figures. It moved these right-answer
#: floors down to its own: Polish blind30 306 -> 303, Urdu blind30 317 -> 314 and blind31
#: 323 -> 321, Punjabi blind29 328 -> 326 and blind30 323 -> 320 (crises and false crises
#: identical on every set).
BLIND33_FLOORS = {"pl": (148 / 191, 61 / 74, 8), "ur": (149 / 194, 68 / 74, 10),
                  "pa": (166 / 198, 69 / 78, 5)}
#: The thirty-fourth (session 25, one helper each, with the other34 sets) judged L54 (the topic
#: models learn round 33's calm look-alikes) by the same rule; it shipped for Polish and
#: Punjabi, not for Urdu. These floors are the shipped state's figures. L54 moved these
#: right-answer floors down to its own: Polish blind28 323 -> 322, Punjabi blind28 312 -> 310,
#: blind29 326 -> 325 and blind31 328 -> 324 (crises and false crises identical on every set).
BLIND34_FLOORS = {"pl": (150 / 188, 58 / 71, 10), "ur": (163 / 196, 68 / 76, 12),
                  "pa": (165 / 195, 68 / 75, 1)}
#: The thirty-fifth (session 25, one helper each, with the other35 sets) judged L55 (the topic
#: models learn round 31) by the same rule; it shipped for Urdu only. These floors are the
#: shipped state's figures (Urdu's L55 with Polish's and Punjabi's L54, read once more for the
#: record). L55 moved Urdu's blind32 right-answer floor down to its own, 165 -> 163 (crises and
#: false crises identical on every set).
BLIND35_FLOORS = {"pl": (159 / 194, 69 / 77, 7), "ur": (164 / 196, 71 / 76, 4),
                  "pa": (155 / 198, 63 / 78, 3)}
#: The thirty-sixth (session 26, one helper each, with the other36 sets) judged L56 (Urdu's and
#: Punjabi's crisis models sure from 0.35), which did not ship, and L57 (the topic models learn
#: round 38), which shipped for Polish and Punjabi by the 2:1 rule. These floors are the shipped
#: mix's figures (L57's Polish and Punjabi, the shipped Urdu), read once more for the record;
#: they moved no blind floor.
BLIND36_FLOORS = {"pl": (151 / 187, 58 / 69, 12), "ur": (172 / 197, 72 / 78, 4),
                  "pa": (151 / 196, 64 / 78, 5)}
#: The thirty-seventh (session 26, one helper each, with the other37 sets) judged L58 (the
#: crisis models learn round 38's calm messages), which did not ship, and L59 (the topic models
#: learn round 39), which shipped in all three languages by the 2:1 rule. These floors are
#: L59's figures. It moved these right-answer floors down to its own: Polish blind34 151 ->
#: 150, Urdu blind32 163 -> 161 and blind34 165 -> 163, Punjabi blind35 156 -> 155 (crises and
#: false crises identical on every set).
BLIND37_FLOORS = {"pl": (160 / 194, 67 / 74, 9), "ur": (152 / 194, 65 / 75, 4),
                  "pa": (162 / 196, 64 / 76, 5)}
#: The thirty-eighth (session 26, one helper each, with the other38 sets) judged L60 (a middle
#: tier from 0.35 for Urdu's and Punjabi's crisis models) and L61 (the topic models learn round
#: 40); both shipped. These floors are the state with both, read once more for the record. L61
#: moved these right-answer floors down to its own: Polish blind35 161 -> 159, Urdu blind37
#: 154 -> 152, Punjabi blind36 153 -> 151 (crises and false crises identical on every set).
BLIND38_FLOORS = {"pl": (153 / 188, 63 / 74, 5), "ur": (170 / 196, 71 / 76, 2),
                  "pa": (143 / 197, 61 / 77, 7)}
#: The thirty-ninth (session 27, one helper each, with the other39 sets) judged L62 (the topic
#: models learn round 41), which shipped for Urdu and Punjabi, and L63 (a lower middle tier
#: for Urdu's and Punjabi's crisis models), which did not. These floors are the shipped state's
#: figures (Polish's: its first sight; Urdu's and Punjabi's: L62's); no older floor moved.
BLIND39_FLOORS = {"pl": (159 / 193, 65 / 73, 8), "ur": (161 / 197, 68 / 77, 8),
                  "pa": (163 / 197, 65 / 77, 5)}
#: The fortieth (session 27, with the other40 sets) judged L64 (the crisis models learn round
#: 41's calm messages; Polish's and Urdu's failed guard tests), which did not ship. These
#: floors are the shipped state's first sight.
BLIND40_FLOORS = {"pl": (156 / 188, 62 / 72, 6), "ur": (160 / 198, 66 / 78, 3),
                  "pa": (165 / 197, 71 / 77, 9)}
#: The forty-first (session 27, with the other41 sets) judged L65 (the topic models learn round
#: 42), which shipped for Polish and Urdu (Punjabi's failed a guard test). These floors are the
#: shipped state's figures (Polish's and Urdu's: L65's; Punjabi's: its first sight). L65 moved
#: these Polish right-answer floors down to its own: blind36 153 -> 152, blind37 161 -> 160,
#: blind38 155 -> 153 (the older Polish sets together: 7,825 right before and after; crises and
#: false crises identical on every set).
BLIND41_FLOORS = {"pl": (156 / 194, 61 / 75, 7), "ur": (161 / 194, 68 / 76, 4),
                  "pa": (169 / 199, 71 / 79, 4)}
#: The forty-second (session 27, with the other42 sets) judged L66 (the topic models learn round
#: 43), which shipped for Polish (Urdu's score fell; Punjabi's failed a guard test). These
#: floors are the shipped state's figures (Polish's: L66's; Urdu's and Punjabi's: their first
#: sight). L66 moved these Polish right-answer floors down to its own: blind36 152 -> 151,
#: blind41 158 -> 156 (crises and false crises identical on every set).
BLIND42_FLOORS = {"pl": (154 / 191, 65 / 73, 9), "ur": (164 / 192, 65 / 74, 3),
                  "pa": (164 / 196, 67 / 77, 5)}
#: The forty-third (session 28, with the other43 sets) judged L67 (the topic models learn round
#: 44, look-alikes of council services), which shipped for Punjabi (Polish's and Urdu's scores
#: fell). These floors are the shipped state's figures (Polish's and Urdu's: their first
#: sight; Punjabi's: L67's). L67 moved Punjabi's blind40 right-answer floor down to its own,
#: 170 -> 168 (the older Punjabi sets together 5,705 -> 5,702 right, the other pages 797 -> 803
#: of 941; crises and false crises identical on every set).
BLIND43_FLOORS = {"pl": (147 / 194, 65 / 75, 12), "ur": (170 / 197, 73 / 77, 6),
                  "pa": (163 / 198, 72 / 78, 7)}
#: The forty-fourth (session 28, with the other44 sets) judged L68 (the topic models learn round
#: 45, round 39's brief again), which shipped for Polish and Punjabi (Urdu's score fell). These
#: floors are the shipped state's figures (Polish's and Punjabi's: L68's; Urdu's: its first
#: sight). L68 moved Punjabi's blind40 right-answer floor down to its own, 168 -> 167 (the older
#: Punjabi sets together 5,867 -> 5,872 right; crises and false crises identical on every set).
BLIND44_FLOORS = {"pl": (156 / 190, 63 / 73, 6), "ur": (170 / 198, 73 / 78, 2),
                  "pa": (150 / 197, 61 / 77, 5)}
#: The forty-fifth (session 28, with the other45 sets) judged L69 (the topic models learn round
#: 46, round 39's brief again), which shipped for Polish and Punjabi (Urdu's score fell). These
#: floors are the shipped state's figures (Polish's and Punjabi's: L69's; Urdu's: its first
#: sight). L69 moved these right-answer floors down to its own: Polish blind40 157 -> 156,
#: blind42 156 -> 154 and blind44 158 -> 156, Punjabi blind44 153 -> 152 (the older sets
#: together: Polish 8,444 -> 8,452, Punjabi 6,025 -> 6,029 right; crises and false crises
#: identical on every set).
BLIND45_FLOORS = {"pl": (151 / 191, 60 / 73, 11), "ur": (148 / 193, 67 / 74, 8),
                  "pa": (170 / 198, 68 / 78, 3)}
#: The forty-sixth (session 28, Polish and Punjabi only, with the other46 sets) judged L70 (the
#: topic models learn round 47), which did not ship (Polish's score fell; Punjabi's failed a
#: guard test). These floors are the shipped state's first sight.
BLIND46_FLOORS = {"pl": (149 / 189, 55 / 71, 10), "pa": (164 / 199, 70 / 79, 4)}
#: The forty-seventh (session 29, with the other47 sets) judged L73 and L74 (Urdu's topic model
#: less regularised, C 100; and also learning rounds 43-46), neither of which shipped (Urdu's
#: score fell); L71 and L72 were not judged. These floors are the shipped state's first sight.
BLIND47_FLOORS = {"pl": (152 / 192, 59 / 72, 11), "ur": (168 / 195, 69 / 75, 6),
                  "pa": (163 / 198, 68 / 78, 3)}
#: The forty-eighth (session 29, Polish and Punjabi only, with the other48 sets) judged L75 (the
#: topic models learn round 48, round 39's brief again), which did not ship (both scores fell).
#: These floors were the shipped state's first sight; L77 moved Polish's (below).
BLIND48_FLOORS = {"pl": (158 / 191, 64 / 73, 10), "pa": (167 / 198, 70 / 78, 4)}
#: The forty-ninth (session 29, with the other49 sets) judged L77 (the topic models keep weights
#: from 0.1, not 0.2), which shipped for Polish (Urdu's score fell; Punjabi's was not judged).
#: These floors are the shipped state's figures (Polish's: L77's; Urdu's and Punjabi's: their
#: first sight). L77 moved Polish's blind48 floor 159 -> 158 (the older sets together: 9,063 ->
#: 9,070 right; crises and false crises identical on every set).
BLIND49_FLOORS = {"pl": (153 / 188, 64 / 73, 11), "ur": (168 / 196, 68 / 77, 7),
                  "pa": (155 / 196, 66 / 76, 5)}
#: The fiftieth (session 29, Polish only, with the other50 set) judged L78 (Polish's topic model
#: keeps weights from 0.05), which shipped. These floors are its figures, the same as the
#: shipped state's first sight on this set.
BLIND50_FLOORS = {"pl": (145 / 187, 55 / 70, 8)}
#: The fifty-first (session 30, with the other51 sets) judged L79 (Urdu's and Punjabi's crisis
#: models learn round 51's crises aimed at their cross-validated misses), which shipped in
#: neither. These floors are the shipped state's first sight on this set.
BLIND51_FLOORS = {"pl": (153 / 191, 59 / 75, 8), "ur": (169 / 199, 70 / 79, 7),
                  "pa": (168 / 196, 71 / 76, 5)}
#: The fifty-second (session 30, with the other52 sets) judged L81 (Urdu's and Punjabi's crisis
#: models learn round 51's calm look-alikes, sure from 0.55), which shipped in both; Polish's
#: L80 failed a guard test. Polish's floors are the shipped state's first sight (155/198, 67/78,
#: 13), Urdu's and Punjabi's L81's (first sight: Urdu 164/195, 68/75, 6; Punjabi 174/198, 70/78,
#: 3). L81's older sets together caught more crises (Urdu 3,010 -> 3,022 with 311 -> 311 false,
#: Punjabi 2,878 -> 2,888 with 224 -> 235), so by its rule it moved these floors to its figures:
#: ur blind11: false 4 -> 5; ur blind13: false 3 -> 4; ur blind14: false 10 -> 12; ur blind2:
#: false 4 -> 5; ur blind25: false 9 -> 10; ur blind40: crises 67 -> 66; ur blind41: crises 69
#: -> 68; ur blind43: right 171 -> 170, crises 74 -> 73; ur blind47: right 169 -> 168; ur
#: blind49: false 6 -> 7; pa blind26: false 6 -> 7; pa blind28: false 12 -> 14; pa blind30:
#: crises 135 -> 134, false 11 -> 13; pa blind31: crises 132 -> 131; pa blind32: false 3 -> 4;
#: pa blind34: crises 69 -> 68; pa blind37: crises 65 -> 64; pa blind40: right 167 -> 165, false
#: 7 -> 9; pa blind51: right 170 -> 168, false 4 -> 5.
BLIND52_FLOORS = {"pl": (155 / 198, 67 / 78, 13), "ur": (165 / 195, 70 / 75, 7),
                  "pa": (175 / 198, 70 / 78, 2)}
#: The fifty-third (session 30, with the other53 sets) judged L83 (Punjabi's crisis model learns
#: round 53's calm look-alikes), which did not ship; Polish's L82 and Urdu's L83 failed guard
#: tests. These floors are the shipped state's first sight.
BLIND53_FLOORS = {"pl": (163 / 194, 61 / 76, 3), "ur": (169 / 199, 76 / 79, 12),
                  "pa": (155 / 197, 62 / 77, 4)}
#: The fifty-fourth (session 31, with the other54 sets) judged L85 (the topic models learn
#: rounds 51 and 53's calm messages), which did not ship; every L84 model (concept features)
#: failed a guard test. These floors are the shipped state's first sight.
BLIND54_FLOORS = {"pl": (149 / 193, 62 / 74, 5), "ur": (162 / 195, 67 / 77, 6),
                  "pa": (145 / 195, 65 / 75, 9)}
#: The fifty-fifth (session 31, with the other55 sets) judged L86 (Urdu's and Punjabi's crisis
#: models read each sentence too), which did not ship. These floors are the shipped state's
#: first sight.
BLIND55_FLOORS = {"pl": (158 / 190, 65 / 73, 10), "ur": (162 / 199, 71 / 79, 10),
                  "pa": (157 / 198, 68 / 78, 6)}
#: The fifty-sixth (session 32, with the other56 sets) judged L87 (Punjabi's crisis model with
#: naive Bayes-scaled features), which did not ship; Polish's and Urdu's L87 failed guard
#: tests. These floors are the shipped state's first sight.
BLIND56_FLOORS = {"pl": (166 / 196, 69 / 76, 7), "ur": (161 / 195, 69 / 75, 8),
                  "pa": (160 / 197, 68 / 77, 5)}
#: The fifty-seventh (session 32, with the other57 sets) judged L88 (the topic models scale their
#: features by naive Bayes ratios), which shipped: these floors are L88's figures (the shipped
#: state's first sight read 153, 164 and 176 right). L88 moved these floors of older sets (right
#: answers; crises and false crises were the same on every set): pl blind33 149 -> 148, blind51
#: 154 -> 153, blind53 164 -> 163; ur blind2 57 -> 56; pa blind42 166 -> 164, blind43 166 ->
#: 163, blind44 152 -> 151.
BLIND57_FLOORS = {"pl": (150 / 193, 62 / 73, 7), "ur": (168 / 197, 66 / 77, 5),
                  "pa": (170 / 197, 70 / 77, 1)}
#: The fifty-eighth (session 32, with the other58 sets) judged L89 (the crisis models are the mean
#: of a plain and a naive Bayes-scaled fit), which shipped for Punjabi (Polish's and Urdu's failed
#: guard tests): Polish and Urdu floors are the shipped state's first sight, Punjabi's L89's (the
#: shipped state read 160 right, 67/75 crises, 5 false). L89 gained 16 older Punjabi crises for
#: 58 fewer false ones, so by its rule it moved these older Punjabi floors: blind19 crises 147 ->
#: 145, blind24 140 -> 138, blind36 65 -> 64, blind43 73 -> 72, blind44 right 151 -> 150 and
#: false 4 -> 5, blind51 crises 72 -> 71, blind54 66 -> 65.
BLIND58_FLOORS = {"pl": (148 / 187, 56 / 68, 11), "ur": (167 / 192, 62 / 72, 3),
                  "pa": (162 / 195, 68 / 75, 5)}
#: The fifty-ninth (session 33, with the other59 sets) judged L90 (Polish's and Urdu's crisis
#: models mix a plain and a naive Bayes-scaled fit with a small scaled share), which shipped for
#: Urdu, and L91 (the topic models' ratios smoothed add-2), which shipped for Polish and Urdu
#: (Punjabi's failed a guard test). The shipped state's first sight read Polish 168/194 right,
#: 63/75 crises, 9 false; Urdu 174/194, 69/74, 5; Punjabi 169/197, 68/77, 2. Polish's floors are
#: L91's, Urdu's L90 and L91 together's, Punjabi's the first sight. L90 gained 32 older Urdu
#: crises for 20 fewer false ones, so by its rule it moved these Urdu floors (false crises):
#: blind10 2 -> 3, blind11 5 -> 6, blind23 16 -> 18. L91 moved Polish's blind50 (right) 148 ->
#: 146.
BLIND59_FLOORS = {"pl": (167 / 194, 63 / 75, 9), "ur": (174 / 194, 69 / 74, 4),
                  "pa": (169 / 197, 68 / 77, 2)}
#: The sixtieth (session 33, with the other60 sets) judged L94 (the topic models regularised at
#: C = 25), which shipped for Polish and Urdu (Punjabi's score fell). The shipped state's first
#: sight read Polish 150/195 right, 64/75 crises, 12 false; Urdu 165/193, 63/73, 4; Punjabi
#: 161/198, 65/78, 3. Polish's and Urdu's floors are L94's (crises and false crises as before).
BLIND60_FLOORS = {"pl": (151 / 195, 64 / 75, 12), "ur": (165 / 193, 63 / 73, 4),
                  "pa": (161 / 198, 65 / 78, 3)}
#: The sixty-first (session 33, with the other61 sets) judged L96 (the topic models at C =
#: 12.5), which shipped for Polish alone (Urdu's and Punjabi's scores fell), and L97 (Polish's
#: crisis model at C = 32), which did not ship (older sets lost 7 crises for 15 more false
#: ones). The shipped state's first sight read Polish 146/191 right, 56/72 crises, 9 false;
#: Urdu 165/194, 66/74, 4; Punjabi 163/196, 71/79, 2. Polish's floors are L96's. L96 moved
#: Polish's blind50 (right) 146 -> 145 and blind57 152 -> 150.
BLIND61_FLOORS = {"pl": (149 / 191, 56 / 72, 9), "ur": (165 / 194, 66 / 74, 4),
                  "pa": (163 / 196, 71 / 79, 2)}
#: The sixty-second (session 34, with the other62 sets) judged L99 (Polish's crisis model
#: learning every training file), which did not ship: it caught 66 against 63 of 73 fresh
#: crises with 7 against 11 false, but fewer real Polish crises (13 against 15 of 27). The
#: floors are the shipped state's first sight.
BLIND62_FLOORS = {"pl": (161 / 192, 63 / 73, 9), "ur": (158 / 199, 69 / 79, 5),
                  "pa": (163 / 197, 66 / 78, 3)}
#: Every blind set's floors by folder ("blind", "blind2", ...), gathered from the constants
#: above in the order they are written, so that a new set needs its constant alone.
_BLIND_FLOORS = {f"blind{match[1]}": floors for name, floors in list(globals().items())
                 if (match := re.fullmatch(r"BLIND(\d*)_FLOORS", name))}


@pytest.mark.parametrize(("folder", "lang"), [(folder, lang) for folder, floors in
                                             _BLIND_FLOORS.items() for lang in sorted(floors)])
def test_blind_language_sets_do_not_drop(responder: Responder, folder: str, lang: str) -> None:
    cases = load_cases(ROOT / "tests" / "data" / "lang" / folder / f"{lang}.yaml")
    report = evaluate(cases, lambda q: responder.answer(q).to_json())
    accuracy, recall, false = _BLIND_FLOORS[folder][lang]
    assert report.accuracy >= accuracy
    assert report.crisis_recall >= recall
    assert report.false_crises <= false


#: Floors on the sets that ask about the bot's other pages (tests/data/lang/other*/: scams,
#: online abuse, fly-tipping, noise, missing people, fire safety, young people, the council;
#: written by helpers that never saw the bot, frozen unread): (right, most false crises), as
#: counts. other32's first sight (session 25, the shipped state before L52): Polish 32/79,
#: Urdu 32/80, Punjabi 34/79; L52, which shipped, read 62, 58 and 60. other33's first sight
#: (L52): 58/76, 58/79, 65/80; L53, which shipped, read 62, 62 and 69. other34's first sight
#: (L53): 66/77, 68/78, 66/80. other35's first sight (L54): 63/76, 66/78, 61/79. These
#: floors are the shipped state's figures: L54 (Polish and Punjabi) moved Polish's other32
#: 68 -> 66 and other33 62 -> 61; L55 (Urdu) moved Urdu's other32 61 -> 60 and other34 68 -> 67.
#: other36's first sight (the shipped state, session 26): 59/76, 63/79, 62/79. L57 (session
#: 26, Polish and Punjabi; its main pages gained 66 and 46 right answers) moved Polish's
#: other32 66 -> 65, other33 61 -> 59 and other35 63 -> 61, and Punjabi's other32 65 -> 64,
#: other34 65 -> 64, other35 61 -> 60 and other36 62 -> 61. other37's first sight (the
#: shipped state): 57/77, 57/77, 60/77; L59 (session 26, all three languages) read 60, 57 and
#: 60, and moved Punjabi's other33 69 -> 68. other38's first sight (L59): 66/79, 57/75,
#: 66/77; L61 read 66, 61 and 66. other39's first sight (the shipped state, session 27):
#: 64/73, 62/79, 64/77; L62 (Urdu and Punjabi) read 61 and 61. other40's first sight (the
#: shipped state after L62): 65/77, 63/78, 66/78. other41's first sight (the same state):
#: 67/79, 63/75, 63/80; L65 (Polish and Urdu) read 67 and 65. other42's first sight (after
#: L65): 57/75, 60/76, 67/77; L66 (Polish) read 56. other43's first sight (after L66): 63/75,
#: 63/76, 65/78; L67 (Punjabi) read 66. other44's first sight (after L67): 58/75, 66/77,
#: 68/78; L68 (Polish and Punjabi) read 60 and 68, and moved Polish's other41 67 -> 66 and
#: Punjabi's other43 66 -> 65. other45's first sight (after L68): 60/72, 63/77, 64/75; L69
#: (Polish and Punjabi) read 60 and 64. other46's first sight (after L69; Polish and Punjabi
#: only): 61/71, 60/75. other47's first sight (session 29): 62/77, 63/76, 63/75; L73 and L74
#: (Urdu) read 63 and 63. other48's first sight (Polish and Punjabi only): 59/78, 58/75; L75
#: read 60 and 57. other49's first sight (session 29): 64/72, 68/80, 64/77; L77 (Polish and
#: Urdu) read 64 and 67. other50's first sight (Polish only): 57/68; L78 read 57. other51's
#: first sight (session 30): 59/75, 60/76, 60/74; L79 (Urdu and Punjabi) read 61 and 60.
#: other52's first sight (session 30): 67/77, 72/79, 61/73; L81 (Urdu and Punjabi, shipped) read
#: 72 and 60, and moved these floors: ur other32: false 7 -> 8; ur other36: false 3 -> 4; ur
#: other38: false 4 -> 5; ur other41: right 65 -> 64, false 6 -> 7; ur other42: right 60 -> 57,
#: false 5 -> 8; ur other47: right 63 -> 62, false 2 -> 3; ur other49: right 68 -> 67, false 3
#: -> 4; pa other33: false 2 -> 4; pa other34: false 2 -> 3; pa other36: false 3 -> 4; pa
#: other41: right 63 -> 62, false 6 -> 7; pa other45: right 64 -> 63, false 1 -> 2; pa other46:
#: right 60 -> 59, false 5 -> 6; pa other49: false 2 -> 3; pa other51: right 60 -> 59, false 2
#: -> 3.
#: other53's first sight (session 30): 62/71, 67/78, 64/77; L83 (Punjabi) read 64.
#: other54's first sight (session 31): 55/72, 65/76, 67/77; L85 read 55, 64 and 67.
#: other55's first sight (session 31): 59/75, 65/77, 65/78; L86 (Urdu, Punjabi) read 65 and 68.
#: other56's first sight (session 32): 60/69, 69/78, 66/78; L87 (Punjabi) read 65.
#: other57's first sight (session 32): 61/71, 68/76, 61/77; L88 (shipped) read 60, 68 and 64,
#: and moved these (right answers): pl other49 64 -> 63, other52 67 -> 66, other53 62 -> 61; ur
#: other38 61 -> 60, other41 64 -> 63, other44 66 -> 64, other47 62 -> 61, other54 65 -> 63,
#: other56 69 -> 68; pa other48 58 -> 57, other52 60 -> 58.
#: other58's first sight (session 32): 64/73, 64/75, 64/77; L89 (Punjabi, shipped) read 64, and
#: moved these Punjabi false-crisis floors: other37 1 -> 2, other43 1 -> 3, other44 2 -> 3,
#: other55 3 -> 4.
#: other59's first sight (session 33): 68/75, 65/77, 66/77; L91 (Polish and Urdu, shipped) read
#: 69 and 66 (with L90, Urdu), and with L90 moved these: pl other49 right 63 -> 62; ur other43
#: false 2 -> 3, other49 right 67 -> 66, other56 false 2 -> 3.
#: other60's first sight (session 33): 70/77, 71/77, 67/77; L94 (Polish and Urdu, shipped) read
#: 70 and 72, and moved ur other59 right 66 -> 65; Urdu's new model also reads Shahmukhi
#: Punjabi, and moved pa other43 right 65 -> 64 (crises and false crises as before).
#: other61's first sight (session 33): 60/66, 66/77, 67/75; L96 (Polish, shipped) read 60.
#: other62's first sight (session 34): 69/72, 63/76, 63/73.
OTHER_FLOORS = {("other32", "pl"): (65, 1), ("other32", "ur"): (60, 8),
                ("other32", "pa"): (64, 5), ("other33", "pl"): (59, 3),
                ("other33", "ur"): (62, 5), ("other33", "pa"): (68, 4),
                ("other34", "pl"): (68, 1), ("other34", "ur"): (67, 2),
                ("other34", "pa"): (64, 3), ("other35", "pl"): (61, 3),
                ("other35", "ur"): (66, 0), ("other35", "pa"): (60, 2),
                ("other36", "pl"): (59, 2), ("other36", "ur"): (63, 4),
                ("other36", "pa"): (61, 4), ("other37", "pl"): (60, 1),
                ("other37", "ur"): (57, 6), ("other37", "pa"): (60, 2),
                ("other38", "pl"): (66, 3), ("other38", "ur"): (60, 5),
                ("other38", "pa"): (66, 1), ("other39", "pl"): (64, 1),
                ("other39", "ur"): (61, 6), ("other39", "pa"): (61, 4),
                ("other40", "pl"): (65, 3), ("other40", "ur"): (63, 2),
                ("other40", "pa"): (66, 1), ("other41", "pl"): (66, 2),
                ("other41", "ur"): (63, 7), ("other41", "pa"): (62, 7),
                ("other42", "pl"): (56, 3), ("other42", "ur"): (57, 8),
                ("other42", "pa"): (67, 2), ("other43", "pl"): (63, 1),
                ("other43", "ur"): (63, 3), ("other43", "pa"): (64, 3),
                ("other44", "pl"): (60, 3), ("other44", "ur"): (64, 6),
                ("other44", "pa"): (68, 3), ("other45", "pl"): (60, 1),
                ("other45", "ur"): (63, 4), ("other45", "pa"): (63, 2),
                ("other46", "pl"): (61, 3), ("other46", "pa"): (59, 6),
                ("other47", "pl"): (62, 3), ("other47", "ur"): (61, 3),
                ("other47", "pa"): (63, 1), ("other48", "pl"): (59, 7),
                ("other48", "pa"): (57, 4), ("other49", "pl"): (62, 3),
                ("other49", "ur"): (66, 4), ("other49", "pa"): (64, 3),
                ("other50", "pl"): (57, 2), ("other51", "pl"): (59, 4),
                ("other51", "ur"): (60, 4), ("other51", "pa"): (59, 3),
                ("other52", "pl"): (66, 1), ("other52", "ur"): (72, 0),
                ("other52", "pa"): (58, 3), ("other53", "pl"): (61, 3),
                ("other53", "ur"): (67, 5), ("other53", "pa"): (64, 6),
                ("other54", "pl"): (55, 6), ("other54", "ur"): (63, 7),
                ("other54", "pa"): (67, 3), ("other55", "pl"): (59, 2),
                ("other55", "ur"): (65, 1), ("other55", "pa"): (65, 4),
                ("other56", "pl"): (60, 3), ("other56", "ur"): (68, 3),
                ("other56", "pa"): (66, 2), ("other57", "pl"): (60, 1),
                ("other57", "ur"): (68, 2), ("other57", "pa"): (64, 6),
                ("other58", "pl"): (64, 2), ("other58", "ur"): (64, 4),
                ("other58", "pa"): (64, 3), ("other59", "pl"): (69, 2),
                ("other59", "ur"): (65, 5), ("other59", "pa"): (66, 4),
                ("other60", "pl"): (70, 3), ("other60", "ur"): (72, 0),
                ("other60", "pa"): (67, 3), ("other61", "pl"): (60, 1),
                ("other61", "ur"): (66, 6), ("other61", "pa"): (67, 1),
                ("other62", "pl"): (69, 2), ("other62", "ur"): (63, 4),
                ("other62", "pa"): (63, 4)}


@pytest.mark.parametrize(("folder", "lang"), sorted(OTHER_FLOORS))
def test_other_page_language_sets_do_not_drop(responder: Responder, folder: str,
                                               lang: str) -> None:
    cases = load_cases(ROOT / "tests" / "data" / "lang" / folder / f"{lang}.yaml")
    report = evaluate(cases, lambda q: responder.answer(q).to_json())
    right, false = OTHER_FLOORS[(folder, lang)]
    assert sum(o.passed for o in report.outcomes) >= right
    assert report.false_crises <= false


#: Floors on the real language sets (tests/data/lang/real*/: words Polish, Urdu and Punjabi
#: speakers wrote on public pages, frozen unread, never tuned on): (right, crises flagged,
#: most false crises, declined), as counts. Set on 2026-12-06 (session 16) from the shipped
#: state, whose figures each was first read at or above (README, "Real Polish words" and
#: "Real Urdu and Punjabi words"); they are far below the goals, and guard against a drop.
#: L52 (session 25) moved real Punjabi's right answers 5 -> 4; L54 read 5 again, and L59
#: (session 26) 4.
REAL_FLOORS = {
    ("real", "pl"): (28, 8, 13, 5), ("real2", "pl"): (7, 0, 0, 2), ("real3", "pl"): (17, 7, 3, 4),
    ("real", "ur"): (21, 5, 4, 0), ("real2", "ur"): (9, 1, 6, 2),
    ("real", "pa"): (4, 0, 3, 0), ("real2", "pa"): (0, 0, 1, 0),
}


@pytest.mark.parametrize(("folder", "lang"), sorted(REAL_FLOORS))
def test_real_language_sets_do_not_drop(responder: Responder, folder: str, lang: str) -> None:
    cases = load_cases(ROOT / "tests" / "data" / "lang" / folder / f"{lang}.yaml")
    report = evaluate(cases, lambda q: responder.answer(q).to_json())
    right, flagged, false, declined = REAL_FLOORS[(folder, lang)]
    assert sum(o.passed for o in report.outcomes) >= right
    assert sum(bool(o.reply["crisis"]) for o in report.outcomes if o.case.crisis) >= flagged
    assert report.false_crises <= false
    assert report.out_of_scope[0] >= declined


def test_no_blind_or_real_language_item_is_in_the_language_training_files() -> None:
    # The judges of every language candidate stay unseen: not one of their messages may be
    # among the messages the language models and rules are written from.
    from bench.rounds import language_texts

    def key(text: object) -> str:
        return " ".join(str(text).lower().split())

    training = {key(text) for _, _, text in language_texts()}
    lang = ROOT / "tests" / "data" / "lang"
    for path in [*sorted(lang.glob("blind*/*.yaml")), *sorted(lang.glob("other*/*.yaml")),
                 *sorted(lang.glob("real*/*.yaml"))]:
        judged = {key(item["q"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))}
        assert not judged & training, path
