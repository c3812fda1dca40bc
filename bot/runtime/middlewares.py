"""Middlewares only inject: who is acting, in which role, and the chat's binding."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, Update, User

from bot.access.acting import resolve
from bot.views.reader_zone import reading
from core.domain import Actor, Role
from core.organisation import Organisation
from core.ports import Database
from core.services import groups


class ActorMiddleware(BaseMiddleware):
    """Adds ``person`` (or None), ``actor`` and ``binding`` (a group's role, or None).

    The actor is final: handlers and routers' filters take it as it is
    (``bot.access.acting`` says how it is worked out: from the organisation, never from
    group membership).
    """

    def __init__(self, db: Database, organisation: Organisation) -> None:
        self.db = db
        self.organisation = organisation

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        binding = None
        if chat is not None and chat.type != "private":
            binding = await groups.group_of(self.db, self.organisation, chat.id)
        data["binding"] = binding
        data["group_language"] = binding.language if binding else None
        data["person"], data["actor"] = None, Actor(None, Role.CUSTOMER)
        if user is not None and isinstance(event, Update):
            acting = await resolve(event, user, chat, db=self.db,
                                   rules=data["rules"], organisation=self.organisation,
                                   bot=data["bot"])
            data["person"], data["actor"] = acting.person, acting.actor
        person = data["person"]
        if person is not None and data["actor"].role is Role.CUSTOMER:
            with reading(person.phone):  # times said to them name our zone if theirs differs
                return await handler(event, data)
        return await handler(event, data)
