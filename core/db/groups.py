"""Group bindings made in chat and the cards posted in groups, inside a unit of work.

A row the bot bound nobody (``bound_by`` empty) stands for a group of the organisation
file while the bot is out of it: asleep like a chat binding, and gone again once the bot
is back, so the file stays in charge of that group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.staff_models import CaseCardRow, GroupBindingRow
from core.records import CardRecord, GroupRecord


def _group(row: GroupBindingRow) -> GroupRecord:
    return GroupRecord(row.chat_id, row.binding, row.language, row.is_forum, row.active)


class GroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, chat_id: int) -> GroupRecord | None:
        row = await self.session.get(GroupBindingRow, chat_id)
        return None if row is None else _group(row)

    async def newest(self, binding: str) -> GroupRecord | None:
        row = (await self.session.execute(
            select(GroupBindingRow).where(GroupBindingRow.binding == binding)
            .order_by(GroupBindingRow.bound_at.desc()))).scalars().first()
        return None if row is None else _group(row)

    async def bind(self, chat_id: int, binding: str, by_telegram_id: int, now: datetime, *,
                   is_forum: bool, language: str | None) -> GroupRecord:
        row = await self.session.get(GroupBindingRow, chat_id)
        if row is None:
            row = GroupBindingRow(chat_id=chat_id, bound_at=now)
            self.session.add(row)
        row.binding, row.bound_by, row.bound_at, row.active = binding, by_telegram_id, now, True
        row.is_forum, row.language = is_forum, language
        return _group(row)

    async def unbind(self, chat_id: int) -> None:
        row = await self.session.get(GroupBindingRow, chat_id)
        if row is not None:
            await self.session.delete(row)

    async def set_active(self, chat_id: int, active: bool) -> GroupRecord | None:
        row = await self.session.get(GroupBindingRow, chat_id)
        if row is None or row.active == active:
            return None
        row.active = active
        record = _group(row)
        if active and row.bound_by is None:  # the file's group is back: the file decides
            await self.session.delete(row)
        return record

    async def absent(self, chat_id: int, binding: str, now: datetime, *, is_forum: bool,
                     language: str | None) -> GroupRecord | None:
        if await self.session.get(GroupBindingRow, chat_id) is not None:
            return None
        row = GroupBindingRow(chat_id=chat_id, binding=binding, language=language,
                              is_forum=is_forum, active=False, bound_by=None, bound_at=now)
        self.session.add(row)
        return _group(row)

    async def card(self, case_id: int, chat_id: int) -> CardRecord | None:
        row = (await self.session.execute(select(CaseCardRow).where(
            CaseCardRow.case_id == case_id, CaseCardRow.chat_id == chat_id))).scalars().first()
        return None if row is None else CardRecord(row.case_id, row.chat_id, row.message_id,
                                                   row.thread_id, row.created_at, row.rendered)

    async def remember_card(self, card: CardRecord) -> None:
        self.session.add(CaseCardRow(case_id=card.case_id, chat_id=card.chat_id,
                                     message_id=card.message_id, thread_id=card.thread_id,
                                     created_at=card.created_at, rendered=card.rendered))

    async def note_rendered(self, case_id: int, chat_id: int, rendered: str) -> None:
        await self.session.execute(update(CaseCardRow).where(
            CaseCardRow.case_id == case_id, CaseCardRow.chat_id == chat_id
        ).values(rendered=rendered))
