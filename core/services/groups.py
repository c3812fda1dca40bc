"""Which group plays which part: the customer-service desk, a department, the supervisors.

Bindings made in chat (``/bind``) live in the database; groups listed in the organisation
file count too, so a deployment can be set up either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.db.outbox import add_notices
from core.db.staff_models import CaseCardRow, GroupBindingRow
from core.db.uow import Database
from core.domain import DomainError
from core.notices import GroupBack, GroupLost
from core.organisation import GroupBinding, Organisation

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
    async with db.sessions() as session, session.begin():
        row = await session.get(GroupBindingRow, chat_id)
        if row is None:
            row = GroupBindingRow(chat_id=chat_id, bound_at=now)
            session.add(row)
        row.binding, row.bound_by, row.bound_at, row.active = binding, by_telegram_id, now, True
        row.is_forum, row.language = is_forum, language
    return Group(chat_id, binding, language, is_forum)


async def unbind(db: Database, organisation: Organisation, chat_id: int,
                 by_telegram_id: int) -> None:
    if by_telegram_id not in organisation.admins:
        raise DomainError("not_an_admin")
    async with db.sessions() as session, session.begin():
        row = await session.get(GroupBindingRow, chat_id)
        if row is not None:
            await session.delete(row)


async def set_active(db: Database, chat_id: int, active: bool, now: datetime) -> Group | None:
    """The bot was removed from (or came back to) a group; its binding sleeps meanwhile,
    and the supervisors are told in the same transaction."""
    async with db.sessions() as session, session.begin():
        row = await session.get(GroupBindingRow, chat_id)
        if row is None or row.active == active:
            return None
        row.active = active
        kind = GroupBack if active else GroupLost
        add_notices(session, [kind(binding=row.binding, chat_id=chat_id)],
                    now, anchor=int(now.timestamp()))
        return Group(row.chat_id, row.binding, row.language, row.is_forum)


def _group(row: GroupBindingRow | None, listed: GroupBinding | None) -> Group | None:
    """A binding made in chat wins (asleep: no group); else the organisation file's."""
    if row is not None:
        return Group(row.chat_id, row.binding, row.language, row.is_forum) if row.active else None
    return Group(listed.chat_id, listed.binding, listed.language, listed.forum) if listed else None


async def group_of(db: Database, organisation: Organisation, chat_id: int) -> Group | None:
    async with db.sessions() as session:
        row = await session.get(GroupBindingRow, chat_id)
    return _group(row, next((g for g in organisation.groups if g.chat_id == chat_id), None))


async def group_for(db: Database, organisation: Organisation, binding: str) -> Group | None:
    """The active group bound to ``binding`` (the newest binding wins)."""
    async with db.sessions() as session:
        row = (await session.execute(
            select(GroupBindingRow).where(GroupBindingRow.binding == binding)
            .order_by(GroupBindingRow.bound_at.desc()))).scalars().first()
    return _group(row, next((g for g in organisation.groups if g.binding == binding), None))


async def card_of(db: Database, case_id: int, chat_id: int) -> CaseCardRow | None:
    async with db.sessions() as session:
        return (await session.execute(select(CaseCardRow).where(
            CaseCardRow.case_id == case_id, CaseCardRow.chat_id == chat_id))).scalars().first()


async def remember_card(db: Database, case_id: int, chat_id: int, message_id: int,
                        thread_id: int | None, now: datetime) -> None:
    async with db.sessions() as session, session.begin():
        session.add(CaseCardRow(case_id=case_id, chat_id=chat_id, message_id=message_id,
                                thread_id=thread_id, created_at=now))
