"""The faster crisis layer (issue 15) flags exactly what the one before it flagged.

``bench/crisis_before.py`` (with ``bench/crisis_model_before.py`` and ``bench/text_before.py``)
is the crisis layer as it was before the speed work, unchanged. Both judge every message we
hold: the corpus's training split (and its test split, for this identity check only), the
held-out sets, the development set where it exists, the Polish, Urdu and Punjabi training
messages and every title and question of the shipped knowledge base. A verdict is the same
when the kind, the rule, the level and the model's score (to 4 places) are all equal.
No timings: speed is ``make bench``'s business.

Two things changed on purpose since, and are left out here (each has tests of its own): the
shipped model's word-vector rows (``e:word``, session 8), which the code before never knew,
so both judge with the shipped model's n-gram and concept weights alone; and the rule that
the model alone makes no sure crisis of one or two words (``MODEL_SURE_MIN_WORDS``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from bench import crisis_before, crisis_model_before, equivalence
from bench.common import DATA
from bot.answering import crisis, crisis_model
from bot.knowledge import KnowledgeBase

Verdict = tuple[str, str, str, float] | None


def _messages(kb: KnowledgeBase) -> list[str]:
    out = [q for qs in equivalence.question_sets().values() for q in qs]
    for path in sorted((DATA / "lang" / "train").glob("*.yaml")):
        out += [str(item["q"]) for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    for topic in kb.topics.values():
        out += [topic.title, *topic.questions]
    return out


@pytest.fixture(scope="module")
def messages(kb: KnowledgeBase,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The messages, with both layers judging by the same model without word vectors."""
    shipped = crisis_model.shipped_model()
    assert shipped is not None
    path = tmp_path_factory.mktemp("model") / "ngrams.tsv"
    meta = {k: v for k, v in shipped.meta.items() if not k.startswith("vector")}
    crisis_model.CrisisModel(shipped.classes, shipped.intercepts,
                             {f: w for f, w in shipped.weights.items()
                              if not f.startswith(crisis_model.VECTOR_PREFIX)},
                             meta).save(path)
    old, new = crisis_model_before.CrisisModel.load(path), crisis_model.CrisisModel.load(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crisis_before, "shipped_model", lambda: old)
        patch.setattr(crisis_model_before, "shipped_model", lambda: old)
        patch.setattr(crisis, "shipped_model", lambda: new)
        patch.setattr(crisis_model, "shipped_model", lambda: new)
        patch.setattr(crisis, "MODEL_SURE_MIN_WORDS", 0)
        yield _messages(kb)


def _verdict(found: crisis.Crisis | crisis_before.Crisis | None) -> Verdict:
    if found is None:
        return None
    return (found.kind.value, found.rule, found.level.value, round(found.score, 4))


def _differences(messages: list[str], use_model: bool) -> list[tuple[str, Verdict, Verdict]]:
    out = []
    for text in messages:
        old = _verdict(crisis_before.detect_crisis(text, use_model=use_model))
        new = _verdict(crisis.detect_crisis(text, use_model=use_model))
        if old != new:
            out.append((text, old, new))
    return out


def test_every_message_gets_the_same_crisis_verdict_as_before(messages: list[str]) -> None:
    assert len(messages) > 3000
    assert _differences(messages, use_model=True) == []
    # Crises and non-crises both present, so the comparison covers every branch.
    verdicts = [crisis.detect_crisis(m) for m in messages]
    assert any(v is not None and v.rule == "model" for v in verdicts)
    assert any(v is not None and v.rule != "model" for v in verdicts)
    assert any(v is None for v in verdicts)


def test_rules_alone_give_the_same_verdict_as_before(messages: list[str]) -> None:
    assert _differences(messages, use_model=False) == []


def test_spelling_correction_and_info_questions_are_unchanged(messages: list[str]) -> None:
    for text in messages:
        fixed = crisis.corrected(text)
        assert fixed == crisis_before.corrected(text), text
        assert crisis.is_info_question(fixed) == crisis_before.is_info_question(fixed), text


def test_the_model_scores_every_message_exactly_as_before(messages: list[str]) -> None:
    old, new = crisis_model_before.shipped_model(), crisis_model.shipped_model()
    assert old is not None and new is not None
    for text in messages:
        fixed = crisis_before.corrected(text)
        assert crisis_model.features(fixed) == crisis_model_before.features(fixed), text
        # To the last bit, not only to 4 places: no threshold can tip either way.
        assert new.score(fixed).probabilities == old.score(fixed).probabilities, text


def test_the_rules_prefilter_never_skips_a_rule_that_matches(messages: list[str]) -> None:
    # Rule by rule, not only the first to fire: a message one rule's literals rule out is
    # never matched by that rule.
    needs = [crisis._literals(rule[1]) for rule in crisis._BY_PRIORITY]
    assert sum(n is not None for n in needs) >= len(needs) - 2  # it does filter
    matched = 0
    for text in messages:
        fixed = crisis.corrected(text)
        for (name, pattern, _kind, _strong), literals in zip(crisis._BY_PRIORITY, needs,
                                                             strict=True):
            if pattern.search(fixed):
                matched += 1
                assert literals is None or any(x in fixed for x in literals), (name, text)
    assert matched > 100
