"""Learn language detection's word lists from the training messages.

    python -m bench.train_language --check   # held-out halves: hand lists against learned
    python -m bench.train_language           # write bot/answering/language_words.py

The hand-written lists in :mod:`bot.answering.language` miss many messages typed without
Polish diacritics ("probuja nas zabic") or in Roman and Shahmukhi Punjabi ("ghar vich koi
ghus gaya"): 146 of 1,941 Polish training messages were taken for English, 184 of 1,966
Punjabi ones for Urdu and 121 for English. Such a message never reaches its language's
crisis rules or model.

A word joins a language's list when it is in at least :data:`MIN_MESSAGES` of that
language's training messages (``tests/data/lang/train/``) and in **none** of the English
training messages (the English corpus split, its written messages and the knowledge base's
example questions), nor, at four letters or more, in the English vocabulary of
``bench/data/word_vectors.npz`` (residents borrow "customer" and "volunteer"); and, for
Polish, none of the Urdu or Punjabi ones in English letters (and the reverse). Between Urdu
and Punjabi, a word decides only when one language uses it at least :data:`RATIO` times as
often (per message) as the other; a word both use is "shared".
Detection uses the learned lists only for messages of three words or more. Nothing here
reads a test set.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bot" / "answering" / "language_words.py"
MIN_MESSAGES = 3
RATIO = 4.0
LANGS = ("pl", "ur", "pa")


def _texts(path: Path) -> list[str]:
    return [str(item["q"]) for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


#: Training files the shipped lists were not learned from: relearned with native batches 11
#: and 12 (candidate L12, session 8), the lists and models together made Polish and Urdu
#: worse on the blind sets, so the lists stayed as they were while Punjabi's models took the
#: batches (L12b; tests/data/lang/README.md). The files stay in train/ for the models.
#: native_dev13_ (session 10, candidate L14) holds everyday Polish words for the models only;
#: native27 and native28 (rounds 27 and 28, session 19) were models-only candidates too, and
#: so was real20_pl (L37, session 21: the Polish crisis model learns its calm messages), and
#: native30 and native31 (rounds 30 and 31, session 22: topic training messages, for the
#: topic models only), and native32 and native33 (rounds 32 and 33, session 23: topic and
#: crisis training messages for candidates L45 and L46), and native34 (round 34, for L49),
#: and native35 and native36 (rounds 35 and 36, session 24, for L51 and L52), and native37
#: (round 37, session 25, for L53), and native38, native39 and native40 (rounds 38-40,
#: session 26, for L57, L59 and L61), and native41, native42 and native43 (rounds 41-43,
#: session 27, for L62, L65 and L66), and native44 to native47 (rounds 44-47, session 28,
#: for L67 to L70), and native48 (round 48, session 29, for L75), and native51 (round 51,
#: session 30, crisis messages for L79), and native53 (round 53, session 30, for L83).
LEAVE_OUT = ("native11_", "native12_", "native_dev13_", "native27", "native28", "real20_",
             "native30", "native31", "native32", "native33", "native34", "native35",
             "native36", "native37", "native38", "native39",
             "native40", "native41", "native42", "native43",
             "native44", "native45", "native46", "native47", "native48",
             "native51", "native53")
#: English training rounds the shipped lists were not learned from: round 17 (session 13)
#: joined the training split for the topic model (candidate T18); the lists were not
#: relearned, since that is a language candidate of its own ("app" in its words is no longer
#: a Roman Punjabi word, say), nor for round 19. Their questions are left out of
#: :func:`english_texts`.
ENGLISH_LEAVE_OUT = ("train_round17_", "train_round19_")


def language_texts(lang: str) -> list[str]:
    """Every training message in ``lang`` (written, topic, translated and native files),
    but the files in :data:`LEAVE_OUT`."""
    from bench.train_crisis import LANG_TRAIN

    paths = [LANG_TRAIN / f"{lang}.yaml", *sorted(LANG_TRAIN.glob(f"*_{lang}.yaml"))]
    return [t for path in paths if not path.name.startswith(LEAVE_OUT) for t in _texts(path)]


def english_texts() -> list[str]:
    """The English training split, the written training messages and the knowledge base's
    example questions: never a test part."""
    from bot.knowledge import load_knowledge

    corpus = ROOT / "tests" / "data" / "corpus"
    left_out = {text for path in sorted((corpus / "raw").glob("*.yaml"))
                if path.name.startswith(ENGLISH_LEAVE_OUT) for text in _texts(path)}
    out = [text for text in _texts(corpus / "train.yaml") if text not in left_out]
    for path in sorted((corpus / "written").glob("*.yaml")):
        out += _texts(path)
    kb = load_knowledge(ROOT / "knowledge")
    for topic in kb.topics.values():
        out += [str(q) for q in topic.questions]
    return out


def english_vocabulary() -> frozenset[str]:
    """The words of ``bench/data/word_vectors.npz`` (MiniLM's whole-word vocabulary and the
    English training words, see ``bench/embed_words.py``): mostly English, with some
    short foreign fragments, which is why only words of four letters or more are taken
    from it."""
    import numpy as np

    return frozenset(np.load(ROOT / "bench" / "data" / "word_vectors.npz")["words"].tolist())


def _script(text: str) -> str:
    from bot.answering import language

    if any(language._is_gurmukhi(ch) for ch in text):
        return "gurmukhi"
    if any(language._is_arabic(ch) for ch in text):
        return "arabic"
    return "latin"


def _words(text: str) -> set[str]:
    """The words as detection sees them (lower case, marks kept)."""
    from bot.answering import language

    return set(language._WORD.findall(text.lower()))


def _df(texts: Iterable[str]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        counts.update(_words(text))
        n += 1
    return counts, max(n, 1)


def learn(english: list[str], by_lang: dict[str, list[str]],
          vocabulary: frozenset[str] | None = None) -> dict[str, frozenset[str]]:
    """The learned lists: ``polish``, ``roman_urdu``, ``roman_punjabi``, ``roman_shared``,
    ``shahmukhi`` and ``urdu`` (Arabic script). ``vocabulary``: the English words to leave
    out (by default :func:`english_vocabulary`)."""
    en, _ = _df(english)
    latin = {lang: _df(t for t in by_lang[lang] if _script(t) == "latin") for lang in LANGS}
    arabic = {lang: _df(t for t in by_lang[lang] if _script(t) == "arabic")
              for lang in ("ur", "pa")}
    (pl, _), (ur, n_ur), (pa, n_pa) = latin["pl"], latin["ur"], latin["pa"]

    if vocabulary is None:
        vocabulary = english_vocabulary()

    def latin_word(w: str) -> bool:
        # An English word of four letters or more ("customer", "volunteer", "grill") is
        # left out even when the English messages lack it: residents borrow them.
        return (w.isascii() and w.isalpha() and en[w] == 0
                and not (len(w) >= 4 and w in vocabulary))

    polish = {w for w, c in pl.items() if c >= MIN_MESSAGES and latin_word(w)
              and ur[w] == 0 and pa[w] == 0}
    out: dict[str, frozenset[str]] = {"polish": frozenset(polish)}
    roman = {w for w in set(ur) | set(pa)
             if ur[w] + pa[w] >= MIN_MESSAGES and latin_word(w) and pl[w] == 0}
    out.update(_split(roman, ur, n_ur, pa, n_pa, "roman_urdu", "roman_punjabi",
                      "roman_shared"))
    (aur, n_aur), (apa, n_apa) = arabic["ur"], arabic["pa"]
    script = {w for w in set(aur) | set(apa) if aur[w] + apa[w] >= MIN_MESSAGES
              and not w.isascii()}
    split = _split(script, aur, n_aur, apa, n_apa, "urdu", "shahmukhi", "shared")
    out["urdu"], out["shahmukhi"] = split["urdu"], split["shahmukhi"]
    return out


def _split(words: set[str], a: Counter[str], n_a: int, b: Counter[str], n_b: int,
           name_a: str, name_b: str, shared: str) -> dict[str, frozenset[str]]:
    only_a, only_b, both = set(), set(), set()
    for w in words:
        rate_a, rate_b = a[w] / n_a, b[w] / n_b
        if rate_a >= RATIO * rate_b and a[w] >= MIN_MESSAGES:
            only_a.add(w)
        elif rate_b >= RATIO * rate_a and b[w] >= MIN_MESSAGES:
            only_b.add(w)
        else:
            both.add(w)
    return {name_a: frozenset(only_a), name_b: frozenset(only_b), shared: frozenset(both)}


def render(lists: dict[str, frozenset[str]]) -> str:
    lines = ['"""Word lists for :mod:`bot.answering.language`, learned from the training messages.',
             "",
             "Generated by ``python -m bench.train_language``: do not edit by hand (add words to",
             'the hand-written lists in ``language.py`` instead)."""', ""]
    for name in ("polish", "roman_urdu", "roman_punjabi", "roman_shared", "shahmukhi", "urdu"):
        words = sorted(lists[name])
        lines.append(f"{name.upper()} = frozenset(\"\"\"")
        line = ""
        for w in words:
            if len(line) + len(w) + 1 > 90:
                lines.append(line.rstrip())
                line = ""
            line += w + " "
        if line:
            lines.append(line.rstrip())
        lines.append('""".split())')
    return "\n".join(lines) + "\n"


def _half(text: str) -> int:
    return zlib.crc32(text.encode()) % 2


def check() -> None:
    """Learn from one half of every language's messages (by a hash of the text), detect the
    other half with the hand lists alone and with the learned lists added."""
    from bot.answering import language

    english = english_texts()
    by_lang = {lang: language_texts(lang) for lang in LANGS}
    learned = learn([t for t in english if _half(t) == 0],
                    {lang: [t for t in texts if _half(t) == 0] for lang, texts in by_lang.items()})
    held = {"en": [t for t in english if _half(t) == 1],
            **{lang: [t for t in texts if _half(t) == 1] for lang, texts in by_lang.items()}}
    for label, lists in (("hand lists", None), ("with learned lists", learned)):
        language.use_learned(lists)
        parts = []
        for lang, texts in held.items():
            found = Counter(language.detect_language(t) for t in texts)
            parts.append(f"{lang} {found[lang]}/{len(texts)}"
                         + "".join(f" ({k} {v})" for k, v in found.most_common() if k != lang))
        print(f"{label}: " + "; ".join(parts))
    language.use_learned(None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="held-out halves only; write nothing")
    options = parser.parse_args(argv)
    if options.check:
        check()
        return 0
    lists = learn(english_texts(), {lang: language_texts(lang) for lang in LANGS})
    OUT.write_text(render(lists), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: " + ", ".join(
        f"{name} {len(words)}" for name, words in lists.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
