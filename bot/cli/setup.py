"""``csp-bot init``: a new operator's first command.

Writes a commented config file (never over an existing one), creates the data directory
and the database, and returns the next steps: a bot from @BotFather, its token in the
environment, the first coordinator's Telegram id, then running the bot.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import TOKEN_ENV, load_config
from bot.errors import ConfigError

CONFIG_TEMPLATE = """\
# csp-bot settings, written by `csp-bot init`. Every key is optional: config.example.yaml
# in the source (and the README) lists them all with their defaults.
#
# The bot token is NEVER stored here: put it in the environment as {token_env}
# (for systemd: /etc/csp-bot/env; for Docker: --env-file).

telegram:
  # polling (simplest: no public address needed) or webhook (behind a reverse proxy with
  # TLS; see docs/deploy.md)
  mode: polling

storage:
  # The SQLite database. Back it up with `csp-bot backup FILE` (safe while the bot runs).
  path: {database}

# knowledge:
#   # Your own copy of the knowledge base; left out, the bot uses the one it ships with.
#   dir: /srv/csp-bot/knowledge

roles:
  # Telegram user ids of coordinators (they invite partners, review, publish, broadcast).
  # To find yours, message @userinfobot in Telegram. Restart the bot after editing.
  coordinators: []

# The partnership's time zone: the April broadcast, partners' reminders and "today".
timezone: Europe/London
"""

NEXT_STEPS = """\
Wrote {config} and created the database {database}.

Next steps:
  1. Create the bot: in Telegram, message @BotFather, send /newbot, choose a name and a
     username ending in "bot". BotFather replies with a token like 123456:ABC-...
  2. Give the bot its token through the environment, never the config file:
       export {token_env}='<the token>'
  3. Make yourself the first coordinator: message @userinfobot in Telegram for your user
     id, and put it in {config} under roles.coordinators, e.g. [123456789].
  4. Check and start:
       csp-bot --config {config} kb check
       csp-bot --config {config} run
     Then open your bot in Telegram and press Start. To keep it running as a service
     (systemd or Docker), see docs/deploy.md.
  5. Back up the database regularly:
       csp-bot --config {config} backup backups/csp-bot-$(date +%F).sqlite3
"""


def init(config_path: str | Path, database: str | Path) -> str:
    """Write the config file and create the database; return the next steps to print."""
    from bot.storage import Storage

    config_file = Path(config_path).expanduser()
    if config_file.exists():
        raise ConfigError(f"{config_file} already exists: not overwritten (edit it, or move "
                          "it away to start again)")
    text = CONFIG_TEMPLATE.format(token_env=TOKEN_ENV, database=_yaml_path(database))
    try:
        config_file.parent.mkdir(parents=True, exist_ok=True)
        # "x": fails rather than overwrite a file created since the check above.
        with config_file.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise ConfigError(f"cannot write {config_file}: {exc.strerror or exc}") from exc
    config = load_config(config_file, env={})  # what was written must load

    async def create() -> None:
        async with Storage.open(config.storage.path):
            pass

    asyncio.run(create())
    return NEXT_STEPS.format(config=config_file, database=config.storage.path,
                             token_env=TOKEN_ENV)


def _yaml_path(path: str | Path) -> str:
    """A path as a YAML scalar (quoted, so "C:" or "#" in it cannot change its meaning)."""
    text = str(path).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
