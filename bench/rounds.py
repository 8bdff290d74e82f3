"""The chores of a collection round, as ``tests/data/corpus/README.md`` ("Extending it") does them.

    python -m bench.rounds freeze 24        # test24_raw/*.yaml -> test24.yaml
    python -m bench.rounds clean raw/train_round24_crisis.yaml ...
    python -m bench.rounds dump > before.txt  # after a change: > after.txt; diff the two
    python -m bench.rounds dump-languages > before.txt

* ``freeze N`` assembles a new frozen test part from the helpers' files in ``testN_raw/``:
  every item once, less those whose words are already anywhere in the corpus (a frozen part,
  the training split, ``raw/``, ``pending/``, ``written/``) or the development sets, under a
  header saying so. It refuses to overwrite a part that exists: a frozen part never changes.
* ``clean FILE...`` drops from a round's training files every item whose words or page are
  in a frozen part, or whose words are elsewhere in the corpus: the test parts win, so a
  page never teaches the model what it is then judged on. The file's opening comments stay.
  Run it before ``bench.split_corpus`` folds the file into ``train.yaml`` (afterwards every
  item would be "elsewhere in the corpus").
* ``dump`` prints what the shipped bot answers (crisis kind and level, topic) to every
  training-side text: the training split, ``written/``, ``raw/`` and ``pending/`` (less the
  files named on the command line with ``--leave-out``, e.g. a round not yet first-sighted),
  the held-out and development sets and the everyday messages. Never a frozen test part, a
  blind or a real language set. Diffing two dumps shows what a rule or wording change did on
  the words it may be tuned on, before the guard reads the frozen parts.
* ``dump-languages`` does the same for the Polish, Urdu and Punjabi training messages
  (``tests/data/lang/train/`` and ``pending/``): the crisis each raises in its language.

Matching is on the words, case and spacing aside (:func:`bench.split_corpus._key`); pages
are compared without scheme, ``www.`` or ``m.``, and trailing slash.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bench.common import DATA, DEV_QUESTIONS, HELDOUT, HELDOUT_EVAL, KNOWLEDGE, TUNING
from bench.split_corpus import CORPUS, _key

if TYPE_CHECKING:
    from bot.answering.crisis import Crisis

#: Sets tuned on long ago, read by ``dump`` and checked by ``freeze`` for repeats.
DEVELOPMENT = (HELDOUT_EVAL, DEV_QUESTIONS)
EVERYDAY = (DATA / "everyday_messages.txt", DATA / "everyday_crises.txt", HELDOUT, TUNING)


def _items(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else (data or {}).get("questions") or []
    return [{**item, "q": _text(item)} for item in items
            if isinstance(item, dict) and _text(item)]


def _text(item: dict[str, Any]) -> str:
    return str(item.get("q") or item.get("question") or item.get("text") or "")


def page(url: object) -> str:
    """A page's address without scheme, ``www.``/``m.`` and trailing slash."""
    return re.sub(r"^https?://(?:www\.|m\.)?", "", str(url or "")).rstrip("/")


def test_parts(corpus: Path = CORPUS) -> list[Path]:
    return sorted(corpus.glob("test*.yaml"))


def corpus_files(corpus: Path = CORPUS, leave_out: Iterable[str] = ()) -> list[Path]:
    """Every training-side corpus file (no frozen part), less the names in ``leave_out``."""
    skip = set(leave_out)
    found = [corpus / "train.yaml", *sorted((corpus / "raw").glob("*.yaml")),
             *sorted((corpus / "pending").glob("*.yaml")),
             *sorted((corpus / "written").glob("*.yaml"))]
    return [path for path in found if path.is_file() and path.name not in skip]


def freeze(number: str, corpus: Path = CORPUS,
           development: Iterable[Path] = DEVELOPMENT) -> tuple[Path, list[dict[str, Any]], int]:
    """Write ``test<number>.yaml`` from ``test<number>_raw/``; (path, items kept, dropped)."""
    raw = corpus / f"test{number}_raw"
    out = corpus / f"test{number}.yaml"
    if out.exists():
        raise FileExistsError(f"{out.name} exists: a frozen part is never rewritten")
    files = sorted(raw.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"{raw}: no helper files to freeze")
    known = {_key(item) for path in [*test_parts(corpus), *corpus_files(corpus),
                                     *(p for p in development if p.is_file())]
             for item in _items(path)}
    kept: list[dict[str, Any]] = []
    dropped = 0
    for path in files:
        for item in _items(path):
            if _key(item) in known:
                dropped += 1
                continue
            known.add(_key(item))
            kept.append(item)
    header = (f"# Round {number}: a frozen test part (tests/data/corpus/README.md, \"Round "
              f"{number}\"), assembled by\n# `python -m bench.rounds freeze {number}` from "
              f"{raw.name}/ ({', '.join(p.name for p in files)}), less {dropped} item(s)\n"
              "# whose words are already in the corpus or the development sets. Committed "
              "before anything read it;\n# never tuned on, never edited to move a figure.\n")
    out.write_text(header + yaml.safe_dump(kept, allow_unicode=True, sort_keys=False,
                                           width=100), encoding="utf-8")
    return out, kept, dropped


def clean(path: Path, corpus: Path = CORPUS) -> tuple[int, int]:
    """Drop ``path``'s items already in a frozen part (words or page) or elsewhere in the
    corpus (words); (kept, dropped). The file's opening ``#`` lines stay, with a note."""
    words: set[str] = set()
    pages: set[str] = set()
    for part in test_parts(corpus):
        for item in _items(part):
            words.add(_key(item))
            pages.add(page(item.get("source")))
    for other in corpus_files(corpus, leave_out=[path.name]):
        words.update(_key(item) for item in _items(other))
    pages.discard("")
    text = path.read_text(encoding="utf-8")
    head = "".join(line for line in _opening_comments(text))
    kept, dropped = [], 0
    for item in _items(path):
        if _key(item) in words or page(item.get("source")) in pages:
            dropped += 1
        else:
            kept.append(item)
    note = (f"# bench.rounds clean: {dropped} item(s) dropped whose words or page are in a "
            "frozen part or the corpus.\n")
    path.write_text(head + note + yaml.safe_dump(kept, allow_unicode=True, sort_keys=False,
                                                 width=100), encoding="utf-8")
    return len(kept), dropped


def _opening_comments(text: str) -> Iterator[str]:
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            return
        yield line


def training_texts(corpus: Path = CORPUS, leave_out: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(file name, text) of every training-side text ``dump`` reads, in a fixed order."""
    texts = [(path.name, item["q"]) for path in
             [*corpus_files(corpus, leave_out), *(p for p in DEVELOPMENT if p.is_file())]
             for item in _items(path)]
    for path in EVERYDAY:
        if path.is_file():
            texts += [(path.name, line.strip()) for line in
                      path.read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#")]
    return texts


def _said(crisis: Crisis | None) -> str:
    """A crisis as the dumps print it: kind/level, or "-"."""
    return f"{crisis.kind.value}/{crisis.level.value}" if crisis else "-"


def dump(leave_out: Iterable[str] = ()) -> Iterator[str]:
    """One tab-separated line per training-side text: file, crisis, topic, text."""
    from bot.answering.answer import Responder
    from bot.knowledge import load_knowledge

    responder = Responder(load_knowledge(KNOWLEDGE))
    for name, text in training_texts(leave_out=leave_out):
        reply = responder.answer(text)
        # A sure crisis is the reply's crisis; the middle tier its caution.
        yield f"{name}\t{_said(reply.crisis or reply.caution)}\t{reply.topic or '-'}\t" \
              f"{' '.join(text.split())}"


LANG = DATA / "lang"


def language_texts(lang_dir: Path = LANG) -> list[tuple[str, str, str]]:
    """(file under ``lang_dir``, language, text) of every language training message: only
    ``train/`` and ``pending/``, never a blind, real or frozen set."""
    out = []
    for path in [*sorted((lang_dir / "train").glob("*.yaml")),
                 *sorted((lang_dir / "pending").glob("*.yaml"))]:
        found = re.search(r"(?:^|_)(pl|ur|pa)\.yaml$", path.name)
        if found:
            name = path.relative_to(lang_dir).as_posix()
            out += [(name, found.group(1), item["q"]) for item in _items(path)]
    return out


def dump_languages() -> Iterator[str]:
    """One tab-separated line per language training message: file, crisis (kind/level, as
    ``dump`` gives it: a sure alarm turned into the emergency line on top shows), text."""
    from bot.answering import i18n

    for name, lang, text in language_texts():
        yield f"{name}\t{_said(i18n.detect_crisis(text, lang))}\t{' '.join(text.split())}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rounds", description=__doc__.split(
        "\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("freeze", help="assemble test<N>.yaml from test<N>_raw/").add_argument("N")
    cleaning = sub.add_parser("clean", help="drop training items a frozen part already holds")
    cleaning.add_argument("files", nargs="+", type=Path, metavar="FILE")
    dumping = sub.add_parser("dump", help="the shipped answers to every training-side text")
    dumping.add_argument("--leave-out", action="append", default=[], metavar="NAME",
                         help="a corpus file name to skip (a round not yet first-sighted)")
    sub.add_parser("dump-languages", help="the crisis each language training message raises")
    options = parser.parse_args(argv)
    try:
        if options.command == "freeze":
            out, kept, dropped = freeze(options.N)
            labels = Counter(str(item.get("label")) for item in kept)
            kinds = Counter(str(item.get("crisis")) for item in kept
                            if item.get("label") == "crisis")
            print(f"{out.name}: {len(kept)} items ({dict(labels)}; crises {dict(kinds)}), "
                  f"{dropped} dropped")
        elif options.command == "clean":
            for path in options.files:
                kept_n, dropped = clean(path.resolve())
                print(f"{path.name}: {kept_n} kept, {dropped} dropped")
        elif options.command == "dump":
            for line in dump(options.leave_out):
                print(line)
        else:
            for line in dump_languages():
                print(line)
    except (FileExistsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
