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
