"""The strict fake Bot API (``tests/fakebotapi.py``) as a separate process, for benchmarks.

    python -m bench.fakeserver [--enforce-limits] [--overall 30] [--per-chat 1.0]

Prints one JSON line ``{"base_url", "base_file_url", "token"}`` once listening on 127.0.0.1
and serves until its standard input closes. Running it in its own process keeps its work off
the measured process (as Telegram's servers are), and keeps what it stores out of the
measured process's memory. Two extra methods, called like Bot API methods, report and reset
what it saw: ``benchStats`` and ``benchReset``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bench.common import peak_rss_mib, use_repo_root

use_repo_root()

from tests.fakebotapi import ApiError, FakeBotAPI  # noqa: E402


class BenchAPI(FakeBotAPI):
    """The fake, counting the 429s it answers, with stats and reset methods."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(require_known_chats=False, **kwargs)
        self.too_many = 0
        self._handlers["benchstats"] = ("benchStats", self._bench_stats)
        self._handlers["benchreset"] = ("benchReset", self._bench_reset)

    def _check_rate(self, chat_id: int, now: float) -> None:
        try:
            super()._check_rate(chat_id, now)
        except ApiError as exc:
            if exc.status == 429:
                self.too_many += 1
            raise

    async def _bench_stats(self, params: dict[str, Any]) -> dict[str, Any]:
        times = [m.timestamp for m in self._sent]
        return {
            "sent": len(times),
            "photos": sum(1 for m in self._sent if m.kind == "photo"),
            "too_many": self.too_many,
            "first": min(times, default=0.0),
            "last": max(times, default=0.0),
            "max_overall_rate": self.max_overall_rate(),
            "max_per_chat_rate": self.max_per_chat_rate(),
            "calls": len(self.calls),
            "rss_mib": peak_rss_mib(),
        }

    async def _bench_reset(self, params: dict[str, Any]) -> bool:
        self._sent.clear()
        self._by_chat.clear()
        self._by_id.clear()
        self._incoming.clear()
        self.calls.clear()
        self.too_many = 0
        return True


async def serve(args: argparse.Namespace) -> None:
    api = BenchAPI(enforce_limits=args.enforce_limits, overall_per_second=args.overall,
                   per_chat_interval=args.per_chat)
    await api.start()
    print(json.dumps({"base_url": api.base_url, "base_file_url": api.base_file_url,
                      "token": api.token}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fakeserver")
    parser.add_argument("--enforce-limits", action="store_true")
    parser.add_argument("--overall", type=int, default=30)
    parser.add_argument("--per-chat", type=float, default=1.0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
