"""What every ``csp-bot`` sub-command shares: finding and loading the settings.

Kept apart from :mod:`bot.cli.main` so the sub-command modules (:mod:`bot.cli.partners`,
:mod:`bot.cli.summary`) import it without importing the parser that imports them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


def load_settings(path: str | None) -> Config:
    """Config from ``--config``, else ``$CSP_BOT_CONFIG``, else ``config.yaml`` if present."""
    from bot.config import load_config

    chosen = path or os.environ.get("CSP_BOT_CONFIG")
    if chosen is None and Path("config.yaml").is_file():
        chosen = "config.yaml"
    return load_config(chosen, env=os.environ)


def html_to_text(markup: str) -> str:
    """Telegram HTML (``<b>``, ``<i>``, ``<a>``, entities) as plain text for a terminal."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def require_database(config: Config) -> Path:
    """The configured database file, or StorageError saying how to create it.

    Commands that only read (summary, audit, unanswered, broadcast status, backup) must not
    create an empty database where the real one was expected: that hides a wrong
    ``storage.path`` behind empty results.
    """
    from bot.errors import StorageError

    database = Path(config.storage.path).expanduser()
    if str(config.storage.path) == ":memory:":
        raise StorageError("storage.path is :memory:, which holds nothing between runs")
    if not database.is_file():
        raise StorageError(
            f"no database at {database}: run `csp-bot init` to create it (or `csp-bot run`, "
            "which creates it), or check storage.path in the config file")
    return database
