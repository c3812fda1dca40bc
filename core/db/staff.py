"""Staff added or changed in chat, and invitations to join, inside a unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import table_of
from core.db.staff_models import StaffInvitationRow, StaffMemberRow
from core.records import Invitation, StaffRecord


def _member(row: StaffMemberRow) -> StaffRecord:
    return StaffRecord(row.telegram_id, row.name, row.role, row.department, row.level,
                       row.active)


def _invitation(row: StaffInvitationRow) -> Invitation:
    return Invitation(row.id, row.role, row.department, row.level, row.created_by,
                      row.expires_at, row.used_at)


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, telegram_id: int) -> StaffRecord | None:
        row = await self.session.get(StaffMemberRow, telegram_id)
        return None if row is None else _member(row)

    async def all(self) -> list[StaffRecord]:
        rows = (await self.session.execute(
            select(StaffMemberRow).order_by(StaffMemberRow.telegram_id))).scalars().all()
        return [_member(row) for row in rows]

    async def put(self, member: StaffRecord, by_telegram_id: int, now: datetime) -> None:
        row = await self.session.get(StaffMemberRow, member.telegram_id)
        if row is None:
            row = StaffMemberRow(telegram_id=member.telegram_id)
            self.session.add(row)
        row.name, row.role, row.department = member.name, member.role, member.department
        row.level, row.active = member.level, member.active
        row.changed_by, row.changed_at = by_telegram_id, now

    async def invite(self, token_hash: str, role: str, department: str | None,
                     level: str | None, by_telegram_id: int, now: datetime,
                     expires_at: datetime) -> Invitation:
        row = StaffInvitationRow(token_hash=token_hash, role=role, department=department,
                                 level=level, created_by=by_telegram_id, created_at=now,
                                 expires_at=expires_at)
        self.session.add(row)
        await self.session.flush()
        return _invitation(row)

    async def invitation(self, token_hash: str) -> Invitation | None:
        row = (await self.session.execute(
            select(StaffInvitationRow).where(StaffInvitationRow.token_hash == token_hash)
        )).scalar_one_or_none()
        return None if row is None else _invitation(row)

    async def use(self, invitation_id: int, by_telegram_id: int, now: datetime) -> bool:
        """Spend an invitation; False if another update spent it first (one statement,
        so two people opening the link at once cannot both join)."""
        table = table_of(StaffInvitationRow)
        result = await self.session.execute(
            update(table).where(table.c.id == invitation_id, table.c.used_at.is_(None))
            .values(used_at=now, used_by=by_telegram_id))
        return bool(getattr(result, "rowcount", 0))
