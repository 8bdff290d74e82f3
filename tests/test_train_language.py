"""bench.train_language learns language detection's word lists from training messages."""

from __future__ import annotations

from bench.train_language import learn, render


def _lists() -> dict[str, frozenset[str]]:
    english = ["where do I report a broken window", "my neighbour is shouting again"]
    polish = ["probuja nas zabic", "ktos nas goni", "nas chca okrasc", "grill w ogrodzie",
              "grill sasiada dymi", "grill pali sie"]
    urdu = ["mujhe ghar jana hai", "ghar mein aag", "ghar se bahar"]
    punjabi = ["mainu ghar jana", "ghar vich aag", "ghar ton bahar", "vich koi aa", "koi vich"]
    return learn(english, {"pl": polish, "ur": urdu, "pa": punjabi},
                 vocabulary=frozenset({"grill", "window"}))


def test_a_word_frequent_in_one_language_and_never_english_is_learnt() -> None:
    lists = _lists()
    assert "nas" in lists["polish"]  # in three Polish messages, no English one
    assert "vich" in lists["roman_punjabi"]  # Punjabi uses it, Urdu never


def test_english_words_and_rare_words_are_left_out() -> None:
    lists = _lists()
    everything = frozenset().union(*lists.values())
    assert "grill" not in everything  # an English word residents borrow
    assert "okrasc" not in everything  # in one message only
    assert "my" not in everything


def test_a_word_both_urdu_and_punjabi_use_is_shared() -> None:
    lists = _lists()
    assert "ghar" in lists["roman_shared"]
    assert "ghar" not in lists["roman_urdu"] | lists["roman_punjabi"]


def test_the_generated_module_defines_every_list() -> None:
    namespace: dict[str, object] = {}
    exec(render(_lists()), namespace)  # noqa: S102 - our own generated source
    for name in ("POLISH", "ROMAN_URDU", "ROMAN_PUNJABI", "ROMAN_SHARED", "SHAHMUKHI", "URDU"):
        assert isinstance(namespace[name], frozenset)
    assert "nas" in namespace["POLISH"]  # type: ignore[operator]


def test_the_shipped_lists_are_the_ones_the_training_messages_give() -> None:
    """Adding training messages without ``python -m bench.train_language`` leaves the
    shipped lists stale: this says so."""
    from bench.train_language import LANGS, english_texts, language_texts
    from bot.answering import language_words as shipped

    lists = learn(english_texts(), {lang: language_texts(lang) for lang in LANGS})
    for name, words in lists.items():
        assert getattr(shipped, name.upper()) == words, name
