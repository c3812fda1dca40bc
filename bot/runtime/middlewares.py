"""Middlewares only inject: who is acting, in which role, and the chat's binding."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.types import Chat, TelegramObject, Update, User

from bot.access.acting import resolve
from bot.runtime.storage import SqlStorage
from bot.runtime.update_slots import UPDATE_SLOT, UpdateSlots
from bot.views.reader_zone import reading
from core.domain import Actor, Role
from core.organisation import Organisation
from core.ports import Database
from core.services import groups, people

# In an update's data: the person as read with their conversation (``ConversationReads``).
PERSON_READ = "person_read"


class ConversationReads(FSMContextMiddleware):
    """aiogram's FSM middleware (the person's lock, then their conversation's state),
    reading the person in the same statement when the conversation is not cached: the two
    reads nearly every update starts with, as one. ``ActorMiddleware`` takes the person
    from here (``PERSON_READ``). Inside the lock it waits for a slot (``UPDATE_SLOT``)
    before its first read."""

    def __init__(self, storage: BaseStorage, events_isolation: BaseEventIsolation,
                 db: Database, slots: UpdateSlots | None = None) -> None:
        super().__init__(storage, events_isolation)
        self.db = db
        self.slots = slots or UpdateSlots(None)

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        context = self.resolve_event_context(data["bot"], data)
        data["fsm_storage"] = self.storage
        if context is None:
            return await handler(event, data)
        # The lock, then the read (aiogram #1317).
        async with self.events_isolation.lock(key=context.key), self.slots.taken() as slot:
            data[UPDATE_SLOT] = slot
            user: User | None = data.get("event_from_user")
            storage = self.storage
            if user is not None and isinstance(storage, SqlStorage):
                key = storage.uncached(context.key)
                if key is not None:
                    data[PERSON_READ], stored = await self.db.person_and_conversation(
                        user.id, key)
                    storage.learn(key, stored)
            data.update({"state": context, "raw_state": await context.get_state()})
            return await handler(event, data)


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
            person = data[PERSON_READ] if PERSON_READ in data else \
                await people.find_by_telegram(self.db, user.id)
            acting = await resolve(event, user, chat, person,
                                   db=self.db, rules=data["rules"],
                                   organisation=self.organisation, bot=data["bot"])
            data["person"], data["actor"] = acting.person, acting.actor
        person = data["person"]
        if person is not None and data["actor"].role is Role.CUSTOMER:
            with reading(person.phone):  # times said to them name our zone if theirs differs
                return await handler(event, data)
        return await handler(event, data)
