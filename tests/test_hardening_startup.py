"""`csp-bot run` when Telegram cannot be reached or refuses the token (issue 10, item 3).

Real processes against the fake Bot API: the exit code, stderr and the log are what an
operator sees, so they are what is checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakebotapi import FakeBotAPI

pytestmark = pytest.mark.e2e

REJECTED = "987654321:" + "Zx" * 20  # well-formed, but not the token the fake API accepts


def _config(tmp_path: Path, base: str) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(
        f"telegram:\n  base_url: {base}/bot\n  base_file_url: {base}/file/bot\n"
        f"storage:\n  path: {tmp_path / 'bot.sqlite3'}\n")
    return cfg


async def _spawn(cfg: Path, token: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k != "CSP_BOT_CONFIG"}
    env["TELEGRAM_BOT_TOKEN"] = token
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--config", str(cfg), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def _forwarder(port: int, target: int) -> AsyncIterator[None]:
    """The network coming back: ``127.0.0.1:port`` now leads to the fake API."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()


async def test_a_rejected_token_exits_2_with_one_line_and_never_shows_the_token(
        tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        proc = await _spawn(_config(tmp_path, f"http://127.0.0.1:{api.port}"), REJECTED)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = (out + err).decode()
    assert proc.returncode == 2, text[-2000:]
    assert REJECTED not in text and REJECTED.split(":")[1] not in text, "token leaked"
    assert "Traceback" not in text, text[-2000:]
    last = text.strip().splitlines()[-1]
    assert last.startswith("csp-bot: ") and "TELEGRAM_BOT_TOKEN" in last and "rejected" in last


async def test_an_unreachable_bot_api_is_retried_until_it_answers(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens here yet: the network is "down"
    async with FakeBotAPI() as api:
        assert api.port is not None
        proc = await _spawn(_config(tmp_path, f"http://127.0.0.1:{port}"), api.token)
        assert proc.stderr is not None
        try:
            # The bot says it is waiting, and keeps running, instead of dying with code 1.
            waiting = b""
            while b"retrying" not in waiting:
                line = await asyncio.wait_for(proc.stderr.readline(), timeout=60)
                assert line, f"csp-bot run exited while the API was down: {waiting.decode()}"
                waiting += line
            assert proc.returncode is None
            async with _forwarder(port, api.port):
                await api.wait_for_calls("getUpdates", 1, timeout=60)
                api.inject_message(1001, "/start")
                [welcome] = await api.wait_for_messages(1001, 1, timeout=30)
                assert "999" in welcome.plain_text
                proc.send_signal(signal.SIGINT)
                _, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    log = (waiting + err).decode()
    assert proc.returncode == 0, log[-2000:]
    assert "Traceback" not in log, log[-2000:]
    assert api.token not in log and api.token.split(":")[1] not in log


def test_a_logged_traceback_never_shows_the_token() -> None:
    """PTB logs InvalidToken (whose text quotes the token) with its traceback."""
    import io
    import logging

    from telegram.error import InvalidToken

    from bot.cli.main import RedactToken

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(REJECTED))
    log = logging.getLogger("tests.hardening.redact")
    log.addHandler(handler)
    try:
        try:
            raise InvalidToken(f"The token `{REJECTED}` was rejected by the server.")
        except InvalidToken:
            log.exception("Invalid token %s", REJECTED)
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "Traceback" in text and "<token>" in text
    assert REJECTED not in text
