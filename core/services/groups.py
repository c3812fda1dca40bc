"""Which group plays which part: the customer-service desk, a department, the supervisors.

Bindings made in chat (``/bind``) live in the database; groups listed in the organisation
file count too, so a deployment can be set up either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.domain import DomainError
from core.notices import GroupBack, GroupLost, Route, department
from core.organisation import GroupBinding, Organisation
from core.ports import CardRecord, Database, GroupRecord

_BINDING = re.compile(r"^(desk|supervisors|department:[a-z][a-z0-9_]{0,31})$")


@dataclass(frozen=True)
class Group:
    chat_id: int
    binding: str
    language: str | None
    is_forum: bool = False

    @property
    def department(self) -> str | None:
        kind, _sep, code = self.binding.partition(":")
        return code if kind == "department" else None


async def bind(db: Database, organisation: Organisation, chat_id: int, binding: str,
               by_telegram_id: int, now: datetime, *, is_forum: bool = False,
               language: str | None = None) -> Group:
    if by_telegram_id not in organisation.admins:
        raise DomainError("not_an_admin")
    if not _BINDING.match(binding):
        raise DomainError("bad_binding", binding=binding[:40])
    code = binding.partition(":")[2]
    if code and organisation.policy.department(code) is None:
        raise DomainError("unknown_department", department=code)
    async with db.uow() as uow:
        await uow.groups.bind(chat_id, binding, by_telegram_id, now, is_forum=is_forum,
                              language=language)
        # Cards that found no group for this part (none was bound) come to the new one.
        route = route_of(binding)
        await uow.outbox.redeliver_cards(route.audience, route.address, now)
        await uow.commit()
    return Group(chat_id, binding, language, is_forum)


async def unbind(db: Database, organisation: Organisation, chat_id: int,
                 by_telegram_id: int) -> None:
    if by_telegram_id not in organisation.admins:
        raise DomainError("not_an_admin")
    async with db.uow() as uow:
        await uow.groups.unbind(chat_id)
        await uow.commit()


async def set_active(db: Database, organisation: Organisation, chat_id: int, active: bool,
                     now: datetime) -> Group | None:
    """The bot was removed from (or came back to) a group, bound in chat or in the
    organisation file; its binding sleeps meanwhile, and the supervisors are told in the
    same transaction. Back, the group gets the cards it missed meanwhile."""
    listed = _listed(organisation, chat_id)
    async with db.uow() as uow:
        row = await uow.groups.set_active(chat_id, active)
        if row is None and listed is not None and not active:
            row = await uow.groups.absent(chat_id, listed.binding, now, is_forum=listed.forum,
                                          language=listed.language)
        if row is None:
            return None
        kind = GroupBack if active else GroupLost
        # Keyed by the moment and the chat: two groups lost in the same second (an admin
        # tidying up) are two alerts, not a clash of keys.
        await uow.outbox.add([kind(binding=row.binding, chat_id=chat_id)], now,
                             anchor=int(now.timestamp()) * 10**15 + abs(chat_id) % 10**15)
        if active:
            route = route_of(row.binding)
            await uow.outbox.redeliver_cards(route.audience, route.address, now)
        await uow.commit()
        return Group(row.chat_id, row.binding, row.language, row.is_forum)


def route_of(binding: str) -> Route:
    """Whom the notices for a group's part are addressed to."""
    kind, _sep, code = binding.partition(":")
    return department(code) if kind == "department" else Route(kind)


def _listed(organisation: Organisation, chat_id: int) -> GroupBinding | None:
    return next((g for g in organisation.groups if g.chat_id == chat_id), None)


def _group(row: GroupRecord | None, listed: GroupBinding | None) -> Group | None:
    """A binding made in chat wins (asleep: no group); else the organisation file's."""
    if row is not None:
        return Group(row.chat_id, row.binding, row.language, row.is_forum) if row.active else None
    return Group(listed.chat_id, listed.binding, listed.language, listed.forum) if listed else None


async def group_of(db: Database, organisation: Organisation, chat_id: int) -> Group | None:
    async with db.uow(read_only=True) as uow:
        row = await uow.groups.get(chat_id)
    return _group(row, _listed(organisation, chat_id))


async def group_for(db: Database, organisation: Organisation, binding: str) -> Group | None:
    """The active group bound to ``binding`` (the newest binding wins)."""
    async with db.uow(read_only=True) as uow:
        row = await uow.groups.newest(binding)
    return _group(row, next((g for g in organisation.groups if g.binding == binding), None))


async def card_of(db: Database, case_id: int, chat_id: int) -> CardRecord | None:
    async with db.uow(read_only=True) as uow:
        return await uow.groups.card(case_id, chat_id)


async def remember_card(db: Database, case_id: int, chat_id: int, message_id: int,
                        thread_id: int | None, now: datetime, rendered: str | None = None
                        ) -> None:
    async with db.uow() as uow:
        await uow.groups.remember_card(CardRecord(case_id, chat_id, message_id, thread_id, now,
                                                  rendered))
        await uow.commit()


async def note_rendered(db: Database, case_id: int, chat_id: int, rendered: str) -> None:
    async with db.uow() as uow:
        await uow.groups.note_rendered(case_id, chat_id, rendered)
        await uow.commit()
