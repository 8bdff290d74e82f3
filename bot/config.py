"""Settings of csp-bot: an optional YAML file plus environment variables for secrets.

Every key has a default, so the bot runs with no file at all. Secrets never live in the
file: the bot token only comes from ``TELEGRAM_BOT_TOKEN`` (a file with ``telegram.token`` is
refused) and the webhook secret preferably from ``TELEGRAM_WEBHOOK_SECRET``.

:func:`load_config` turns every problem into one :class:`~bot.errors.ConfigError` whose
message has one line per problem, naming the file, the dotted key and, where the YAML
allows, the line, e.g. ``config.yaml: telegram.mode: Input should be 'polling' or
'webhook' (line 4)``. Secrets are held as :class:`pydantic.SecretStr` so ``repr(config)``
and logs never show them.

``config.example.yaml`` documents every key; :func:`all_keys` lists them so a test can
check the example stays complete.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import os
import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.answering.matching import DEFAULT_THRESHOLD
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"

# The shape @BotFather hands out: bot id, colon, a long secret.
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
# What Telegram accepts as setWebhook's secret_token (it is echoed in a request header).
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# A loc in pydantic errors / a path into the YAML document.
_Loc = tuple[int | str, ...]


class _Section(BaseModel):
    # Unknown keys are almost always typos; refusing them beats silently ignoring a setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookConfig(_Section):
    """Where the webhook server listens and how Telegram reaches it."""

    listen: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    url_path: str = "telegram"
    url: str | None = None
    secret_token: SecretStr | None = None

    @field_validator("secret_token")
    @classmethod
    def _secret_format(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here rather than by Telegram at startup so the mistake shows with the
        # other config problems; the message deliberately does not repeat the value.
        if value is not None and not _WEBHOOK_SECRET_RE.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters, only letters, digits, _ and -")
        return value


class TelegramConfig(_Section):
    """Connection to the Bot API (api.telegram.org or a self-hosted Bot API server)."""

    # Only ever filled from TELEGRAM_BOT_TOKEN by load_config; see _reject_file_token.
    token: SecretStr | None = None
    base_url: str = Field(default="https://api.telegram.org/bot", pattern=r"^https?://")
    base_file_url: str = Field(default="https://api.telegram.org/file/bot", pattern=r"^https?://")
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)


class StorageConfig(_Section):
    """The SQLite database file (":memory:" for a throwaway database)."""

    path: Path = Path("data/csp-bot.sqlite3")


class KnowledgeConfig(_Section):
    """The directory of knowledge/*.yaml files."""

    dir: Path = Path("knowledge")


class MatchingConfig(_Section):
    """How sure the matcher must be before answering."""

    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    suggest_margin: float = Field(default=0.08, ge=0.0, le=1.0)
    #: Ask the shipped topic model where the matcher is unsure (bot/answering/topic_model.py).
    #: It was trained on the shipped knowledge base's topics: turn it off for a knowledge base
    #: whose topics mean something else.
    topic_model: bool = True


class RolesConfig(_Section):
    """Who may do what, by Telegram user id."""

    coordinators: list[int] = Field(default_factory=list)


class PartnersConfig(_Section):
    """Partner invites and the quarterly update timetable."""

    invite_days: int = Field(default=7, ge=1)
    deadline_days_after_quarter: int = Field(default=30, ge=0)
    reminder_days: list[int] = Field(default_factory=lambda: [7, 1])

    @field_validator("reminder_days")
    @classmethod
    def _reminders(cls, value: list[int]) -> list[int]:
        if any(day < 0 for day in value):
            raise ValueError("reminder days must be 0 or more (days before the deadline)")
        # Largest first is the order reminders go out; duplicates would send twice.
        return sorted(set(value), reverse=True)


class ScheduleConfig(_Section):
    """A yearly date and time for the scheduled (April) broadcast."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    time: str

    @field_validator("time", mode="before")
    @classmethod
    def _time_text(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 10:00 as the base-60 number 600; say how to fix it
        # instead of pydantic's puzzling "Input should be a valid string".
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError('write the time in quotes, e.g. "10:00"')
        return value

    @field_validator("time")
    @classmethod
    def _time_format(cls, value: str) -> str:
        if not _HHMM_RE.match(value):
            raise ValueError('must be a 24-hour time "HH:MM", e.g. "10:00"')
        return value

    @model_validator(mode="after")
    def _real_date(self) -> ScheduleConfig:
        if self.day > _DAYS_IN_MONTH[self.month - 1]:
            raise ValueError(f"month {self.month} has no day {self.day}")
        return self

    @property
    def time_of_day(self) -> dt.time:
        """The configured time as a :class:`datetime.time`."""
        hours, minutes = self.time.split(":")
        return dt.time(int(hours), int(minutes))


class BroadcastConfig(_Section):
    """Pacing of broadcasts to subscribers (Telegram allows about 30 messages a second)."""

    rate_per_second: float = Field(default=25, gt=0, le=30)
    per_chat_interval: float = Field(default=1.0, ge=0)
    max_retries: int = Field(default=5, ge=0)
    schedule: ScheduleConfig | None = None


class ResidentsConfig(_Section):
    """Flood protection for residents' chats."""

    # 20 in 30 s (0.67 a second) stays below what one chat can be answered at (about 1 a
    # second), so a fast chat cannot build an ever-growing backlog of replies.
    flood_messages: int = Field(default=20, ge=1)
    flood_window_seconds: float = Field(default=30, gt=0)


class ConsultConfig(_Section):
    """Residents' consultations (bot.consult)."""

    # A ward's results are shown only from this many answers in it; fewer are folded into
    # "other areas", so nobody's answer can be picked out of a handful. Never below 5.
    min_ward_count: int = Field(default=10, ge=5)


class LoggingConfig(_Section):
    """Log verbosity and whether message text may be logged (off: residents' privacy)."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_message_text: bool = False

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class Config(_Section):
    """All settings. Build with :func:`load_config`; ``Config()`` gives the defaults."""

    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    knowledge: KnowledgeConfig = Field(default_factory=KnowledgeConfig)
    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    partners: PartnersConfig = Field(default_factory=PartnersConfig)
    broadcast: BroadcastConfig = Field(default_factory=BroadcastConfig)
    residents: ResidentsConfig = Field(default_factory=ResidentsConfig)
    consult: ConsultConfig = Field(default_factory=ConsultConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    #: The partnership's time zone (IANA name): the scheduled broadcast's time, partners'
    #: reminders and "today" (deadlines, quarters) all follow it, summer time included.
    timezone: str = "Europe/London"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone; use an IANA name such as Europe/London") \
                from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """:attr:`timezone` as a tzinfo."""
        return ZoneInfo(self.timezone)

    def local_now(self, now: dt.datetime | None = None) -> dt.datetime:
        """``now`` (a UTC clock reading; default the system clock) in :attr:`zone`."""
        now = now or dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        return now.astimezone(self.zone)

    def is_coordinator(self, user_id: int | None) -> bool:
        """Whether this Telegram user id is listed in ``roles.coordinators``."""
        return user_id is not None and user_id in self.roles.coordinators


# --------------------------------------------------------------------------- loading


def load_config(path: str | Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read settings from ``path`` (None: defaults only) and secrets from ``env``.

    ``env`` defaults to ``os.environ``; tests pass a dict. Raises ConfigError with one line
    per problem found.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    source = "defaults" if path is None else str(path)
    data: dict[Any, Any] = {}
    keys: dict[_Loc, int] = {}
    values: dict[_Loc, int] = {}
    if path is not None:
        data, keys, values = _read_yaml(Path(path))
        _reject_file_token(source, data, keys)
        _drop_empty_sections(data, Config)

    env_fields: dict[_Loc, str] = {}
    secret = _env_value(environ, WEBHOOK_SECRET_ENV)
    if secret is not None:
        # The environment wins over the file so a deployment can rotate the secret alone.
        webhook = _section(_section(data, "telegram"), "webhook")
        if webhook is not None:
            webhook["secret_token"] = secret
            env_fields[("telegram", "webhook", "secret_token")] = WEBHOOK_SECRET_ENV
    token = _env_value(environ, TOKEN_ENV)
    telegram = _section(data, "telegram")
    if token is not None and telegram is not None:
        # Not validated here: `csp-bot chat` works without a valid token; require_token()
        # checks it when the bot actually connects.
        telegram["token"] = token

    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        described = [_describe(err, source, keys, values, env_fields) for err in exc.errors()]
        # In file order, so the user can work down the file fixing each in turn.
        described.sort(key=lambda item: item[0] if item[0] is not None else 1 << 30)
        lines = [text for _, text in described]
        # `from None`: the ValidationError's text repeats the offending input values,
        # which for the webhook secret is exactly what must not reach a log.
        raise ConfigError("\n".join(lines)) from None
    logger.debug("configuration loaded from %s", source)
    return config


def _drop_empty_sections(data: dict[Any, Any], model: type[BaseModel]) -> None:
    """Treat a section left empty (``telegram:`` with nothing under it) as all defaults."""
    for name, field in model.model_fields.items():
        sub = _submodel(field.annotation)
        if sub is None or name not in data:
            continue
        if data[name] is None:
            del data[name]
        elif isinstance(data[name], dict):
            _drop_empty_sections(data[name], sub)


def _env_value(environ: Mapping[str, str], name: str) -> str | None:
    # Surrounding whitespace is a copy-paste accident, never part of a Telegram secret.
    value = environ.get(name, "").strip()
    return value or None


def _section(data: dict[Any, Any] | None, name: str) -> dict[Any, Any] | None:
    """``data[name]`` as a dict, created if absent; None when it is not a mapping."""
    if data is None:
        return None
    if data.get(name) is None:
        data[name] = {}
    child = data[name]
    return child if isinstance(child, dict) else None


def _reject_file_token(source: str, data: dict[Any, Any], keys: dict[_Loc, int]) -> None:
    telegram = data.get("telegram")
    if isinstance(telegram, dict) and "token" in telegram:
        line = keys.get(("telegram", "token"))
        where = f" (line {line})" if line else ""
        raise ConfigError(
            f"{source}: telegram.token: the bot token must not be stored in the config file; "
            f"remove it and set the {TOKEN_ENV} environment variable instead{where}"
        )


def _read_yaml(path: Path) -> tuple[dict[Any, Any], dict[_Loc, int], dict[_Loc, int]]:
    """Parse the file; return its mapping and the line of every key and value in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    try:
        # compose() keeps the line numbers that safe_load() throws away.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f": line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{where}: malformed YAML: {problem}") from exc
    if data is None:  # an empty (or all-comments) file means "all defaults"
        return {}, {}, {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: the file must be a mapping of sections (telegram:, storage:, ...), "
            f"not a {type(data).__name__}"
        )
    keys: dict[_Loc, int] = {}
    values: dict[_Loc, int] = {}
    if node is not None:
        _index_lines(path, node, (), keys, values)
    return data, keys, values


def _index_lines(
    path: Path, node: yaml.Node, loc: _Loc, keys: dict[_Loc, int], values: dict[_Loc, int]
) -> None:
    values[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key, str):
                continue
            if key in seen:
                # PyYAML silently keeps the last one; a setting that seems to be ignored is
                # worse than an error.
                dotted = _dotted(loc + (key,))
                line = key_node.start_mark.line + 1
                raise ConfigError(f"{path}: {dotted}: duplicate key (line {line})")
            seen.add(key)
            # Keys are strings in the node tree; ints from YAML (e.g. `1: x`) are rare enough
            # to locate only by their parent.
            keys[loc + (key,)] = key_node.start_mark.line + 1
            _index_lines(path, value_node, loc + (key,), keys, values)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(path, item, loc + (index,), keys, values)


def _dotted(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe(
    err: Mapping[str, Any],
    source: str,
    keys: dict[_Loc, int],
    values: dict[_Loc, int],
    env_fields: dict[_Loc, str],
) -> tuple[int | None, str]:
    """(line, text) for one pydantic error, in the user's terms (file, key, line)."""
    loc: _Loc = tuple(err["loc"])
    dotted = _dotted(loc) or "(top level)"
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if loc in env_fields:
        return None, f"environment variable {env_fields[loc]}: {message}"
    if err["type"] == "extra_forbidden":
        message = "unknown key" + _suggestion(loc)
        line = keys.get(loc)
    else:
        line = values.get(loc)
        # A missing key has no line of its own: point at the nearest enclosing one.
        prefix = loc
        while line is None and prefix:
            prefix = prefix[:-1]
            line = values.get(prefix) if prefix else None
    where = f" (line {line})" if line else ""
    return line, f"{source}: {dotted}: {message}{where}"


def _suggestion(loc: _Loc) -> str:
    """`` (did you mean 'mode'?)`` for a misspelt key, else ''."""
    model: type[BaseModel] | None = Config
    for part in loc[:-1]:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return ""
        model = _submodel(model.model_fields[part].annotation)
    if model is None:
        return ""
    names = [n for n in model.model_fields if not (model is TelegramConfig and n == "token")]
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The settings section an annotation holds (unwrapping ``X | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _submodel(arg)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------- checks


def require_token(config: Config) -> str:
    """The bot token, or ConfigError when it is missing or not in Telegram's format.

    The messages never include the token (not even part of it): they end up in logs.
    """
    secret = config.telegram.token
    token = secret.get_secret_value().strip() if secret is not None else ""
    if not token:
        raise ConfigError(
            f"{TOKEN_ENV} is not set: create a bot with @BotFather in Telegram and run "
            f"`export {TOKEN_ENV}=...` (or use `csp-bot chat` to try the bot in the terminal)"
        )
    if not _TOKEN_RE.match(token):
        raise ConfigError(
            f"{TOKEN_ENV} is malformed: expected the form <digits>:<30 or more letters, "
            "digits, _ or -> exactly as @BotFather gives it (check for quotes or stray "
            "characters)"
        )
    return token


def require_webhook(config: Config) -> str:
    """The webhook secret token, or ConfigError when webhook mode cannot run safely.

    Without a secret anyone who learns the URL could post fake updates to the bot.
    """
    secret = config.telegram.webhook.secret_token
    if secret is None or not secret.get_secret_value():
        raise ConfigError(
            "telegram.webhook.secret_token is not set: webhook mode needs a secret so the bot "
            f"only accepts updates from Telegram; set {WEBHOOK_SECRET_ENV} (1-256 letters, "
            "digits, _ or -)"
        )
    return secret.get_secret_value()


def all_keys() -> list[str]:
    """Every key the config file accepts, as dotted paths (e.g. ``telegram.base_url``).

    Sections are expanded into their keys; an optional section whose default is null
    (``broadcast.schedule``) is listed as one key, as it appears in the example file.
    ``telegram.token`` is left out: the file may not contain it.
    """
    out: list[str] = []
    _collect_keys(Config, "", out)
    return out


def _collect_keys(model: type[BaseModel], prefix: str, out: list[str]) -> None:
    for name, field in model.model_fields.items():
        if model is TelegramConfig and name == "token":
            continue
        dotted = f"{prefix}{name}"
        sub = _submodel(field.annotation)
        if sub is not None and field.default is not None:
            _collect_keys(sub, dotted + ".", out)
        else:
            out.append(dotted)


def _packaged_kb() -> Path:
    """The knowledge base shipped with csp-bot.

    An installed wheel carries it as package data (``bot/shipped_knowledge``, built from the
    repository's ``knowledge/`` by pyproject's package-dir); a source checkout or an editable
    install has only the repository's ``knowledge/`` next to ``bot/``.
    """
    package = Path(__file__).resolve().parent
    installed = package / "shipped_knowledge"
    return installed if installed.is_dir() else package.parent / "knowledge"


#: Where the shipped knowledge base lives, for installs run from another directory.
PACKAGED_KB = _packaged_kb()
#: ``knowledge.dir``'s default: "not set", unless the working directory has such a folder.
DEFAULT_KB_DIR = KnowledgeConfig.model_fields["dir"].default


def kb_dir(arg: str | None, config: Config | None) -> Path:
    """The knowledge directory: ``--kb``, else the configured one, else the shipped one.

    The default ``knowledge`` is used when the working directory has a ``knowledge/``
    folder (a source checkout, or an operator's own copy) and otherwise means the shipped
    knowledge base. Any other configured directory is used as given, even when it does not
    exist: falling back to the shipped one would quietly serve answers the operator replaced.
    """
    if arg:
        return Path(arg).expanduser()
    configured = Path(config.knowledge.dir) if config else DEFAULT_KB_DIR
    if configured != DEFAULT_KB_DIR or configured.is_dir():
        return configured.expanduser()
    return PACKAGED_KB
