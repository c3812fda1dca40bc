"""What ``run`` checks before it takes updates: the database, Redis and the Bot API answer.

A wrong setting is then one line naming the setting and the address (password hidden),
and ``run`` exits 2, instead of a traceback from deep inside the first update. The Bot API
alone is tried again a few times (a proxy or a local Bot API server may still be starting).
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from yarl import URL

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 10.0  # seconds a database or Redis may take to answer at start-up


class StartupFailure(Exception):
    """A setting that does not work: one line for the operator."""


def shown_database_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]  # not a URL SQLAlchemy reads; never show what may be a password


def shown_url(url: str) -> str:
    """A Redis or HTTP address with its password (if any) replaced by ***."""
    try:
        parsed = URL(url)
    except (TypeError, ValueError):
        return url.split("@")[-1]
    return str(parsed.with_password("***")) if parsed.password else str(parsed)


def reason(exc: BaseException) -> str:
    """The innermost cause, short: "[Errno 111] Connect call failed ..." rather than
    SQLAlchemy's or aiohttp's wrappers and their links to documentation."""
    while True:
        inner = getattr(exc, "orig", None) or exc.__cause__
        if not isinstance(inner, BaseException) or inner is exc:
            break
        exc = inner
    if isinstance(exc, TimeoutError):
        return "no answer (timed out)"
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return first[:200]


async def check_database(engine: AsyncEngine, url: str, timeout: float = CONNECT_TIMEOUT) -> None:
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise StartupFailure(f"DATABASE_URL: cannot reach the database at "
                             f"{shown_database_url(url)}: {reason(exc)}") from None


async def check_redis(url: str, timeout: float = CONNECT_TIMEOUT) -> None:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    try:
        client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError as exc:
        raise StartupFailure(f"REDIS_URL: {shown_url(url)} is not a Redis URL: {exc}") from None
    try:
        async with asyncio.timeout(timeout):
            await client.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        raise StartupFailure(f"REDIS_URL: cannot reach Redis at {shown_url(url)}: "
                             f"{reason(exc)}") from None
    finally:
        await client.aclose()


async def check_bot_api(bot: Bot, api_url: str, attempts: int, backoff: float) -> None:
    """getMe, tried ``attempts`` times, waiting ``backoff``, then twice that, and so on."""
    where = shown_url(api_url)
    for attempt in range(1, attempts + 1):
        try:
            me = await bot.get_me()
        except TelegramUnauthorizedError:
            raise StartupFailure(f"BOT_TOKEN: the Bot API at {where} does not accept this "
                                 "token (ask @BotFather for the current one)") from None
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            if attempt == attempts:
                raise StartupFailure(
                    f"TELEGRAM_API_URL: no answer from the Bot API at {where} after "
                    f"{attempts} attempt(s): {reason(exc)}") from None
            delay = backoff * 2 ** (attempt - 1)
            log.warning("the Bot API at %s did not answer (attempt %d of %d): %s; "
                        "trying again in %.1f s", where, attempt, attempts, reason(exc), delay)
            await asyncio.sleep(delay)
        except TelegramAPIError as exc:
            raise StartupFailure(f"TELEGRAM_API_URL: the Bot API at {where} refused getMe: "
                                 f"{reason(exc)}") from None
        else:
            log.info("the Bot API at %s answers: this is @%s", where, me.username)
            return
