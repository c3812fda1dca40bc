"""Bounded reads across cases: the deadline sweep's index range, the supervisor's desk
(overdue, search, the week in figures), the daily digest. Each is a page, a limit or an
indexed range, never every case into Python."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import dialect
from core.db.models import CaseEventRow, CaseRow, PersonRow
from core.domain import Action, CaseNumber, DomainError
from core.domain.states import CLOSED_STATES
from core.policy import Deadline
from core.records import DueCase, FoundCase, OpenCase, WeekFigures

_DUE_COLUMNS = {clock: getattr(CaseRow, f"due_{clock.value}") for clock in Deadline}
_DUE_ROW = (CaseRow.id, CaseRow.number, CaseRow.state, CaseRow.severity, CaseRow.department,
            CaseRow.escalation_level, CaseRow.next_due, CaseRow.deadline_alerts,
            *_DUE_COLUMNS.values())


def _due_case(row: Any, owner_name: str | None = None) -> DueCase:
    deadlines = {clock: due for clock in Deadline
                 if (due := getattr(row, f"due_{clock.value}")) is not None}
    return DueCase(row.id, row.number, row.state, row.severity, row.department,
                   row.escalation_level, row.next_due, deadlines, row.deadline_alerts,
                   owner_name)


def due_query(until: datetime, after: tuple[datetime, int] | None = None,
              limit: int = 500) -> Select[Any]:
    """The sweep's only read of the case table: an index range on ``next_due``.

    Keyset pages (``after`` = the last row's ``(next_due, id)``) so a backlog of cases
    long overdue never makes one query large.
    """
    statement = select(*_DUE_ROW).where(CaseRow.next_due <= until)
    if after is not None:
        last_due, last_id = after
        # ">=" first gives the index its lower bound; the OR only trims equal instants.
        statement = statement.where(CaseRow.next_due >= last_due,
                                    or_(CaseRow.next_due > last_due, CaseRow.id > last_id))
    return statement.order_by(CaseRow.next_due, CaseRow.id).limit(limit)


_SEARCHED = (CaseRow.description, CaseRow.product, CaseRow.contact_name,
             CaseRow.demand_text, CaseRow.place)


def search_query(text: str, dialect_name: str = "postgresql") -> Select[Any]:
    """Cases by number, by customer phone (the digits, at the end of the stored number,
    so "13800138000" finds "+8613800138000"), or by words in the complaint.

    The ``LIKE``s say what matches; ``dialect.narrowed_by_text`` adds what lets SQLite's
    FTS5 index find the candidates (PostgreSQL's trigram indexes serve the ``LIKE``s)."""
    text = text.strip()
    try:
        return select(CaseRow).where(CaseRow.number == str(CaseNumber.parse(text)))
    except DomainError:
        pass
    digits = re.sub(r"\D", "", text)
    if re.fullmatch(r"\+?[\d\s\-()]+", text) and len(digits) >= 6:
        by_contact = select(CaseRow.id).where(
            CaseRow.contact_phone.like(f"%{digits}"),
            *dialect.narrowed_by_text(dialect_name, "cases_fts", CaseRow.id,
                                      ["contact_phone"], digits))
        customers = select(PersonRow.id).where(
            PersonRow.phone.like(f"%{digits}"),
            *dialect.narrowed_by_text(dialect_name, "people_fts", PersonRow.id, ["phone"],
                                      digits))
        by_customer = select(CaseRow.id).where(CaseRow.customer_id.in_(customers))
        # A union, not an OR: each half is an index lookup, an OR of them may scan.
        return select(CaseRow).where(CaseRow.id.in_(union(by_contact, by_customer)))
    if len(text) < 2:
        raise DomainError("search_too_short")
    needle = text[:100]
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", needle) + "%"
    return select(CaseRow).where(
        or_(*(column.ilike(pattern, escape="\\") for column in _SEARCHED)),
        *dialect.narrowed_by_text(dialect_name, "cases_fts", CaseRow.id,
                                  [column.key for column in _SEARCHED], needle))


class CaseQueries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due(self, until: datetime, after: tuple[datetime, int] | None, limit: int
                  ) -> list[DueCase]:
        rows = (await self.session.execute(due_query(until, after, limit))).all()
        return [_due_case(row) for row in rows]

    async def overdue(self, until: datetime, offset: int, limit: int
                      ) -> tuple[list[DueCase], int]:
        where = CaseRow.next_due <= until
        total = int((await self.session.execute(
            select(func.count(CaseRow.id)).where(where))).scalar_one())
        rows = (await self.session.execute(
            select(*_DUE_ROW, PersonRow.name)
            .outerjoin(PersonRow, PersonRow.id == CaseRow.owner_id)
            .where(where).order_by(CaseRow.next_due, CaseRow.id)
            .offset(max(offset, 0)).limit(limit))).all()
        return [_due_case(row, row.name) for row in rows], total

    async def upcoming(self, limit: int) -> list[DueCase]:
        rows = (await self.session.execute(
            select(*_DUE_ROW).where(CaseRow.next_due.is_not(None))
            .order_by(CaseRow.next_due, CaseRow.id).limit(limit))).all()
        return [_due_case(row) for row in rows]

    async def case_id(self, number: CaseNumber) -> int | None:
        found = (await self.session.execute(
            select(CaseRow.id).where(CaseRow.number == str(number)))).scalar_one_or_none()
        return None if found is None else int(found)

    async def count_events(self, case_id: int) -> int:
        return int((await self.session.execute(
            select(func.count(CaseEventRow.id)).where(CaseEventRow.case_id == case_id)
        )).scalar_one())

    async def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        rows = await self.session.execute(
            select(PersonRow.id, PersonRow.name).where(PersonRow.id.in_(set(person_ids))))
        return {row.id: row.name for row in rows if row.name}

    async def find(self, text: str, limit: int) -> tuple[list[FoundCase], int]:
        statement = search_query(text, dialect.dialect_of(self.session))
        await dialect.plan_each_search(self.session)
        total = int((await self.session.execute(
            select(func.count()).select_from(statement.subquery()))).scalar_one())
        rows = (await self.session.execute(
            statement.order_by(CaseRow.filed_at.desc(), CaseRow.id.desc()).limit(limit)
        )).scalars().all()
        return [FoundCase(row.id, row.number, row.state, row.filed_at, row.contact_name,
                          row.description) for row in rows], total

    async def week(self, since: datetime, now: datetime) -> WeekFigures:
        closed_states = [state.value for state in CLOSED_STATES]
        count = func.count(CaseRow.id)
        new = (await self.session.execute(select(count).where(
            CaseRow.filed_at >= since, CaseRow.filed_at <= now))).scalar_one()
        closed = (await self.session.execute(select(count).where(
            CaseRow.closed_at >= since, CaseRow.closed_at <= now,
            CaseRow.state.in_(closed_states)))).scalar_one()
        late = (await self.session.execute(select(count).where(
            CaseRow.next_due < now))).scalar_one()
        # A week's survey answers are few; their rating sits in the event's JSON data.
        answers = (await self.session.execute(select(CaseEventRow.data).where(
            CaseEventRow.action == Action.RECORD_REVISIT.value, CaseEventRow.at >= since,
            CaseEventRow.at <= now))).scalars().all()
        return WeekFigures(int(new), int(closed), int(late), [dict(a or {}) for a in answers])

    async def open_cases(self) -> list[OpenCase]:
        """Every open case, the earliest deadline first (no deadline last)."""
        rows = (await self.session.execute(
            select(CaseRow.number, CaseRow.state, CaseRow.department, CaseRow.next_due,
                   PersonRow.name, CaseRow.escalation_level, CaseRow.paused_since,
                   *_DUE_COLUMNS.values())
            .outerjoin(PersonRow, PersonRow.id == CaseRow.owner_id)
            .where(CaseRow.state.not_in([s.value for s in CLOSED_STATES]))
            .order_by(CaseRow.next_due.is_(None), CaseRow.next_due))).all()
        return [OpenCase(row.number, row.state, row.department, row.next_due, row.name,
                         {clock: due for clock in Deadline
                          if (due := getattr(row, f"due_{clock.value}")) is not None},
                         row.escalation_level, row.paused_since is not None)
                for row in rows]

    async def any_filed_before(self, moment: datetime) -> bool:
        found = await self.session.execute(
            select(CaseRow.id).where(CaseRow.filed_at < moment).limit(1))
        return found.first() is not None
