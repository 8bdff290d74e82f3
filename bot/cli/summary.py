"""``csp-bot summary``: the residents' progress summary from the command line.

A plugin of :mod:`bot.cli`, which imports this module if present and calls
:func:`add_commands`. Coordinators use it to preview a summary, or to write the HTML page
or Markdown that is published each April.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.errors import SummaryError

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase
    from bot.partners.periods import Period
    from bot.publishing.summary import Summary

logger = logging.getLogger(__name__)

FORMATS = ("text", "telegram", "md", "html")
#: Printed between Telegram messages when the text or telegram format is written out.
MESSAGE_BREAK = "\n\n----- next message -----\n\n"


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register this module's sub-commands on ``csp-bot``'s sub-parsers."""
    p = sub.add_parser("summary", help="the residents' progress summary for a period")
    # nargs="+": `csp-bot summary 2024-25 Q3` without quotes is two arguments.
    p.add_argument("period", nargs="+", help="a quarter (2024-25 Q3) or a year (2024-25)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (plain text, as read in a terminal), telegram (the messages' "
                   "Telegram HTML), md (Markdown) or html (a web page)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--kb", metavar="DIR", help="knowledge directory (default: the configured one)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("broadcast", help="broadcasts to subscribers")
    actions = p.add_subparsers(dest="broadcast_command", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="progress or final report of a broadcast")
    status.add_argument("id", nargs="?", type=int, help="broadcast id (default: the latest)")
    status.set_defaults(func=cmd_broadcast_status)


def cmd_summary(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.common import load_settings, require_database
    from bot.config import kb_dir
    from bot.knowledge import load_knowledge
    from bot.partners.periods import parse_period

    # The period first: a typo should not wait for the knowledge base or the database.
    period = parse_period(" ".join(args.period))
    config = load_settings(args.config)
    kb = load_knowledge(kb_dir(args.kb, config))
    # Opening a missing database would quietly create it and print an empty summary.
    database = require_database(config)
    import asyncio  # lazily: `csp-bot ask` never needs it

    summary = asyncio.run(_load(database, kb, period, config.consult.min_ward_count))
    rendered = render(summary, args.format)
    if args.output:
        target = Path(args.output)
        try:
            target.write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise SummaryError(f"cannot write {target}: {exc.strerror or exc}") from exc
        c = summary.counts
        out.write(f"{period.label} summary ({args.format}) written to {target}: "
                  f"{c.updates} update(s), {c.missing} missing\n")
    else:
        out.write(rendered if rendered.endswith("\n") else rendered + "\n")
    return 0


async def _load(database: Path, kb: KnowledgeBase, period: Period,
                min_ward_count: int) -> Summary:
    from bot.publishing.summary import summary_for
    from bot.storage import Storage

    async with Storage.open(database) as storage:
        return await summary_for(storage, kb, period, min_ward_count)


def render(summary: Summary, fmt: str) -> str:
    """The summary in one of :data:`FORMATS`."""
    from bot.publishing.summary import render_html, render_markdown, render_text

    if fmt == "html":
        return render_html(summary)
    if fmt == "md":
        return render_markdown(summary)
    messages = render_text(summary)
    if fmt == "text":
        from bot.cli.common import html_to_text

        messages = [html_to_text(m) for m in messages]
    return MESSAGE_BREAK.join(messages)


def cmd_broadcast_status(args: argparse.Namespace, out: TextIO) -> int:
    """``csp-bot broadcast status [ID]``: the same report coordinators see in chat."""
    from bot.cli.common import load_settings, require_database
    from bot.publishing.broadcast import broadcast_status, format_report
    from bot.storage import Storage

    database = require_database(load_settings(args.config))

    async def status() -> str:
        async with Storage.open(database) as storage:
            if args.id is None and not await storage.fetch_value(
                    "SELECT 1 FROM broadcasts LIMIT 1"):
                # Nothing sent yet is an answer, not an error: exit 0 as for an empty audit.
                return "no broadcasts yet"
            return format_report(await broadcast_status(storage, args.id))

    import asyncio  # lazily: `csp-bot ask` never needs it


    out.write(asyncio.run(status()) + "\n")
    return 0
