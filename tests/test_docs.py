"""The README documents every command, setting and environment variable (as datasette's
test_docs does): adding one without documenting it fails here."""

from __future__ import annotations

import argparse
import re

import pytest
from telegram.ext import CommandHandler, ConversationHandler

from bot.app import build_application
from bot.cli.main import build_parser
from bot.config import all_keys, load_config
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOKEN = "123456:" + "A" * 35


def telegram_commands() -> set[str]:
    config = load_config(None, env={"TELEGRAM_BOT_TOKEN": TOKEN})
    app = build_application(config)
    found: set[str] = set()

    def visit(handler: object) -> None:
        if isinstance(handler, CommandHandler):
            found.update(handler.commands)
        elif isinstance(handler, ConversationHandler):
            for h in handler.entry_points + handler.fallbacks:
                visit(h)
            for hs in handler.states.values():
                for h in hs:
                    visit(h)

    for handlers in app.handlers.values():
        for h in handlers:
            visit(h)
    return found


def cli_commands() -> set[str]:
    names: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    names.add(f"{prefix} {name}".strip())
                    walk(sub, f"{prefix} {name}")

    walk(build_parser(), "")
    return names


@pytest.mark.parametrize("key", all_keys())
def test_every_config_key_is_in_readme(key: str) -> None:
    assert f"`{key}`" in README


@pytest.mark.parametrize("command", sorted(telegram_commands()))
def test_every_telegram_command_is_in_readme(command: str) -> None:
    assert re.search(rf"`/{command}\b", README), f"/{command} is not documented"


@pytest.mark.parametrize("command", sorted(cli_commands()))
def test_every_cli_command_is_in_readme(command: str) -> None:
    if command == "kb":
        command = "kb check"
    assert f"csp-bot {command}" in README, f"csp-bot {command} is not documented"


@pytest.mark.parametrize("variable", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET",
                                      "CSP_BOT_CONFIG"])
def test_environment_variables_are_in_readme(variable: str) -> None:
    assert f"`{variable}`" in README


def test_quick_start_is_exactly_two_commands() -> None:
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


def test_config_example_documents_every_key() -> None:
    example = (ROOT / "config.example.yaml").read_text()
    for key in all_keys():
        assert re.search(rf"^\s*{re.escape(key.split('.')[-1])}:", example, re.M), key


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
