"""``csp-bot consult results ID`` and ``csp-bot unanswered --by-priority``.

A plugin of :mod:`bot.cli` (registered like :mod:`bot.cli.partners`): :func:`add_commands`
adds ``consult`` and gives the existing ``unanswered`` command its ``--by-priority`` flag.
The database, the knowledge base and matplotlib are imported only when a command runs, so
``csp-bot ask`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

FORMATS = ("text", "md", "html", "csv")


def add_commands(sub: Any) -> None:
    """Add ``consult results`` and ``unanswered --by-priority`` to ``csp-bot``."""
    p = sub.add_parser("consult", help="residents' consultations")
    actions = p.add_subparsers(dest="consult_command", required=True, metavar="ACTION")
    r = actions.add_parser("results", help="counts, shares and charts of a consultation, "
                           "wards with too few answers folded into other areas")
    r.add_argument("id", type=int, help="consultation id (as /results shows)")
    r.add_argument("--format", choices=FORMATS, default="text",
                   help="text, md (Markdown), html (a page with charts) or csv")
    r.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    r.set_defaults(func=cmd_results)

    unanswered = sub.choices.get("unanswered")
    if unanswered is not None:
        plain = unanswered.get_default("func")
        unanswered.add_argument("--by-priority", action="store_true",
                                help="group the questions by the plan priority their "
                                "words are closest to")
        unanswered.add_argument("--kb", metavar="DIR", help="knowledge directory "
                                "(default: the configured one)")

        def dispatch(args: argparse.Namespace, out: TextIO) -> int:
            if args.by_priority:
                return cmd_unanswered_by_priority(args, out)
            return int(plain(args, out))

        unanswered.set_defaults(func=dispatch)


def cmd_results(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.common import load_settings, require_database
    from bot.consult import results
    from bot.errors import StorageError
    from bot.storage import Storage

    config = load_settings(args.config)
    database = require_database(config)

    async def read() -> results.Results:
        async with Storage.open(database) as storage:
            return await results.results_for(storage, args.id,
                                             config.consult.min_ward_count)

    import asyncio  # lazily: `csp-bot ask` never needs it

    found = asyncio.run(read())
    rendered = results.render(found, args.format)
    if args.format == "text":
        from bot.cli.common import html_to_text

        rendered = html_to_text(rendered)
    if args.output:
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise StorageError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
        out.write(f"consultation {args.id} results ({args.format}) written to "
                  f"{args.output}: {found.total} answer(s)\n")
    else:
        out.write(rendered if rendered.endswith("\n") else rendered + "\n")
    return 0


async def read_unanswered(database: Path) -> list[dict[str, Any]]:
    from bot.storage import Storage

    async with Storage.open(database) as storage:
        return await storage.fetch_all(
            "SELECT normalised, count FROM unanswered ORDER BY count DESC, normalised")


def cmd_unanswered_by_priority(args: argparse.Namespace, out: TextIO) -> int:
    from bot.answering.matching import Matcher
    from bot.cli.common import load_settings, require_database
    from bot.config import kb_dir
    from bot.consult.unanswered import format_groups, group_by_priority
    from bot.knowledge import load_knowledge

    config = load_settings(args.config)
    database = require_database(config)
    kb = load_knowledge(kb_dir(getattr(args, "kb", None), config))
    import asyncio  # lazily: `csp-bot ask` never needs it

    rows = asyncio.run(read_unanswered(database))
    out.write(format_groups(group_by_priority(rows, Matcher(kb), kb)) + "\n")
    return 0
