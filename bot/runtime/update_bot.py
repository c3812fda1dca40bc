"""The update's own bot: what handlers say waits for the commit, then goes out in order.

Each update is handled with an ``UpdateBot`` (aiogram mounts the update on it, so
``message.answer`` and an injected ``bot`` both reach it). Words and edits are not sent
on the spot: they are kept, written to the outbox with the update's writes (keyed by
the update), then sent by the real bot — paced, a 429 waited out — once the commit is
done. So a reply can no longer go out for a change that was never committed, a
redelivered update cannot say its words twice, and a reply the handler could not send
is said by the outbox sender instead of being lost (``core.db.replies``).

Everything else (answering a button press, asking Telegram about a member, uploading
a file) goes straight through. A handler that needs the message it sends (to remember
its id) says it with ``say_now``: what it said before goes first.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import pydantic_core
from aiogram import Bot
from aiogram.client.context_controller import BotContextController
from aiogram.client.default import Default
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import Message
from pydantic import BaseModel

from bot.delivery.paced_requests import COUNTED
from bot.runtime.update_slots import Slot
from core.notices import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")


class UpdateBot(Bot):
    """The real bot's token, session and defaults; its own list of what was said."""

    def __init__(self, bot: Bot, replies_by: Bot | None = None) -> None:
        self.__dict__.update(bot.__dict__)  # no Bot.__init__: nothing new to build
        self.real = bot
        # What sends the kept replies: a 429 hands them to the outbox instead of holding
        # the person's lock while it waits (``bot.runtime.app.build_bot``).
        self.replies_by = replies_by or bot
        self.kept: list[TelegramMethod[Any]] = []
        self._params: list[dict[str, Any]] = []  # each kept method's, as it will be stored
        self.keeping = True
        self.slot: Slot | None = None  # the update's (``bot.runtime.update_slots``)

    async def _real(self, method: TelegramMethod[T], request_timeout: int | None = None) -> T:
        """Straight to Telegram, the update's database slot given up while it waits."""
        if self.slot is None:
            return await self.real(method, request_timeout)
        async with self.slot.given_up():
            return await self.real(method, request_timeout)

    async def __call__(self, method: TelegramMethod[T], request_timeout: int | None = None) -> T:
        if isinstance(method, AnswerCallbackQuery):
            return await self._stop_spinner(method)  # type: ignore[return-value]
        says = isinstance(method, COUNTED)  # a variable: keeps ``method`` typed as given
        if self.keeping and says:
            params = _stored_or_none(method, self.real)
            if params is None:  # an upload: now, after what came before
                return await self.say_now(method)
            self.kept.append(method)
            self._params.append(params)
            return None  # type: ignore[return-value]  # nobody reads what a reply returns
        return await self._real(method, request_timeout)

    async def _stop_spinner(self, method: AnswerCallbackQuery) -> bool:
        """Answering a press only stops its spinner (or shows a toast): Telegram being
        away at that moment must not cost the person the step they took."""
        try:
            return await self._real(method)
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter,
                TimeoutError) as exc:
            log.warning("a press could not be answered (%s); the step goes on", exc)
            return False

    async def say_now(self, method: TelegramMethod[T]) -> T:
        """Sent at once, with what was said before it: the caller needs the message."""
        kept, self.kept, self._params = self.kept, [], []
        for earlier in kept:
            await self._real(earlier)
        return await self._real(method)

    def replies(self) -> list[Reply]:
        """What was kept, to write with the update; from now on, calls go straight out."""
        self.keeping = False
        return [Reply(chat_id=int(getattr(method, "chat_id", 0) or 0),
                      method=type(method).__name__, params=params)
                for method, params in zip(self.kept, self._params, strict=True)]


async def said_now(method: TelegramMethod[Message]) -> Message:
    """``method`` (say, ``message.answer(...)`` not awaited) sent at once: for a prompt
    whose message id the conversation keeps."""
    bot = method.bot
    if isinstance(bot, UpdateBot):
        return await bot.say_now(method)
    return await method


def mount(update: BaseModel, bot: Bot) -> None:
    """Bind the update and everything in it to ``bot``, in place (aiogram would rebuild
    it through JSON)."""
    if isinstance(update, BotContextController):
        update.as_(bot)
    for value in update.__dict__.values():  # the fields; most of them None
        if value is not None:
            _mount_value(value, bot)


def _mount_value(value: Any, bot: Bot) -> None:
    if isinstance(value, BaseModel):
        mount(value, bot)
    elif isinstance(value, list | tuple):
        for item in value:
            _mount_value(item, bot)


def _stored(method: TelegramMethod[Any], bot: Bot) -> dict[str, Any]:
    """The method's parameters as JSON, the bot's defaults (parse mode …) filled in."""
    values = method.model_dump(warnings=False, exclude_none=True)
    resolved = {name: bot.default[value.name] if isinstance(value, Default) else value
                for name, value in values.items()}
    return pydantic_core.to_jsonable_python(
        {name: value for name, value in resolved.items() if value is not None})


def _stored_or_none(method: TelegramMethod[Any], bot: Bot) -> dict[str, Any] | None:
    """None for an upload (a file's bytes): it is not kept, it goes at once."""
    try:
        return _stored(method, bot)
    except pydantic_core.PydanticSerializationError:
        return None
