"""PacedRateLimiter under a loaded machine and a jittery network: limits hold on *arrival*.

Telegram counts messages when they reach it, not when we send them. Two things move the
times: our sleeps wake late (a busy event loop), and each request takes a slightly different
time to cross the network. The limiter must pace evenly (no bursts that jitter can squeeze
into one second) and leave a margin that the jitter cannot use up.

Everything runs in virtual time (``VirtualTime`` from test_ratelimit, whose sleeps overshoot by
a seeded random amount); arrival jitter is added per message from another seeded generator.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pytest

from bot.app import OVERALL_PER_SECOND, PER_CHAT_INTERVAL
from handlers.ratelimit import PacedRateLimiter
from tests.test_ratelimit import FakeBotAPI, VirtualTime, call, gaps, most_in_window

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

#: Network jitter per message: each request takes 0-20 ms longer to arrive than the fastest.
NETWORK_JITTER = 0.02


def arrivals(api: FakeBotAPI, seed: int) -> list[tuple[Any, float]]:
    """(chat, arrival time) of every paced call: its start plus its own network delay."""
    rng = random.Random(seed)
    return [(chat, at + rng.uniform(0.0, NETWORK_JITTER)) for _, chat, at in api.calls]


async def busy_moment(
    vt: VirtualTime, limiter: PacedRateLimiter, api: FakeBotAPI, seed: int
) -> int:
    """Hundreds of /subscribe commands at once from many chats, some answered twice or thrice,
    with more commands trickling in while the backlog drains. Returns the number of sends."""
    rng = random.Random(seed)
    chats = list(range(1000, 1300))
    sends = [call(limiter, api, "sendMessage", chat) for chat in chats]
    # A confirmation and a follow-up for some: the same chat again, paced 1 a second.
    sends += [call(limiter, api, "sendMessage", chat) for chat in rng.sample(chats, 60)]
    sends += [call(limiter, api, "editMessageText", chat) for chat in rng.sample(chats, 20)]

    async def later(chat: int) -> None:
        await vt.sleep(rng.uniform(0.0, 8.0))
        await call(limiter, api, "sendMessage", chat)

    stragglers = [later(chat) for chat in range(2000, 2100)] + [
        later(chat) for chat in rng.sample(chats, 40)
    ]
    await vt.run(*sends, *stragglers)
    return len(sends) + len(stragglers)


CONFIGS = [
    pytest.param(30.0, 1.0, id="defaults-30/s-1s"),
    pytest.param(OVERALL_PER_SECOND, PER_CHAT_INTERVAL, id="as-the-app-builds-it"),
]


@pytest.mark.parametrize(("overall", "per_chat"), CONFIGS)
@pytest.mark.parametrize("late", [0.005, 0.02, 0.05])
@pytest.mark.parametrize("seed", range(6))
async def test_no_second_of_arrivals_over_the_limit_when_sleeps_wake_late(
    overall: float, per_chat: float, late: float, seed: int
) -> None:
    vt = VirtualTime(jitter=late, seed=seed)
    limiter = PacedRateLimiter(
        overall_per_second=overall, per_chat_interval=per_chat, clock=vt.clock, sleep=vt.sleep
    )
    api = FakeBotAPI(vt.clock)
    total = await busy_moment(vt, limiter, api, seed)
    assert len(api.calls) == total == 520

    arrived = arrivals(api, seed + 100)
    # Telegram's overall limit, counted where Telegram counts it.
    assert most_in_window([at for _, at in arrived]) <= int(overall)
    # ... and its per-chat limit: no chat gets two messages within a second of each other.
    by_chat: defaultdict[Any, list[float]] = defaultdict(list)
    for chat, at in arrived:
        by_chat[chat].append(at)
    closest = min(min(gaps(sorted(times)), default=9.9) for times in by_chat.values())
    assert closest >= 1.0


@pytest.mark.parametrize("late", [0.02, 0.05])
@pytest.mark.parametrize("seed", range(4))
async def test_paced_evenly_not_in_bursts_when_sleeps_wake_late(late: float, seed: int) -> None:
    # The reported pattern: quiet for 120-170 ms, then 4 messages within 3-20 ms. Starts must
    # stay spread out even when a late wake-up has put the queue behind schedule.
    vt = VirtualTime(jitter=late, seed=seed)
    limiter = PacedRateLimiter(clock=vt.clock, sleep=vt.sleep)
    api = FakeBotAPI(vt.clock)
    await busy_moment(vt, limiter, api, seed)
    starts = api.starts()
    slot = 1.0 / 30
    assert min(gaps(starts)) >= slot / 2
    # No handful of messages bunched into a sliver of a second, either.
    assert all(b - a >= 3 * slot / 2 for a, b in zip(starts, starts[3:], strict=False))


async def test_no_per_chat_interval_means_no_per_chat_margin_either() -> None:
    # per_chat_interval=0 (the fast test harness, the benchmark) promises no per-chat limit: a
    # chat's messages go at the overall pace, not 40-50 ms apart for a margin nobody needs.
    vt = VirtualTime()
    limiter = PacedRateLimiter(
        overall_per_second=1000, per_chat_interval=0, clock=vt.clock, sleep=vt.sleep
    )
    api = FakeBotAPI(vt.clock)
    await vt.run(*(call(limiter, api, "sendMessage", 7, text=str(i)) for i in range(20)))
    starts = api.starts(7)
    assert len(starts) == 20
    assert starts[-1] - starts[0] < 0.05  # 19 overall slots of about 1 ms
