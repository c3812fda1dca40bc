"""A read-only unit of work refuses to write, clearly, on every database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from core.db.models import PersonRow
from core.db.uow import Database
from core.ports import ReadOnlyError
from tests.factories import CUSTOMER


async def test_a_write_through_a_repository_is_refused_and_nothing_is_stored(
        database: Database) -> None:
    async with database.uow(read_only=True) as uow:
        with pytest.raises(ReadOnlyError):
            await uow.people.add(datetime(2026, 1, 1, tzinfo=UTC), telegram_id=777)
    async with database.uow(read_only=True) as uow:
        assert await uow.people.by_telegram(777) is None


async def test_commit_in_a_read_only_unit_of_work_is_refused(database: Database) -> None:
    async with database.uow(read_only=True) as uow:
        await uow.cases.count()
        with pytest.raises(ReadOnlyError):
            await uow.commit()


async def test_a_raw_statement_is_refused_by_the_database_itself(database: Database) -> None:
    assert CUSTOMER.person_id is not None
    async with database.uow(read_only=True) as uow:
        # query_only on SQLite, a READ ONLY transaction on PostgreSQL.
        with pytest.raises(DBAPIError, match=r"(?i)read.?only"):
            await uow.session.execute(update(PersonRow).where(
                PersonRow.id == CUSTOMER.person_id).values(name="changed"))


async def test_a_connection_used_for_reading_writes_again_afterwards(database: Database) -> None:
    """query_only is switched back when the pooled connection next serves a writer."""
    for _ in range(2):
        async with database.uow(read_only=True) as uow:
            await uow.cases.count()
        async with database.uow() as uow:
            person = await uow.people.add(datetime(2026, 1, 1, tzinfo=UTC), name="Li")
            await uow.people.update(person.id, language="en")
            await uow.commit()
