"""The one exception tree of csp-bot.

Everything the core raises on purpose derives from :class:`CspBotError`, so the boundaries
(the CLI, the Telegram handlers) can catch one type, print one clear line and exit non-zero
instead of a traceback. Library errors (PyYAML, aiosqlite, pydantic, python-telegram-bot) are
mapped to these at the boundary where they occur, with ``raise ... from exc`` so the cause
stays in the traceback for developers.

::

    CspBotError
    ├── ConfigError          a setting or environment variable is missing or malformed
    ├── KnowledgeError       the knowledge base cannot be loaded (carries every Problem found)
    ├── StorageError         the database cannot be opened, migrated or written
    ├── PermissionDenied     the sender lacks the role a command or button needs
    ├── InviteError          an invite code is unknown, expired or already used
    ├── UpdateError          a partner's progress update is invalid (too long, bad figures...)
    ├── SummaryError         a progress summary cannot be built (bad period...)
    └── BroadcastError       a broadcast cannot be created or resumed
"""

from __future__ import annotations

from dataclasses import dataclass


class CspBotError(Exception):
    """Base class of every error csp-bot raises on purpose."""


class ConfigError(CspBotError):
    """A setting, config file or environment variable is missing or malformed."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base, located in its file."""

    file: str
    line: int | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


class KnowledgeError(CspBotError):
    """The knowledge base has errors; ``problems`` lists each with its file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        first = str(errors[0]) if errors else "knowledge base invalid"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


class StorageError(CspBotError):
    """The database could not be opened, migrated, read or written."""


class PermissionDenied(CspBotError):
    """The sender does not have the role the command or button needs."""


class InviteError(CspBotError):
    """An invite code is unknown, expired or already used."""


class UpdateError(CspBotError):
    """A partner's progress update is invalid; the message says what to fix."""


class SummaryError(CspBotError):
    """A progress summary cannot be built, e.g. the period is not recognised."""


class BroadcastError(CspBotError):
    """A broadcast cannot be created, run or resumed."""
