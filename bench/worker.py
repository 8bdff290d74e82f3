"""Measurements that need a process of their own (for its peak memory, or a clean event loop).

    python -m bench.worker idle-core
    python -m bench.worker idle-app
    python -m bench.worker updates  --api JSON --count N --concurrency K --kind questions
    python -m bench.worker broadcast --api JSON --subscribers N --rate R --per-chat S [--paced]
    python -m bench.worker send-floor --api JSON --count N --concurrency K [--paced]

Each prints one JSON object as its last line of output, always with ``rss_mib``: the peak
resident set size of the process (``getrusage``), which includes the Python interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml

from bench.common import KNOWLEDGE, peak_rss_mib
from bot.config import Config, load_config

#: Shaped like a real token (bot id, colon, secret); only ever sent to the fake on 127.0.0.1.
OFFLINE_TOKEN = "123456789:AAFakeBotApiTokenForTestsOnly_0123456"
#: A progress-summary-sized broadcast message.
BROADCAST_TEXT = (
    "East Staffordshire Community Safety Partnership: progress 2025/26.\n\n"
    + "Anti-social behaviour fell in the priority wards, and partners kept working on "
      "domestic abuse, drugs and serious violence. " * 6
    + "\n\nThe full summary: /progress. To stop these messages: /unsubscribe."
)


def make_config(directory: Path, api: dict[str, str] | None, **sections: dict[str, Any]) -> Config:
    """A config as a YAML file would give it: the fake API, a database in ``directory``."""
    raw: dict[str, Any] = {
        "storage": {"path": str(directory / "bench.sqlite3")},
        "knowledge": {"dir": str(KNOWLEDGE)},
    }
    if api:
        raw["telegram"] = {"base_url": api["base_url"], "base_file_url": api["base_file_url"]}
    for key, value in sections.items():
        raw.setdefault(key, {}).update(value)
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    token = api["token"] if api else OFFLINE_TOKEN
    return load_config(path, env={"TELEGRAM_BOT_TOKEN": token})


class _Errors(logging.Handler):
    """Counts ERROR records (the application's error handler logs each failed update)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# --------------------------------------------------------------------------- idle


def idle_core(directory: Path) -> dict[str, Any]:
    from bot.services import Services

    config = make_config(directory, None)
    svc = Services(config, KNOWLEDGE)
    svc.responder.answer("how do I report anti-social behaviour")
    return {"topics": len(svc.kb.topics), "telegram": False}


def idle_app(directory: Path) -> dict[str, Any]:
    from bot.app import build_application, services_of

    app = build_application(make_config(directory, None))
    services_of(app).responder.answer("how do I report anti-social behaviour")
    return {"handlers": sum(len(h) for h in app.handlers.values()), "telegram": True}


# --------------------------------------------------------------------------- updates


def _questions() -> list[str]:
    from bench.quality import all_questions

    return all_questions()


def _message(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "from": {"id": chat_id, "is_bot": False, "first_name": "Resident"},
        "chat": {"id": chat_id, "type": "private", "first_name": "Resident"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


async def _pool(items: list[Any], concurrency: int,
                work: Callable[[Any], Awaitable[None]]) -> None:
    """Run ``work`` over ``items`` with at most ``concurrency`` in flight."""
    it = iter(items)

    async def worker() -> None:
        for item in it:
            await work(item)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def updates(directory: Path, api: dict[str, str], count: int, concurrency: int,
                  kind: str, chats: int = 1000) -> dict[str, Any]:
    from telegram import Update

    from bot.app import build_application
    from handlers.ratelimit import PacedRateLimiter

    errors = _Errors()
    logging.getLogger().addHandler(errors)
    config = make_config(directory, api, residents={"flood_messages": 10**9,
                                                    "flood_window_seconds": 1})
    limiter = PacedRateLimiter(overall_per_second=1e6, per_chat_interval=0)
    app = build_application(config, rate_limiter=limiter)
    await app.initialize()  # getMe and persistence: against the fake, not the network
    try:
        if kind == "send":
            # The floor: the same bot sending one message per "update", no handler at all.
            async def send(chat_id: int) -> None:
                await app.bot.send_message(chat_id, "Hello")

            await _pool([10_000 + i % chats for i in range(100)], concurrency, send)
            start = time.perf_counter()
            await _pool([10_000 + i % chats for i in range(count)], concurrency, send)
            elapsed = time.perf_counter() - start
            return {"updates": count, "seconds": elapsed, "errors": errors.count}
        texts = ["/start"] if kind == "start" else _questions()
        made = [Update.de_json(_message(i + 1, 10_000 + i % chats, texts[i % len(texts)]),
                               app.bot) for i in range(count + 100)]
        warm, timed = made[:100], made[100:]
        await _pool(warm, concurrency, app.process_update)
        start = time.perf_counter()
        await _pool(timed, concurrency, app.process_update)
        elapsed = time.perf_counter() - start
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
    return {"updates": len(timed), "seconds": elapsed, "errors": errors.count}


# --------------------------------------------------------------------------- broadcast


@contextlib.asynccontextmanager
async def _bot(api: dict[str, str], paced: bool) -> AsyncIterator[Any]:
    """A Bot on the fake API; ``paced``: an ExtBot with the application's own rate limiter."""
    from telegram import Bot
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from handlers.ratelimit import PacedRateLimiter

    # The connection pool ApplicationBuilder gives the bot it builds.
    request = HTTPXRequest(connection_pool_size=256)
    bot: Bot
    if paced:
        # As build_application makes it: PacedRateLimiter(30/s, 1 s per chat), 3 retries.
        bot = ExtBot(api["token"], base_url=api["base_url"], base_file_url=api["base_file_url"],
                     request=request, rate_limiter=PacedRateLimiter(30.0, 1.0))
    else:
        bot = Bot(api["token"], base_url=api["base_url"], base_file_url=api["base_file_url"],
                  request=request)
    await bot.initialize()
    try:
        yield bot
    finally:
        await bot.shutdown()


def _sender(bot: Any, seen: dict[str, int]) -> Callable[[int, str], Awaitable[None]]:
    """The bot's own broadcast sender (handlers/publishing.py), counting 429s and faults."""
    from bot.publishing import broadcast as engine
    from handlers.publishing import telegram_sender

    send = telegram_sender(bot)

    async def counted(chat_id: int, text: str) -> None:
        try:
            await send(chat_id, text)
        except engine.RetryLater:
            seen["429"] += 1
            raise
        except engine.Transient:
            seen["transient"] += 1
            raise

    return counted


def _report_fields(report: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        return {k: v for k, v in dataclasses.asdict(report).items()
                if isinstance(v, int | float | str | bool | None)}
    return {"repr": repr(report)[:300]}


async def send_floor(api: dict[str, str], count: int, concurrency: int,
                     paced: bool) -> dict[str, Any]:
    """The harness alone: ``count`` sends through a Bot, no engine, no database.

    ``paced``: through the application's ``PacedRateLimiter`` (30/s, 1 s per chat, its
    default 3 retries after a 429), as every reply of the running bot is.
    """
    async with _bot(api, paced=paced) as bot:
        ids = [200_000 + i for i in range(count)]
        start = time.perf_counter()
        await _pool(ids, concurrency,
                    lambda c: bot.send_message(c, BROADCAST_TEXT, disable_web_page_preview=True))
        elapsed = time.perf_counter() - start
    return {"sent": count, "seconds": elapsed}


async def broadcast(directory: Path, api: dict[str, str], subscribers: int, rate: float,
                    per_chat: float, paced: bool, limit: float) -> dict[str, Any]:
    try:
        from bot.publishing.broadcast import BroadcastEngine, create_broadcast
    except ImportError as exc:
        return {"skipped": f"bot/publishing/broadcast.py not available ({exc})"}
    from bot.storage import Storage

    storage = await Storage.open(directory / "bench.sqlite3")
    out: dict[str, Any] = {}
    try:
        now = storage.now_iso()
        await storage.execute_many(
            "INSERT INTO subscribers (chat_id, subscribed_at) VALUES (?, ?)",
            [(100_000 + i, now) for i in range(subscribers)])
        async with _bot(api, paced) as bot:
            seen = {"429": 0, "transient": 0}
            broadcast_id = await create_broadcast(storage, 1, "bench", BROADCAST_TEXT)
            engine = BroadcastEngine(storage, _sender(bot, seen), rate_per_second=rate,
                                     per_chat_interval=per_chat, max_retries=5)
            out["max_in_flight"] = engine.max_in_flight
            out["rss_before_mib"] = peak_rss_mib()
            start = time.perf_counter()
            try:
                report = await asyncio.wait_for(engine.run(broadcast_id), limit)
                out["report"] = _report_fields(report)
            except TimeoutError:
                out["timed_out"] = True
            out["seconds"] = time.perf_counter() - start
            out["sender_429"] = seen["429"]
            out["sender_transient"] = seen["transient"]
            rows = await storage.fetch_all(
                "SELECT state, COUNT(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? "
                "GROUP BY state", (broadcast_id,))
            out["states"] = {r["state"]: r["n"] for r in rows}
    finally:
        await storage.close()
    return out


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("what", choices=["idle-core", "idle-app", "updates", "broadcast",
                                         "send-floor"])
    parser.add_argument("--api", type=json.loads, default=None)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--kind", choices=["send", "start", "questions"], default="questions")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=1e6)
    parser.add_argument("--per-chat", type=float, default=0.0)
    parser.add_argument("--paced", action="store_true",
                        help="send through an ExtBot with the application's PacedRateLimiter")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csp-bench-") as tmp:
        directory = Path(tmp)
        result: dict[str, Any]
        if args.what == "idle-core":
            result = idle_core(directory)
        elif args.what == "idle-app":
            result = idle_app(directory)
        elif args.what == "updates":
            result = asyncio.run(updates(directory, args.api, args.count, args.concurrency,
                                         args.kind))
        elif args.what == "send-floor":
            result = asyncio.run(send_floor(args.api, args.count, args.concurrency, args.paced))
        else:
            result = asyncio.run(broadcast(directory, args.api, args.subscribers, args.rate,
                                           args.per_chat, args.paced, args.timeout))
    result["rss_mib"] = peak_rss_mib()
    print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
