"""Normalisation: residents' spellings and abbreviations meet the knowledge base's."""

from bot.answering.text import content_tokens, normalise, scrub, stem


def test_case_and_punctuation_fold() -> None:
    assert normalise("Where do I REPORT it?!...") == "where do i report it"


def test_american_spelling_becomes_british() -> None:
    assert normalise("neighbor behavior") == "neighbour behaviour"


def test_abbreviations_expand() -> None:
    assert normalise("ASB") == "anti social behaviour"
    assert normalise("DA support") == "domestic abuse support"
    assert normalise("VAWG") == "violence against women and girls"
    assert normalise("LGBTQ+ help") == "lgbt help"


def test_hyphenated_and_joined_forms_meet() -> None:
    assert normalise("anti-social") == normalise("antisocial") == "anti social"
    assert normalise("fly-tipping") == normalise("flytipping") == "fly tipping"


def test_contractions_and_text_speak() -> None:
    assert normalise("I'm scared, he's outside") == "i am scared he is outside"
    assert normalise("can u help me pls") == "can you help me please"


def test_thousands_commas_vanish_so_figures_compare() -> None:
    assert normalise("2,130 incidents") == "2130 incidents"


def test_curly_apostrophes() -> None:
    assert normalise("I\u2019m") == "i am"


def test_stem_is_consistent_across_forms() -> None:
    assert len({stem(w) for w in ["abuse", "abused", "abuses", "abusing"]}) == 1
    assert len({stem(w) for w in ["report", "reported", "reporting", "reports"]}) == 1
    assert stem("hitting") == stem("hit")


def test_content_tokens_drop_filler_but_keep_intent() -> None:
    toks = content_tokens(normalise("how many ASB incidents were there"))
    assert "many" in toks and "there" not in toks


def test_scrub_drops_numbers_people_could_be_found_by() -> None:
    kept = scrub(normalise("Ring me on 07700 900123 at 12 High St, DE14 2EB"))
    assert kept == "ring me on # # at # high st # #"
