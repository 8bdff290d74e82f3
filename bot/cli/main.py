"""The ``csp-bot`` command line.

Formatting is done by pure functions; ``main`` only parses arguments, prints, and maps
:class:`~bot.errors.CspBotError` to one line on stderr and a non-zero exit. Telegram is
imported only by ``csp-bot run``, so ``csp-bot ask`` starts fast and works offline.

Exit codes: 0 success (an empty result, such as no broadcasts yet, is not an error), 1 a
check failed (kb check, eval), 2 usage, configuration, knowledge or database error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.chat import format_reply as format_reply_plain
from bot.cli.common import load_settings
from bot.config import kb_dir
from bot.errors import ConfigError, CspBotError, KnowledgeError, Problem

if TYPE_CHECKING:
    from bot.answering.answer import Responder
    from bot.config import Config
    from bot.knowledge import KnowledgeBase

logger = logging.getLogger(__name__)

CHAT_PROMPT = "you> "


# --------------------------------------------------------------------------- set-up


def make_responder(args: argparse.Namespace) -> Responder:
    from bot.answering.answer import Responder
    from bot.knowledge import load_knowledge

    config = load_settings(args.config)
    kb = load_knowledge(kb_dir(args.kb, config))
    return Responder(
        kb,
        threshold=config.matching.threshold,
        suggest_margin=config.matching.suggest_margin,
        topic_model=config.matching.topic_model,
    )


# --------------------------------------------------------------------------- formatters


def format_problems(problems: Sequence[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    lines = [str(p) for p in problems]
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)


def format_confidence(kb: KnowledgeBase) -> str:
    """How sure the contacts are, and which topics rely on pages beyond the plan."""
    from bot.knowledge import confidence_counts

    counts = confidence_counts(kb.contacts.values())
    cited = sorted(t.id for t in kb.topics.values() if t.sources)
    return (f"contacts: {counts['official']} official, {counts['secondary']} secondary, "
            f"{counts['well-known']} well-known (not confirmed on an official page)\n"
            f"topics citing pages beyond the plan and contacts.yaml: {len(cited)} "
            f"({', '.join(cited) or 'none'})")


# --------------------------------------------------------------------------- commands


def cmd_ask(args: argparse.Namespace, out: TextIO) -> int:
    responder = make_responder(args)
    if args.question == ["-"]:
        questions: Any = (line.rstrip("\n") for line in sys.stdin)
    else:
        questions = [" ".join(args.question)]
    for q in questions:
        if args.question == ["-"] and not q.strip():
            continue
        reply = responder.answer(q)
        if args.json:
            out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(format_reply_plain(reply) + "\n")
        out.flush()
    return 0


def cmd_chat(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.chat import ChatSession

    config = load_settings(args.config)
    session = ChatSession(make_responder(args), progress=lambda: _published_messages(config))
    interactive = sys.stdin.isatty()
    if interactive:
        out.write("East Staffordshire Community Safety Partnership. Ask me a question, or "
                  "/help; quit or Ctrl-D to leave.\nIn an emergency call 999.\n")
    while True:
        if interactive:
            out.write(CHAT_PROMPT)
            out.flush()
        line = sys.stdin.readline()
        if not line:
            if interactive:
                out.write("\n")
            return 0
        text = session.reply(line)
        if text is None:
            return 0
        if text:
            out.write(text + "\n\n")
            out.flush()


def _published_messages(config: Config) -> list[str] | None:
    """The latest published summary's messages, read from the database if there is one."""
    import asyncio
    from pathlib import Path

    from bot.publishing.publishing import latest_published
    from bot.storage import Storage

    database = Path(config.storage.path).expanduser()
    if not database.is_file():  # chat never creates a database
        return None

    async def read() -> list[str] | None:
        async with Storage.open(database) as storage:
            latest = await latest_published(storage)
            return list(latest.messages) if latest else None

    return asyncio.run(read())


def cmd_kb_check(args: argparse.Namespace, out: TextIO) -> int:
    from bot.knowledge import check_knowledge, load_knowledge

    config = load_settings(args.config)
    directory = kb_dir(args.kb, config)
    if directory.is_file():
        raise ConfigError(f"{directory} is a file: --kb (and knowledge.dir) name the "
                          "directory of *.yaml files, e.g. --kb knowledge")
    problems = check_knowledge(directory)
    errors = any(p.severity == "error" for p in problems)
    out.write((format_problems(problems) if problems else f"{directory}: ok") + "\n")
    if not errors:
        out.write(format_confidence(load_knowledge(directory)) + "\n")
    return 1 if errors else 0


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    from bot.answering.evaluation import evaluate, format_report, load_cases

    responder = make_responder(args)
    report = evaluate(load_cases(args.file), lambda q: responder.answer(q).to_json())
    out.write(format_report(report, args.min) + "\n")
    return 0 if report.ok(args.min) else 1


class RedactToken(logging.Filter):
    """Defence in depth: the token never reaches a log line, whoever logs it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "<token>"), None
        if record.exc_info and not record.exc_text:
            # PTB's InvalidToken quotes the token in its text, so a logged traceback would
            # print it. Formatters reuse a cached exc_text: cache the redacted one.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, "<token>")
        if record.stack_info and self.secret in record.stack_info:
            record.stack_info = record.stack_info.replace(self.secret, "<token>")
        return True


def configure_logging(config: Config, token: str, verbose: bool = False) -> None:
    """Logging for a running bot: the configured level, no token, no residents' words."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else config.logging.level)
    for handler in root.handlers:
        handler.addFilter(RedactToken(token))
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if not config.logging.log_message_text:
        # At DEBUG, python-telegram-bot logs whole updates and aiosqlite logs SQL
        # parameters: both would put residents' words in the log next to their ids.
        logging.getLogger("telegram").setLevel(max(root.level, logging.INFO))
        logging.getLogger("aiosqlite").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    from bot.config import require_token

    config = load_settings(args.config)
    token = require_token(config)  # before importing telegram: a clear line, fast
    configure_logging(config, token, verbose=args.verbose)

    from bot.app import run  # imports telegram: only here

    if args.webhook:
        config = config.model_copy(
            update={"telegram": config.telegram.model_copy(update={"mode": "webhook"})}
        )
    run(config)
    return 0


def cmd_unanswered(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.common import require_database
    from bot.storage import Storage

    config = load_settings(args.config)
    database = require_database(config)

    async def top() -> list[dict[str, Any]]:
        async with await Storage.open(database) as storage:
            return list(await storage.top_unanswered(args.limit))

    import asyncio  # not at the top: `csp-bot ask` never needs it, and it costs ~25 ms

    rows = asyncio.run(top())
    for row in rows:
        out.write(f"{row['count']:>5}  {row['last_seen'][:10]}  {row['normalised']}\n")
    if not rows:
        out.write("no unanswered questions recorded\n")
    return 0



def _fraction(text: str) -> float:
    """An argparse type: a number from 0 to 1 (``--min 2`` would read as 200 %)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"{text} is not between 0 and 1 (write 95 % as 0.95)")
    return value


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.setup import init

    out.write(init(args.config or "config.yaml", args.database))
    return 0


def cmd_backup(args: argparse.Namespace, out: TextIO) -> int:
    from bot.cli.common import require_database
    from bot.storage import backup_database

    database = require_database(load_settings(args.config))
    backup_database(database, args.file, overwrite=args.force)
    out.write(f"backed up {database} to {args.file}\n")
    return 0


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from bot.storage import restore_database

    config = load_settings(args.config)
    database = Path(config.storage.path).expanduser()
    saved = restore_database(args.file, database)
    out.write(f"restored {database} from {args.file}\n")
    if saved is not None:
        out.write(f"the database it replaced is kept as {saved}\n")
    return 0


# --------------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csp-bot",
        description="East Staffordshire Community Safety Partnership bot.",
    )
    parser.add_argument("--config", help="YAML config file (default: $CSP_BOT_CONFIG, "
                        "else ./config.yaml if present, else built-in defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ask", help="answer a question as the bot would")
    p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p.add_argument("--kb", help="knowledge directory (default: the shipped one)")
    p.add_argument("question", nargs="+", help="the question, or - to read one per line")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="talk to the bot in the terminal")
    p.add_argument("--kb", help="knowledge directory")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = p.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    c = kb_sub.add_parser("check", help="validate the knowledge base")
    c.add_argument("--kb", help="knowledge directory")
    c.set_defaults(func=cmd_kb_check)

    p = sub.add_parser("eval", help="score answers against a questions file")
    p.add_argument("file", help="questions file (format of shared/eval/questions.yaml)")
    p.add_argument("--kb", help="knowledge directory")
    p.add_argument("--min", type=_fraction, default=0.95,
                   help="minimum accuracy, from 0 to 1 (default 0.95)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("run", help="run the Telegram bot")
    p.add_argument("--webhook", action="store_true", help="use a webhook instead of polling")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("init", help="write a commented config.yaml, create the database "
                       "and print the next steps")
    p.add_argument("--database", metavar="PATH", default="data/csp-bot.sqlite3",
                   help="where the database goes (storage.path; default "
                   "data/csp-bot.sqlite3)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("backup", help="copy the database to FILE, safely while the bot runs")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a backup FILE back as the database (bot stopped)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("unanswered", help="questions the bot could not answer (anonymous)")
    p.add_argument("--limit", type=int, default=30)
    p.set_defaults(func=cmd_unanswered)

    # Commands whose code lives with their feature; both modules import only argparse-level
    # code at the top, so `csp-bot ask` stays fast.
    from bot.cli import partners as partners_cli
    from bot.cli import summary as summary_cli

    partners_cli.add_commands(sub)  # csp-bot audit
    summary_cli.add_commands(sub)  # csp-bot summary, csp-bot broadcast status
    __import__("bot.cli.consult").cli.consult.add_commands(sub)  # consult, unanswered --by-priority
    _config_after_command(parser)
    return parser


def _config_after_command(parser: argparse.ArgumentParser) -> None:
    """Accept ``--config FILE`` after the command too (``csp-bot run --config FILE``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                # SUPPRESS: when not given here, the value given before the command stays.
                sub.add_argument("--config", default=argparse.SUPPRESS,
                                 help="YAML config file (as before the command)")
                _config_after_command(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.verbose else (
        logging.INFO if args.command == "run" else logging.WARNING)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args, sys.stdout))
    except KnowledgeError as exc:
        sys.stderr.write("csp-bot: knowledge base has errors:\n" +
                         format_problems(exc.problems) + "\n")
        return 2
    except CspBotError as exc:
        sys.stderr.write(f"csp-bot: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
