"""Settings: what a deployer sees when the config file or environment is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering.matching import DEFAULT_THRESHOLD
from bot.config import (
    Config,
    TelegramConfig,
    all_keys,
    load_config,
    require_token,
    require_webhook,
)
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.yaml"
GOOD_TOKEN = "123456789:AAF-abcdefghijklmnopqrstuvwxyz_0123"
SECRET = "s3cret-Webhook_token"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, env={} if env is None else env)
    return str(info.value)


def flatten(data: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            keys += flatten(value, f"{prefix}{key}.")
        else:
            keys.append(f"{prefix}{key}")
    return keys


# ---------------------------------------------------------------- defaults and the example


def test_no_file_gives_defaults() -> None:
    config = load_config(None, env={})
    assert config == Config()
    assert config.telegram.mode == "polling"
    assert config.telegram.base_url == "https://api.telegram.org/bot"
    assert config.matching.threshold == DEFAULT_THRESHOLD
    assert config.partners.reminder_days == [7, 1]
    assert config.broadcast.schedule is None
    assert config.telegram.token is None


def test_example_file_documents_every_key_with_its_default() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    assert sorted(flatten(data)) == sorted(all_keys())
    assert load_config(EXAMPLE, env={}) == Config()
    # Every key has a comment on its own line or the line above.
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not stripped.endswith(":"):
            assert "#" in line or lines[index - 1].strip().startswith("#"), line


def test_all_keys_are_dotted_paths() -> None:
    keys = all_keys()
    assert "telegram.base_url" in keys
    assert "telegram.webhook.secret_token" in keys
    assert "broadcast.schedule" in keys
    assert "telegram.token" not in keys  # the file may not hold it
    assert len(keys) == len(set(keys))


def test_empty_file_and_empty_sections_mean_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "# nothing yet\n"), env={}) == Config()
    assert load_config(write(tmp_path, "telegram:\nroles:\n"), env={}) == Config()


def test_values_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "telegram:\n"
        "  base_url: http://127.0.0.1:8081/bot\n"
        "roles:\n"
        "  coordinators: [111, 222]\n"
        "broadcast:\n"
        '  schedule: {month: 4, day: 15, time: "10:00"}\n'
        "logging:\n"
        "  level: debug\n",
    )
    config = load_config(path, env={})
    assert config.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert config.is_coordinator(111)
    assert not config.is_coordinator(333)
    assert not config.is_coordinator(None)
    assert config.broadcast.schedule is not None
    assert config.broadcast.schedule.time_of_day.hour == 10
    assert config.logging.level == "DEBUG"


# ---------------------------------------------------------------- errors a deployer sees


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert error_of(missing) == f"config file not found: {missing}"


def test_unknown_key_is_named_with_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  webhook:\n    prot: 80\n")
    message = error_of(path)
    assert "telegram.webhook.prot: unknown key" in message
    assert "did you mean 'port'" in message
    assert "line 3" in message


def test_unknown_section(tmp_path: Path) -> None:
    assert "colours: unknown key (line 2)" in error_of(write(tmp_path, "\ncolours: {}\n"))


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "storage:\n  path: x.db\ntelegram:\n  mode: push\n")
    assert error_of(path) == (
        f"{path}: telegram.mode: Input should be 'polling' or 'webhook' (line 4)"
    )


def test_one_line_per_problem_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "matching:\n"
        "  threshold: lots\n"
        "roles:\n"
        "  coordinators: [1, bob]\n"
        "broadcast:\n"
        "  schedule: {month: 4, day: 15, time: 10:00}\n",
    )
    lines = error_of(path).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}: matching.threshold: ")
    assert lines[0].endswith("(line 2)")
    assert lines[1].startswith(f"{path}: roles.coordinators[1]: ")
    # Unquoted 10:00 is a number in YAML: the message says how to fix it.
    assert "broadcast.schedule.time: write the time in quotes" in lines[2]


def test_impossible_schedule_date(tmp_path: Path) -> None:
    path = write(tmp_path, 'broadcast:\n  schedule: {month: 2, day: 30, time: "10:00"}\n')
    assert "month 2 has no day 30" in error_of(path)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  mode: polling\n  base_url: [unclosed\nstorage: {}\n")
    message = error_of(path)
    assert str(path) in message
    assert "malformed YAML" in message
    assert "line 4" in message


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  mode: polling\n  mode: webhook\n")
    assert "telegram.mode: duplicate key (line 3)" in error_of(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert "must be a mapping" in error_of(write(tmp_path, "- telegram\n"))


# ---------------------------------------------------------------- secrets


def test_token_comes_from_the_environment_only(tmp_path: Path) -> None:
    config = load_config(None, env={"TELEGRAM_BOT_TOKEN": f" {GOOD_TOKEN}\n"})
    assert require_token(config) == GOOD_TOKEN
    path = write(tmp_path, f"telegram:\n  token: {GOOD_TOKEN}\n")
    message = error_of(path, env={"TELEGRAM_BOT_TOKEN": GOOD_TOKEN})
    assert "TELEGRAM_BOT_TOKEN" in message
    assert "telegram.token" in message
    assert GOOD_TOKEN not in message


def test_missing_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        require_token(load_config(None, env={"TELEGRAM_BOT_TOKEN": "  "}))


@pytest.mark.parametrize(
    "token", ["123456789", "abc:AAF-abcdefghijklmnopqrstuvwxyz_0123", "123456789:short", "1:a b"]
)
def test_malformed_token_is_never_echoed(token: str) -> None:
    config = load_config(None, env={"TELEGRAM_BOT_TOKEN": token})
    with pytest.raises(ConfigError, match="malformed") as info:
        require_token(config)
    assert token not in str(info.value)
    assert token.split(":")[-1] not in str(info.value)


def test_token_never_appears_in_repr_or_str() -> None:
    config = load_config(None, env={"TELEGRAM_BOT_TOKEN": GOOD_TOKEN})
    for text in (repr(config), str(config), repr(config.telegram), config.model_dump_json()):
        assert GOOD_TOKEN not in text
        assert GOOD_TOKEN.split(":")[1] not in text


def test_token_not_leaked_by_other_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  mode: nope\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"TELEGRAM_BOT_TOKEN": GOOD_TOKEN})
    assert GOOD_TOKEN not in str(info.value)
    assert info.value.__cause__ is None  # the pydantic error (with inputs) is not chained


def test_webhook_needs_a_secret(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  mode: webhook\n")
    config = load_config(path, env={})
    with pytest.raises(ConfigError, match="secret_token is not set") as info:
        require_webhook(config)
    assert "TELEGRAM_WEBHOOK_SECRET" in str(info.value)
    config = load_config(path, env={"TELEGRAM_WEBHOOK_SECRET": SECRET})
    assert require_webhook(config) == SECRET
    assert SECRET not in repr(config)


def test_environment_overrides_file_secret(tmp_path: Path) -> None:
    path = write(tmp_path, "telegram:\n  webhook:\n    secret_token: from-file\n")
    assert require_webhook(load_config(path, env={})) == "from-file"
    assert require_webhook(load_config(path, env={"TELEGRAM_WEBHOOK_SECRET": SECRET})) == SECRET


def test_malformed_webhook_secret_is_not_echoed(tmp_path: Path) -> None:
    bad = "has spaces!"
    message = error_of(None, env={"TELEGRAM_WEBHOOK_SECRET": bad})
    assert message.startswith("environment variable TELEGRAM_WEBHOOK_SECRET: ")
    assert bad not in message
    path = write(tmp_path, f"telegram:\n  webhook:\n    secret_token: '{bad}'\n")
    message = error_of(path)
    assert "telegram.webhook.secret_token:" in message
    assert "(line 3)" in message
    assert bad not in message


def test_config_can_be_built_directly_for_tests() -> None:
    config = Config(telegram=TelegramConfig(token=GOOD_TOKEN))  # type: ignore[arg-type]
    assert require_token(config) == GOOD_TOKEN
