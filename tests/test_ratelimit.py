"""PacedRateLimiter: Telegram's limits hold over every sliding window, and nothing else waits.

Most tests run in virtual time: ``VirtualTime.sleep`` parks the task and the driver moves the
clock straight to the next wake-up once every task is parked, so seconds of pacing take
milliseconds and every start time is exact. One short test uses the real clock.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import random
import time
from collections.abc import Coroutine
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.ext import ApplicationBuilder, ExtBot

from handlers.ratelimit import _SLACK, PacedRateLimiter

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

T0 = 1000.0  # not 0, like a real monotonic clock


class VirtualTime:
    """A clock and sleep for the limiter; ``run`` drives all spawned tasks to completion.

    ``jitter`` makes every sleep overshoot by up to that many seconds, like a loaded machine.
    """

    def __init__(self, start: float = T0, jitter: float = 0.0, seed: int = 1) -> None:
        self.now = start
        self._jitter = jitter
        self._rng = random.Random(seed)
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._parked = 0
        self._live = 0
        self._tasks: list[asyncio.Task[Any]] = []
        self._all_parked = asyncio.Event()  # every live task is asleep: time may move on

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        when = self.now + max(0.0, delay)
        if self._jitter:
            when += self._rng.uniform(0.0, self._jitter)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._waiters, (when, self._seq, future))
        self._parked += 1
        self._check_parked()
        try:
            await future
        except asyncio.CancelledError:
            self._parked -= 1  # its waiter stays in the heap, already done: skipped below
            raise

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._live += 1
        task.add_done_callback(self._done)
        self._tasks.append(task)
        return task

    def _done(self, _task: asyncio.Task[Any]) -> None:
        self._live -= 1
        self._check_parked()

    def _check_parked(self) -> None:
        if self._parked >= self._live:
            self._all_parked.set()

    async def run(self, *coros: Coroutine[Any, Any, Any]) -> list[Any]:
        tasks = [self.spawn(coro) for coro in coros]
        while self._live:
            if self._parked < self._live:
                # Let every runnable task run until it parks or finishes.
                self._all_parked.clear()
                await self._all_parked.wait()
                continue
            when, _, future = heapq.heappop(self._waiters)
            if future.done():
                continue
            self.now = max(self.now, when)
            self._parked -= 1
            future.set_result(None)
        for task in self._tasks:
            if not task.cancelled():
                task.result()  # surface any failure
        return [task.result() for task in tasks]


class FakeBotAPI:
    """The ``callback`` PTB hands the limiter: records (endpoint, chat_id, time) of every call."""

    def __init__(self, clock: Any, fail: dict[Any, list[int]] | None = None) -> None:
        self.clock = clock
        self.calls: list[tuple[str, Any, float]] = []
        # chat_id -> retry_after values to raise, one per call, before succeeding
        self.fail: dict[Any, list[int]] = fail or {}

    async def __call__(self, endpoint: str, data: dict[str, Any], **_timeouts: Any) -> Any:
        chat_id = data.get("chat_id")
        self.calls.append((endpoint, chat_id, self.clock()))
        pending = self.fail.get(chat_id)
        if pending:
            raise RetryAfter(pending.pop(0))
        return {"ok": endpoint, "chat_id": chat_id}

    def starts(self, chat_id: Any = ..., *, limited: bool = True) -> list[float]:
        return sorted(
            at
            for endpoint, chat, at in self.calls
            if (chat_id is ... or chat == chat_id)
            and (not limited or endpoint.startswith(("send", "edit", "copy", "forward")))
        )


def call(
    limiter: PacedRateLimiter,
    api: FakeBotAPI,
    endpoint: str,
    chat_id: Any = None,
    rate_limit_args: Any = None,
    **fields: Any,
) -> Coroutine[Any, Any, Any]:
    data: dict[str, Any] = dict(fields)
    if chat_id is not None:
        data["chat_id"] = chat_id
    return limiter.process_request(
        api, (endpoint, data), {"read_timeout": None}, endpoint, data, rate_limit_args
    )


def most_in_window(times: list[float], window: float = 1.0) -> int:
    """The most starts in any half-open window [t, t + window), over all t."""
    times = sorted(times)
    best, j = 0, 0
    for i, start in enumerate(times):
        j = max(j, i)
        while j < len(times) and times[j] < start + window:
            j += 1
        best = max(best, j - i)
    return best


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def make(vt: VirtualTime, **kwargs: Any) -> tuple[PacedRateLimiter, FakeBotAPI]:
    limiter = PacedRateLimiter(clock=vt.clock, sleep=vt.sleep, **kwargs)
    return limiter, FakeBotAPI(vt.clock)


async def test_hundred_chats_never_over_thirty_in_any_second() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    results = await vt.run(*(call(limiter, api, "sendMessage", chat) for chat in range(100)))
    starts = api.starts()
    assert len(starts) == 100 and len(results) == 100
    assert most_in_window(starts) <= 30
    assert len(set(starts)) == 100  # evenly spread, never two at one instant
    assert starts[0] == T0  # nothing queued: the first goes at once
    # Paced, not slower than needed: the spacing plus its 1 % safety slack.
    assert starts[-1] - T0 <= 99 * (1 + _SLACK) / 30 + 1e-6


async def test_one_chat_gets_one_message_a_second() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    await vt.run(*(call(limiter, api, "sendMessage", 42, text=str(i)) for i in range(5)))
    spacing = gaps(api.starts(42))
    assert len(spacing) == 4
    assert all(1.0 <= gap <= 1.0 + _SLACK + 1e-6 for gap in spacing)


async def test_str_and_int_chat_id_are_the_same_chat() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    await vt.run(call(limiter, api, "sendMessage", 42), call(limiter, api, "sendPhoto", "42"))
    (gap,) = gaps([at for _, _, at in api.calls])
    assert gap >= 1.0


async def test_spamming_chat_is_paced_without_holding_up_the_others() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    endpoints = ["sendMessage", "editMessageText", "sendPhoto", "copyMessage", "forwardMessage"]
    spam = [call(limiter, api, endpoints[i % 5], 1) for i in range(20)]
    others = [call(limiter, api, "sendDocument", chat) for chat in range(100, 190)]
    mixed = [c for pair in zip(spam, others[:20], strict=True) for c in pair] + others[20:]
    await vt.run(*mixed)
    assert all(gap >= 1.0 for gap in gaps(api.starts(1)))
    everything = api.starts()
    assert len(everything) == 110
    assert most_in_window(everything) <= 30
    assert len(set(everything)) == len(everything)  # a delayed slot never lands on another
    # The other 90 chats go out at full pace rather than queueing behind chat 1's 19 s.
    assert max(at for _, chat, at in api.calls if chat != 1) - T0 < 110 / 30


async def test_callback_answers_and_updates_are_never_delayed() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    unpaced = ["answerCallbackQuery", "getUpdates", "getMe", "setMyCommands", "getChat"]

    async def later(delay: float) -> None:
        await vt.sleep(delay)
        for endpoint in unpaced:
            await call(limiter, api, endpoint, chat_id=7)

    sends = [call(limiter, api, "sendMessage", chat) for chat in range(100)]
    await vt.run(*sends, *(call(limiter, api, e, chat_id=7) for e in unpaced), later(1.5))
    immediate = [(e, at) for e, chat, at in api.calls if not e.startswith("send")]
    assert immediate == [(e, T0) for e in unpaced] + [(e, T0 + 1.5) for e in unpaced]


async def test_retry_after_pauses_all_sends_then_retries() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    api.fail = {10: [2]}  # chat 10's first send is refused: retry after 2 s
    results = await vt.run(*(call(limiter, api, "sendMessage", chat) for chat in range(60)))
    assert results[10] == {"ok": "sendMessage", "chat_id": 10}
    refused, retried = api.starts(10)
    starts = api.starts()
    assert not [at for at in starts if refused < at < refused + 2]
    assert refused + 2 <= retried < refused + 2.1
    # Coming out of the pause is paced too: no pile-up at its last instant.
    assert most_in_window(starts) <= 30
    assert len(set(starts)) == len(starts) == 61


async def test_unpaced_calls_go_through_during_a_pause() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    api.fail = {1: [5]}

    async def during_pause() -> None:
        await vt.sleep(1.0)
        assert limiter.paused_until == T0 + 5
        await call(limiter, api, "answerCallbackQuery", callback_query_id="q")

    await vt.run(call(limiter, api, "sendMessage", 1), during_pause())
    assert [(e, at) for e, _, at in api.calls] == [
        ("sendMessage", T0),
        ("answerCallbackQuery", T0 + 1),
        ("sendMessage", pytest.approx(T0 + 5, abs=1e-3)),
    ]


async def test_retry_after_propagates_after_max_retries(caplog: pytest.LogCaptureFixture) -> None:
    vt = VirtualTime()
    limiter, api = make(vt, max_retries=2)
    api.fail = {5: [1, 1, 1, 1]}
    caplog.set_level(logging.WARNING, logger="handlers.ratelimit")
    with pytest.raises(RetryAfter):
        await vt.run(call(limiter, api, "sendMessage", 5, text="my address is 1 Secret Lane"))
    assert len(api.starts(5)) == 3
    assert all(gap >= 1.0 for gap in gaps(api.starts(5)))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3 and "giving up" in warnings[-1].getMessage()
    assert "Secret" not in caplog.text


@pytest.mark.parametrize(("override", "calls"), [({"max_retries": 0}, 1), (1, 2), (None, 4)])
async def test_per_call_max_retries_override(override: Any, calls: int) -> None:
    vt = VirtualTime()
    limiter, api = make(vt)  # default max_retries=3
    api.fail = {5: [1] * 10}
    with pytest.raises(RetryAfter):
        await vt.run(call(limiter, api, "sendMessage", 5, rate_limit_args=override))
    assert len(api.calls) == calls


async def test_limits_hold_when_sleeps_wake_late() -> None:
    # A loaded machine wakes sleepers late and unevenly; the last-moment check still holds.
    vt = VirtualTime(jitter=0.05, seed=7)
    limiter, api = make(vt)
    busy = [call(limiter, api, "sendMessage", chat % 5) for chat in range(50)]
    quiet = [call(limiter, api, "sendMessage", chat) for chat in range(100, 250)]
    await vt.run(*busy, *quiet)
    assert len(api.calls) == 200
    assert most_in_window(api.starts()) <= 30
    for chat in range(5):
        assert all(gap >= 1.0 for gap in gaps(api.starts(chat)))


async def test_inline_edits_without_chat_id_count_towards_the_overall_limit() -> None:
    vt = VirtualTime()
    limiter, api = make(vt, overall_per_second=5)
    await vt.run(
        *(call(limiter, api, "editMessageText", inline_message_id=str(i)) for i in range(10))
    )
    starts = api.starts()
    assert most_in_window(starts) <= 5 and starts[-1] - T0 < 2.0


async def test_cancelled_request_gives_its_slot_back() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)

    async def scenario() -> None:
        tasks = [vt.spawn(call(limiter, api, "sendMessage", 3)) for _ in range(3)]
        await vt.sleep(0.5)  # the first has gone; the others wait for T0 + 1 and T0 + 2
        assert limiter.reserved_slots == 2
        tasks[2].cancel()
        await asyncio.sleep(0)
        assert limiter.reserved_slots == 1
        # The chat's next message takes the freed turn rather than queueing behind it.
        await call(limiter, api, "sendMessage", 3)

    await vt.run(scenario())
    gap = 1 + _SLACK
    assert api.starts(3) == pytest.approx([T0, T0 + gap, T0 + 2 * gap], abs=1e-3)


async def test_memory_stays_bounded_over_ten_thousand_chats() -> None:
    vt = VirtualTime()
    limiter, api = make(vt)
    peak_chats = peak_slots = 0

    async def traffic() -> None:
        nonlocal peak_chats, peak_slots
        for second in range(400):  # 25 new chats a second, in bursts
            for n in range(25):
                vt.spawn(call(limiter, api, "sendMessage", second * 25 + n))
            await vt.sleep(1.0)
            peak_chats = max(peak_chats, limiter.tracked_chats)
            peak_slots = max(peak_slots, limiter.reserved_slots)
        await vt.sleep(5.0)
        await call(limiter, api, "sendMessage", -1)

    await vt.run(traffic())
    assert len({chat for _, chat, _ in api.calls}) == 10_001
    assert most_in_window(api.starts()) <= 30
    assert peak_chats <= 60 and peak_slots <= 25
    assert limiter.tracked_chats == 1 and limiter.reserved_slots <= 1


def test_constructor_rejects_impossible_limits() -> None:
    with pytest.raises(ValueError):
        PacedRateLimiter(overall_per_second=0.5)
    with pytest.raises(ValueError):
        PacedRateLimiter(per_chat_interval=-1)
    with pytest.raises(ValueError):
        PacedRateLimiter(max_retries=-1)


async def test_real_clock_never_over_the_limit() -> None:
    limiter = PacedRateLimiter(overall_per_second=20)
    api = FakeBotAPI(time.monotonic)
    began = time.monotonic()
    await asyncio.gather(*(call(limiter, api, "sendMessage", chat) for chat in range(30)))
    starts = api.starts()
    assert len(starts) == 30
    assert most_in_window(starts) <= 20  # an upper bound: a slow machine only spreads them out
    assert starts[0] - began < 0.5


async def test_accepted_by_application_builder() -> None:
    limiter = PacedRateLimiter()
    app = ApplicationBuilder().token("123:" + "A" * 35).rate_limiter(limiter).build()
    assert isinstance(app.bot, ExtBot)
    assert app.bot.rate_limiter is limiter
