"""Middlewares only inject: who is acting, in which role, and the chat's binding."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from core.domain import Actor, Role
from core.organisation import Organisation
from core.ports import Database
from core.services import groups, people


class ActorMiddleware(BaseMiddleware):
    """Adds ``person`` (or None), ``actor`` and ``binding`` (a group's role, or None)."""

    def __init__(self, db: Database, organisation: Organisation) -> None:
        self.db = db
        self.organisation = organisation

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        person = await people.find_by_telegram(self.db, user.id) if user else None
        person_id = person.id if person else None
        actor = self.organisation.actor_for(user.id, person_id) if user else None
        data["person"] = person
        data["actor"] = actor or Actor(person_id, Role.CUSTOMER)
        chat = data.get("event_chat")
        binding = None
        if chat is not None and chat.type != "private":
            binding = await groups.group_of(self.db, self.organisation, chat.id)
        data["binding"] = binding
        data["group_language"] = binding.language if binding else None
        return await handler(event, data)
