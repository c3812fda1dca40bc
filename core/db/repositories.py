"""Repositories: load and store aggregates inside the caller's transaction; never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.db import dialect
from core.db.conflicts import as_conflict
from core.db.mapping import case_from_row, case_to_row, event_from_row, event_to_row
from core.db.models import CaseEventRow, CaseRow, ConversationRow, EvidenceRow, PersonRow
from core.db.staff_models import StaffMemberRow
from core.domain import Case, CaseEvent, NotFound
from core.domain.deadlines import next_due
from core.records import EventMark, Person, StaffRecord


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._rows: dict[int, tuple[CaseRow, int]] = {}  # id -> (row, evidence already stored)
        self.last_event_id = 0

    async def next_serial(self, period: str) -> int:
        return await dialect.next_serial(self.session, period)

    async def add(self, case: Case) -> Case:
        row = CaseRow()
        case_to_row(case, row, next_due(case))
        self.session.add(row)
        with as_conflict():  # a second filing of the same intake key
            await self.session.flush()
        case.id = row.id
        self._rows[row.id] = (row, 0)
        await self._write_new(case)
        return case

    async def get(self, case_id: int, *, lock: bool = True) -> Case:
        statement = select(CaseRow).where(CaseRow.id == case_id)
        return await self._load(statement, lock, str(case_id))

    async def by_intake_key(self, intake_key: str) -> Case | None:
        statement = select(CaseRow).where(CaseRow.intake_key == intake_key)
        try:
            return await self._load(statement, False, intake_key)
        except NotFound:
            return None

    async def _load(self, statement: Any, lock: bool, label: str) -> Case:
        # FOR UPDATE (PostgreSQL) makes a second writer wait and then see the new state,
        # so two people pressing "accept" at once get one winner and one clear refusal.
        if lock:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).scalar_one_or_none()
        if row is None:
            raise NotFound("case_not_found", case=label)
        evidence = list((await self.session.execute(
            select(EvidenceRow).where(EvidenceRow.case_id == row.id).order_by(EvidenceRow.id)
        )).scalars())
        self._rows[row.id] = (row, len(evidence))
        return case_from_row(row, evidence)

    async def save(self, case: Case) -> None:
        assert case.id is not None, "save() is for cases already added"
        row, _ = self._rows[case.id]
        case_to_row(case, row, next_due(case))
        await self.session.flush()
        case.version = row.version
        await self._write_new(case)

    async def _write_new(self, case: Case) -> None:
        assert case.id is not None
        row, stored = self._rows[case.id]
        event_rows = [event_to_row(case.id, event) for event in case.events]
        self.session.add_all(event_rows)
        for item in case.evidence[stored:]:
            self.session.add(EvidenceRow(case_id=case.id, kind=item.kind, file_ref=item.file_ref,
                                         caption=item.caption, added_at=item.added_at,
                                         added_by=item.added_by))
        self._rows[case.id] = (row, len(case.evidence))
        case.events.clear()
        await self.session.flush()
        if event_rows:
            # The newest audit row anchors what this change must say (outbox keys).
            self.last_event_id = event_rows[-1].id

    async def history(self, case_id: int, *, offset: int = 0, limit: int = 100
                      ) -> list[CaseEvent]:
        rows = await self.session.execute(
            select(CaseEventRow).where(CaseEventRow.case_id == case_id)
            .order_by(CaseEventRow.id).offset(offset).limit(limit)
        )
        return [event_from_row(row) for row in rows.scalars()]

    async def for_customer(self, customer_id: int, *, limit: int = 50) -> list[Case]:
        rows = (await self.session.execute(
            select(CaseRow).where(CaseRow.customer_id == customer_id)
            .order_by(CaseRow.filed_at.desc()).limit(limit)
        )).scalars().all()
        return [case_from_row(row, []) for row in rows]

    async def alerts_said(self, case_id: int) -> dict[str, Any] | None:
        return self._rows[case_id][0].deadline_alerts

    async def note_alerts(self, case_id: int, said: dict[str, Any] | None) -> None:
        self._rows[case_id][0].deadline_alerts = said

    async def touch(self, case_id: int) -> int:
        row = self._rows[case_id][0]
        await self.session.flush()  # bumps the version when something was noted
        return row.version

    async def last_event(self, case_id: int, actions: Sequence[str]) -> EventMark | None:
        found = (await self.session.execute(
            select(CaseEventRow.action, CaseEventRow.data, CaseEventRow.at)
            .where(CaseEventRow.case_id == case_id, CaseEventRow.action.in_(actions))
            .order_by(CaseEventRow.id.desc()).limit(1)
        )).first()
        return None if found is None else EventMark(found.action, dict(found.data or {}),
                                                    found.at)

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count(CaseRow.id)))).scalar_one())


async def person_by_telegram(connection: AsyncConnection, telegram_id: int) -> Person | None:
    """A Telegram user we know, on a bare connection: the bot asks this for nearly every
    update."""
    row = (await connection.execute(_person_by_telegram, {"telegram_id": telegram_id})).first()
    return None if row is None else _found_person(row)


_PEOPLE = PersonRow.__table__
_STAFF = StaffMemberRow.__table__
# Staff added or removed in chat come with the person, in the same statement: every
# instance of a fleet sees a change on the next update, at no extra round trip.
_PERSON_COLUMNS = (
    _PEOPLE.c.id, _PEOPLE.c.telegram_id, _PEOPLE.c.name, _PEOPLE.c.language, _PEOPLE.c.phone,
    _STAFF.c.name.label("staff_name"), _STAFF.c.role.label("staff_role"),
    _STAFF.c.department.label("staff_department"), _STAFF.c.level.label("staff_level"),
    _STAFF.c.active.label("staff_active"))
_person_by_telegram = (
    select(*_PERSON_COLUMNS)
    .select_from(_PEOPLE.outerjoin(_STAFF, _STAFF.c.telegram_id == _PEOPLE.c.telegram_id))
    .where(_PEOPLE.c.telegram_id == bindparam("telegram_id")))


async def person_and_conversation(connection: AsyncConnection, telegram_id: int,
                                  conversation_key: str,
                                  ) -> tuple[Person | None, tuple[str | None, dict[str, Any]]]:
    """The person, and the conversation the bot is about to read, in one statement: the
    two reads nearly every update starts with (a conversation not kept is ``(None, {})``)."""
    return await connection.run_sync(person_and_conversation_now, telegram_id,
                                      conversation_key)


def person_and_conversation_now(connection: Connection, telegram_id: int,
                                conversation_key: str,
                                ) -> tuple[Person | None, tuple[str | None, dict[str, Any]]]:
    """``person_and_conversation`` on a synchronous connection (also ``core.db.loop_reads``)."""
    row = connection.execute(_person_and_conversation, {
        "telegram_id": telegram_id, "conversation_key": conversation_key}).first()
    assert row is not None  # the one row is always there
    return (_found_person(row) if row.id is not None else None,
            (row.conversation_state, dict(row.conversation_data or {})))


def _found_person(row: Any) -> Person:
    staff = None if row.staff_role is None else StaffRecord(
        row.telegram_id, row.staff_name, row.staff_role, row.staff_department,
        row.staff_level, row.staff_active)
    return Person(row.id, row.telegram_id, row.name, row.language, row.phone, staff)


_CONVERSATIONS = ConversationRow.__table__
_ONE_ROW = select(literal_column("1").label("one")).subquery("one_row")
# Both are looked for from a row that is always there, so neither missing hides the other.
_person_and_conversation = (
    select(*_PERSON_COLUMNS, _CONVERSATIONS.c.state.label("conversation_state"),
           _CONVERSATIONS.c.data.label("conversation_data"))
    .select_from(_ONE_ROW.outerjoin(_PEOPLE, _PEOPLE.c.telegram_id == bindparam("telegram_id"))
                 .outerjoin(_STAFF, _STAFF.c.telegram_id == _PEOPLE.c.telegram_id)
                 .outerjoin(_CONVERSATIONS,
                            _CONVERSATIONS.c.key == bindparam("conversation_key"))))


def _person(row: PersonRow) -> Person:
    return Person(row.id, row.telegram_id, row.name, row.language, row.phone)


class PersonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _row(self, person_id: int) -> PersonRow:
        row = await self.session.get(PersonRow, person_id)
        if row is None:
            raise NotFound("person_not_found", person=person_id)
        return row

    async def get(self, person_id: int) -> Person:
        return _person(await self._row(person_id))

    async def by_telegram(self, telegram_id: int) -> Person | None:
        statement = select(PersonRow).where(PersonRow.telegram_id == telegram_id)
        row = (await self.session.execute(statement)).scalar_one_or_none()
        return None if row is None else _person(row)

    async def by_phone(self, phone: str) -> Person | None:
        statement = select(PersonRow).where(PersonRow.phone == phone).order_by(PersonRow.id)
        row = (await self.session.execute(statement)).scalars().first()
        return None if row is None else _person(row)

    async def add(self, now: datetime, *, telegram_id: int | None = None, name: str | None = None,
                  phone: str | None = None, language: str | None = None) -> Person:
        row = PersonRow(telegram_id=telegram_id, name=name, phone=phone, language=language,
                        created_at=now)
        self.session.add(row)
        with as_conflict():
            await self.session.flush()
        return _person(row)

    async def update(self, person_id: int, *, name: str | None = None,
                     phone: str | None = None, language: str | None = None) -> Person:
        row = await self._row(person_id)
        row.name = name or row.name
        row.phone = phone or row.phone
        row.language = language or row.language
        return _person(row)
