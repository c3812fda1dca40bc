"""A 429 in a conversation delays the reply; it does not break the conversation.

Telegram's flood control refuses a request with ``retry_after``. The person who just wrote
is waiting for exactly that answer, and their next update waits behind this one (the
per-person lock), so the handlers' bot waits as told and asks again, up to ``max_wait`` in
all. Failing instead used to leave the conversation a step ahead of what the person saw:
"Sorry, something went wrong", then "I did not understand" to everything until /start.

What a handler needs at once (answering a press, a prompt whose id it keeps) goes through
this. An update's kept replies (``bot.runtime.update_bot``) wait ``REPLY_FLOOD_WAIT`` at
most, then go to the outbox; the background workers (outbox, jobs) put a notice back in
line and go on with other chats (``bot.delivery.outbox_sender``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod

log = logging.getLogger(__name__)
MAX_WAIT = 60.0  # seconds, summed over one request's waits; past it the update fails
# An update's kept replies wait out a short 429 (the person's own chat limit, a second or
# two) where they are, in order; a longer one goes to the outbox, freeing their lock.
REPLY_FLOOD_WAIT = 5.0


class WaitOutFloods(BaseRequestMiddleware):
    def __init__(self, max_wait: float = MAX_WAIT,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.max_wait = max_wait
        self.sleep = sleep

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Any:
        waited = 0.0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if waited + exc.retry_after > self.max_wait:
                    raise
                log.info("%s: flood control, waiting %ss as Telegram asks",
                         type(method).__name__, exc.retry_after)
                await self.sleep(exc.retry_after)
                waited += exc.retry_after
