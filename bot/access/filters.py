"""Routers' filters on who is acting, read from what ``ActorMiddleware`` injected (no I/O)."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Chat, TelegramObject

from bot.access.supervisor_access import may_use_desk
from core.domain import Actor, Role
from core.services.groups import Group

GROUP_CHATS = frozenset({"group", "supergroup"})


class InGroup(Filter):
    """A group chat (for a message or a button press alike)."""

    async def __call__(self, event: TelegramObject, event_chat: Chat | None = None) -> bool:
        return event_chat is not None and event_chat.type in GROUP_CHATS


class InPrivate(Filter):
    async def __call__(self, event: TelegramObject, event_chat: Chat | None = None) -> bool:
        return event_chat is not None and event_chat.type == "private"


class ActsAsStaff(Filter):
    """Staff (desk, department or supervisor) acting in a group chat."""

    async def __call__(self, event: TelegramObject, actor: Actor,
                       event_chat: Chat | None = None) -> bool:
        return (event_chat is not None and event_chat.type in GROUP_CHATS
                and actor.role is not Role.CUSTOMER)


class UsesDesk(Filter):
    """A supervisor, in the supervisors' group or a private chat."""

    async def __call__(self, event: TelegramObject, actor: Actor, binding: Group | None,
                       event_chat: Chat | None = None) -> bool:
        return may_use_desk(actor, event_chat, binding)
