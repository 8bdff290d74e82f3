"""Processing updates one at a time per chat, with a bounded backlog, other chats in parallel.

Why this exists
---------------
``ApplicationBuilder.concurrent_updates(True)`` runs up to 256 updates at once, in any order.
Two problems follow:

* A partner who sends the narrative and then the figures before the bot answers gets both
  handled at once by the ``/update`` conversation, both in the narrative step: the
  narrative is overwritten and the figures prompt sent twice. PTB does not order a
  ``ConversationHandler``'s updates under concurrency.
* Replies to one chat go out at about one a second (Telegram's limit). Every update waiting
  to send its reply holds one of the 256 slots, so one chat writing fast enough takes all
  of them and everyone else waits minutes, people in crisis included.

:class:`ChatSerialProcessor` handles each chat's updates in arrival order, one at a time,
while other chats run concurrently. Each chat may have at most ``backlog`` updates waiting
behind the one running; more are dropped, and the chat is told once (the same polite note
as the flood guard, which now runs here, on arrival, rather than after queueing). So one
chat holds at most ``backlog + 1`` of the slots.

A message describing immediate danger (``detect_crisis``) is never dropped, skips the flood
guard and goes to the front of its chat's queue: it waits at most for the update being
handled now. When the queue is full it takes the place of the newest ordinary message.

Limits: the flood and backlog checks run once PTB has given the update a slot; when 256
slots are already busy (it would take 50 chats flooding at once), new updates wait for one
in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseUpdateProcessor

from bot.answering.crisis import detect_crisis
from bot.flood import FloodGuard

logger = logging.getLogger(__name__)

FLOOD_NOTE = (
    "You're sending messages very quickly, so I'll pause for a few seconds and skip some of "
    "them. Please wait for my replies, then ask again. In an emergency call 999."
)

#: Updates one chat may have waiting behind the one being handled.
DEFAULT_BACKLOG = 4
#: Updates handled at once, over all chats (PTB's ``concurrent_updates(True)``).
DEFAULT_CONCURRENCY = 256


@dataclass
class _Waiter:
    turn: asyncio.Future[bool]  # True: your turn; False: dropped to make room for a crisis
    urgent: bool


@dataclass
class _Lane:
    """One chat's updates: whether one is running, and those waiting behind it."""

    busy: bool = False
    waiting: deque[_Waiter] = field(default_factory=deque)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (the user's id when there is no chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


def is_urgent(update: object) -> bool:
    """A message (or a photo's caption) that describes someone in danger now."""
    if not isinstance(update, Update) or update.effective_message is None:
        return False
    message = update.effective_message
    text = message.text or message.caption
    return text is not None and detect_crisis(text) is not None


class ChatSerialProcessor(BaseUpdateProcessor):
    """Per chat: in order, one at a time, at most ``backlog`` waiting; chats in parallel.

    ``attach(application)`` must be called before updates arrive: the processor needs the
    bot to send the flood note and the flood guard of the application's services.
    """

    def __init__(self, max_concurrent_updates: int = DEFAULT_CONCURRENCY,
                 backlog: int = DEFAULT_BACKLOG) -> None:
        super().__init__(max_concurrent_updates)
        if backlog < 0:
            raise ValueError("backlog must not be negative")
        self.backlog = backlog
        self._lanes: dict[int, _Lane] = {}
        self._application: Application | None = None  # type: ignore[type-arg]
        self._flood: FloodGuard | None = None

    def attach(self, application: Application,  # type: ignore[type-arg]
               flood: FloodGuard) -> None:
        self._application = application
        self._flood = flood

    @property
    def busy_chats(self) -> int:
        """Chats with an update running or waiting (memory follows activity)."""
        return len(self._lanes)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: lanes empty themselves as their updates finish."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        urgent = is_urgent(update)
        if self._flood is not None:
            verdict = self._flood.check(key, urgent=urgent)
            if not verdict.allowed:
                self._drop(update, key, coroutine, note=verdict.warn)
                return
        lane = self._lanes.setdefault(key, _Lane())
        if lane.busy:
            waiter = self._enqueue(update, key, lane, urgent, coroutine)
            if waiter is None:
                return
            try:
                go = await waiter.turn
            except BaseException:
                # Cancelled while waiting (shutting down): leave the queue, hand on the turn
                # if it had just been given to us.
                with contextlib.suppress(ValueError):
                    lane.waiting.remove(waiter)
                if waiter.turn.done() and not waiter.turn.cancelled() and waiter.turn.result():
                    self._hand_on(key, lane)
                _close(coroutine)
                raise
            if not go:
                _close(coroutine)
                return
        else:
            lane.busy = True
        try:
            await coroutine
        finally:
            self._hand_on(key, lane)

    def _enqueue(self, update: object, key: int, lane: _Lane, urgent: bool,
                 coroutine: Awaitable[Any]) -> _Waiter | None:
        """Queue behind the running update (a crisis ahead of ordinary messages); None if
        the update was dropped because the chat's backlog is full."""
        if len(lane.waiting) >= self.backlog:
            newest_ordinary = next((w for w in reversed(lane.waiting) if not w.urgent), None)
            if not urgent or newest_ordinary is None:
                self._drop(update, key, coroutine, note=self._note_due(key))
                return None
            # Someone in danger comes before a question: drop the newest question instead.
            lane.waiting.remove(newest_ordinary)
            newest_ordinary.turn.set_result(False)
            self._note(key, self._note_due(key))
        waiter = _Waiter(asyncio.get_running_loop().create_future(), urgent)
        if urgent:
            at = sum(1 for w in lane.waiting if w.urgent)  # behind earlier crises, in order
            lane.waiting.insert(at, waiter)
        else:
            lane.waiting.append(waiter)
        return waiter

    def _hand_on(self, key: int, lane: _Lane) -> None:
        """The running update is done: start the next one waiting, or free the lane."""
        while lane.waiting:
            waiter = lane.waiting.popleft()
            if not waiter.turn.done():
                waiter.turn.set_result(True)
                return
        lane.busy = False
        if self._lanes.get(key) is lane:
            del self._lanes[key]

    def _note_due(self, key: int) -> bool:
        return self._flood.note_due(key) if self._flood is not None else False

    def _drop(self, update: object, key: int, coroutine: Awaitable[Any], *, note: bool) -> None:
        _close(coroutine)
        logger.info("dropped an update from a flooding chat")  # no chat id, no text
        self._note(key, note)
        app = self._application
        if app is not None and isinstance(update, Update) and update.callback_query is not None:
            # A pressed button must be answered, or the person's app shows it spinning.
            app.create_task(self._answer(update), update=update, name="serial:answer-dropped")

    def _note(self, key: int, note: bool) -> None:
        app = self._application
        if note and app is not None:
            # A task: the note is paced like any message to the chat, and the slot this
            # update holds should not wait for that.
            app.create_task(self._send_note(app, key), name="serial:flood-note")

    @staticmethod
    async def _send_note(app: Application, chat_id: int) -> None:  # type: ignore[type-arg]
        try:
            await app.bot.send_message(chat_id, FLOOD_NOTE)
        except TelegramError as exc:
            logger.warning("could not send the flood note: %s", exc)

    @staticmethod
    async def _answer(update: Update) -> None:
        assert update.callback_query is not None
        try:
            await update.callback_query.answer()
        except TelegramError as exc:
            logger.debug("could not answer a dropped button press: %s", exc)


def _close(coroutine: Awaitable[Any]) -> None:
    """Discard an update's processing coroutine that will never run (no 'never awaited')."""
    if isinstance(coroutine, Coroutine):
        coroutine.close()


__all__ = ["ChatSerialProcessor", "FLOOD_NOTE", "chat_key", "is_urgent"]
