"""`csp-bot run` as a real process, long polling the fake Bot API, stopped with Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e


async def test_csp_bot_run_answers_on_telegram_and_stops_cleanly(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        cfg = tmp_path / "config.yaml"
        cfg.write_text(
            f"telegram:\n  base_url: {api.base_url}\n  base_file_url: {api.base_file_url}\n"
            f"storage:\n  path: {tmp_path / 'bot.sqlite3'}\n")
        env = {k: v for k, v in os.environ.items() if k != "CSP_BOT_CONFIG"}
        env["TELEGRAM_BOT_TOKEN"] = api.token
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--config", str(cfg), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await api.wait_for_calls("getUpdates", 1, timeout=60)
            api.inject_message(1001, "/start")
            [welcome] = await api.wait_for_messages(1001, 1, timeout=30)
            assert "999" in welcome.plain_text
            api.inject_message(1001, "how do I report fly tipping")
            answer = (await api.wait_for_messages(1001, 2, timeout=30))[1]
            assert "eaststaffsbc.gov.uk" in answer.plain_text
            assert api.calls_of("setMyCommands"), "commands registered at start-up"
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        log = err.decode()
        assert proc.returncode == 0, log[-2000:]
        assert api.token not in log, "the token never reaches the log"
        assert "fly tipping" not in log, "nor a resident's words"
