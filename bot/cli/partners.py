"""``csp-bot audit [--since DATE]``: print who did what and when with partners' updates.

:mod:`bot.cli` calls :func:`add_commands` to add the sub-command. The database code is
imported only when the command runs, so other commands (``csp-bot ask``) start fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from bot.partners.partners import AuditEntry


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        # argparse turns this into "invalid _date value" plus the message, exit 2.
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from exc


def add_commands(sub: Any) -> None:
    """Add ``audit`` to the ``csp-bot`` sub-commands (``sub`` from add_subparsers)."""
    p = sub.add_parser("audit", help="print the audit log (invites, registrations, "
                       "submissions, approvals, returns, revocations)")
    p.add_argument("--since", type=_date, metavar="DATE",
                   help="only entries on or after this date (YYYY-MM-DD)")
    p.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.common import load_settings, require_database
    from bot.partners.partners import audit_log
    from bot.storage import Storage

    database = require_database(load_settings(args.config))

    async def read() -> list[AuditEntry]:
        async with Storage.open(database) as storage:
            return await audit_log(storage, args.since)

    import asyncio  # lazily: `csp-bot ask` never needs it


    entries = asyncio.run(read())
    for entry in entries:
        out.write(entry.line() + "\n")
    if not entries:
        since = f" since {args.since}" if args.since else ""
        out.write(f"no audit entries{since}\n")
    return 0
