"""Building and running the Telegram application: the one place Telegram meets the core.

``build_application(config)`` wires python-telegram-bot's ``ApplicationBuilder`` with HTML
defaults, the strict rate limiter, SQLite persistence, the handlers from ``handlers/``, an
error handler and ``set_my_commands`` in ``post_init``. ``run(config)`` checks the token and
starts long polling or the webhook server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Config, require_token, require_webhook
from bot.errors import ConfigError, StorageError
from bot.services import Services
from handlers import COORDINATOR_COMMANDS, register_all
from handlers import on_startup as handlers_startup
from handlers.common import SERVICES_KEY, Context, services_of
from handlers.persistence import SqlitePersistence
from handlers.ratelimit import PacedRateLimiter, _retry_after_seconds
from handlers.residents import CHARTS_KEY, COMMANDS
from handlers.serial import ChatSerialProcessor

logger = logging.getLogger(__name__)

#: Outgoing pace of the whole bot (see build_application).
OVERALL_PER_SECOND = 29.0
PER_CHAT_INTERVAL = 1.05

PURGE_JOB = "privacy-purge"

SORRY = ("Sorry, something went wrong on our side. Please try again in a moment. "
         "In an emergency call 999.")


def knowledge_dir(config: Config) -> Path:
    from bot.config import kb_dir

    return kb_dir(None, config)


def build_application(
    config: Config,
    *,
    svc: Services | None = None,
    rate_limiter: PacedRateLimiter | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready to start: handlers, persistence, limits and start-up hooks.

    ``svc`` and ``rate_limiter`` are for tests (a pre-built core, faster pacing).
    """
    token = require_token(config)
    svc = svc or Services(config, knowledge_dir(config))
    # Telegram's limits: about 30 messages a second overall, 1 a second per chat. Telegram
    # measures on arrival, after network jitter, so we pace with a small margin on both.
    rate_limiter = rate_limiter or PacedRateLimiter(overall_per_second=OVERALL_PER_SECOND,
                                                    per_chat_interval=PER_CHAT_INTERVAL)
    flood = config.residents
    if flood.flood_messages / flood.flood_window_seconds >= 1 / PER_CHAT_INTERVAL:
        # Allowed to write faster than it can be answered, a chat's replies pile up.
        logger.warning("residents.flood_messages / flood_window_seconds is at or above one "
                       "chat's send rate (%.2f a second): a fast chat's replies will lag",
                       1 / PER_CHAT_INTERVAL)
    processor = ChatSerialProcessor()
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(rate_limiter)
        .persistence(SqlitePersistence(svc.storage))
        # Chats run concurrently (a slow answer for one resident never blocks another);
        # each chat's updates run in order, one at a time, with a bounded backlog, so a
        # partner's quick messages keep their order and one chat cannot take every slot.
        .concurrent_updates(processor)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    application.bot_data[SERVICES_KEY] = svc
    processor.attach(application, svc.flood)
    register_all(application)
    application.add_error_handler(on_error)
    return application


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    svc = services_of(application)
    # What /privacy says is kept for a limited time is purged now and then every day: a bot
    # that runs for months must not keep it past its time.
    await _purge_now(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(_purge, interval=dt.timedelta(days=1),
                                            first=dt.timedelta(days=1), name=PURGE_JOB)
    await application.bot.set_my_commands(COMMANDS)
    for user_id in svc.config.roles.coordinators:
        try:
            await application.bot.set_my_commands(
                COMMANDS + COORDINATOR_COMMANDS, scope=BotCommandScopeChat(user_id)
            )
        except TelegramError as exc:
            # A coordinator who never started the bot has no chat yet: not fatal.
            logger.warning("could not set coordinator commands for %s: %s", user_id, exc)
    await handlers_startup(application)


async def _purge_now(application: Application) -> None:  # type: ignore[type-arg]
    try:
        await (await services_of(application).storage()).purge_expired()
    except StorageError:
        # A locked or read-only database must not stop the bot answering; logged, retried.
        logger.exception("privacy purge failed; it runs again tomorrow")


async def _purge(context: Context) -> None:
    await _purge_now(context.application)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    svc = services_of(application)
    await svc.close()
    charts = application.bot_data.get(CHARTS_KEY)
    if charts is not None:
        charts.close()


async def on_error(update: object, context: Context) -> None:
    """Log with the traceback (never the message text) and apologise to the user."""
    logger.error("error handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, html.escape(SORRY))
        except TelegramError:
            logger.warning("could not send the apology either")
        if update.callback_query:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass  # already answered by the handler that failed


#: Waits between attempts to reach the Bot API at start-up: doubling, at most a minute.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0

TOKEN_REJECTED = ("TELEGRAM_BOT_TOKEN was rejected by Telegram (Unauthorized): the bot was "
                  "deleted or its token revoked; get the current token from @BotFather")


def _redact(text: str, token: str) -> str:
    # PTB's InvalidToken message quotes the token; error texts may carry request URLs.
    return text.replace(token, "<token>") if token else text


async def wait_for_bot_api(
    config: Config,
    token: str,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Return once the Bot API answers ``getMe`` with this token.

    A network outage at start-up is normal (a reboot before the network is up, Telegram
    briefly unreachable): retry with doubling waits and say so at WARNING. A rejected
    token will not fix itself: raise ConfigError with one line that never quotes it.
    """
    from telegram import Bot

    delay = FIRST_RETRY_SECONDS
    while True:
        probe = Bot(token, base_url=config.telegram.base_url,
                    base_file_url=config.telegram.base_file_url)
        try:
            async with probe:  # initialize() calls getMe; leaving closes the connection
                return
        except InvalidToken:
            raise ConfigError(TOKEN_REJECTED) from None
        except (NetworkError, RetryAfter) as exc:
            # RetryAfter and 5xx are Telegram asking us to wait; NetworkError is no network.
            told = _retry_after_seconds(exc) if isinstance(exc, RetryAfter) else 0.0
            wait = max(delay, told)
            logger.warning("cannot reach the Bot API at %s (%s: %s); retrying in %.0f s",
                           config.telegram.base_url, type(exc).__name__,
                           _redact(str(exc), token), wait)
        await sleep(wait)
        delay = min(delay * 2, MAX_RETRY_SECONDS)


def run(config: Config) -> None:
    """Run the bot until interrupted: long polling, or the webhook server.

    Waits for the Bot API first (see :func:`wait_for_bot_api`); a token Telegram rejects is
    a ConfigError (one line, exit 2), never a traceback with the token in it.
    """
    try:
        application = build_application(config)
    except InvalidToken as exc:
        raise ConfigError("TELEGRAM_BOT_TOKEN was refused as malformed") from exc
    token = require_token(config)
    svc = services_of(application)
    logger.info("knowledge: %d topics; storage: %s", len(svc.kb.topics), config.storage.path)
    secret: str | None = None
    if config.telegram.mode == "webhook":
        secret = require_webhook(config)
        if not config.telegram.webhook.url:
            raise ConfigError("telegram.webhook.url is required in webhook mode")
    asyncio.run(wait_for_bot_api(config, token))
    try:
        # bootstrap_retries=-1: should the network drop again between the check above and
        # PTB's own start-up, PTB retries (with its own backoff) instead of exiting.
        if secret is not None:
            hook = config.telegram.webhook
            application.run_webhook(
                listen=hook.listen,
                port=hook.port,
                url_path=hook.url_path,
                webhook_url=hook.url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,
            )
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    except InvalidToken:
        # Revoked while starting: `from None`, the InvalidToken's text quotes the token.
        raise ConfigError(TOKEN_REJECTED) from None


__all__ = ["build_application", "run", "wait_for_bot_api"]
