"""``complaint-desk copy-database``: a SQLite desk moves to PostgreSQL whole."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.clock import ManualClock
from core.db.copy import CopyRefused, copy_database
from core.db.migrate import upgrade
from core.db.models import Base, PersonRow, ProcessedUpdateRow
from core.db.uow import Database
from core.db.updates import UpdateClaims
from core.domain import Remedy, RemedyKind
from core.services import filing, handling, queries
from core.services import supervision_queries as desk
from core.services.rules import Rules
from tests.conftest import POSTGRES_URL, SHANGHAI, _admin
from tests.factories import CUSTOMER, KNOWN_PEOPLE, QUALITY_MEMBER, SPECIALIST, make_intake

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def empty_postgres() -> AsyncIterator[str]:
    """A new PostgreSQL database with nothing in it, not even the schema."""
    assert POSTGRES_URL
    name = f"cd_copy_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def filled_sqlite(tmp_path: Path, rules: Rules) -> tuple[str, list[str]]:
    """A SQLite desk used through the real services: cases at several steps."""
    url = f"sqlite:///{tmp_path / 'old.db'}"  # as people write it; the driver is picked
    await upgrade(url)
    db = Database(url)
    async with db.uow() as uow:
        for actor in KNOWN_PEOPLE:
            uow.session.add(PersonRow(id=actor.person_id, name=actor.role.value,
                                      created_at=datetime(2026, 1, 1, tzinfo=SHANGHAI)))
        await uow.commit()
    numbers = []
    for index in range(3):
        filed = await filing.file_case(db.uow(), rules, make_intake(place=f"Store {index}"),
                                       CUSTOMER.person_id, CUSTOMER)
        numbers.append(filed.number)
        if index == 0:
            await handling.assign(db.uow(), rules, filed.case_id, SPECIALIST)
            await handling.accept(db.uow(), rules, filed.case_id, QUALITY_MEMBER)
            await handling.propose_solution(db.uow(), rules, filed.case_id, QUALITY_MEMBER,
                                            Remedy(RemedyKind.EXCHANGE, "A fresh bottle."))
    await UpdateClaims(db, timedelta(seconds=60)).claim(4242, rules.now())
    await db.dispose()
    return url, numbers


async def row_counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.sessions() as session:
            return {table.name: int((await session.execute(
                select(func.count()).select_from(table))).scalar_one())
                for table in Base.metadata.sorted_tables}
    finally:
        await db.dispose()


async def test_a_sqlite_desk_is_copied_whole_and_keeps_working_in_postgres(
        tmp_path: Path, rules: Rules, clock: ManualClock, empty_postgres: str) -> None:
    source, numbers = await filled_sqlite(tmp_path, rules)
    report = await copy_database(source, empty_postgres)
    before = await row_counts(source)
    assert await row_counts(empty_postgres) == before == report.rows
    assert before["cases"] == 3 and before["case_events"] > 3 and before["notifications"] > 0

    db = Database(empty_postgres)
    try:
        cases = await queries.cases_of_customer(db.uow(), CUSTOMER.person_id)
        assert sorted(case.number for case in cases) == sorted(numbers)
        proposed = next(case for case in cases if case.number == numbers[0])
        case, history = await queries.case_with_history(db.uow(), proposed.id, SPECIALIST)
        assert case.remedy is not None and case.remedy.text == "A fresh bottle."
        assert case.filed_at.tzinfo is not None and len(history) >= 4
        # The search indexes are the target's own, built as the rows arrived.
        found, total = await desk.find(db, "Store 1")
        assert total == 1 and found[0].number == str(numbers[1])
        async with db.sessions() as session:
            claim = await session.get(ProcessedUpdateRow, 4242)
            assert claim is not None and claim.claimed_at == clock.now()
        # Sequences were moved past the copied ids, and the serials go on: a new case
        # files without colliding and takes the next number.
        filed = await filing.file_case(db.uow(), rules, make_intake(), CUSTOMER.person_id,
                                       CUSTOMER)
        assert filed.case_id > max(case.id for case in cases)
        assert filed.number not in numbers
    finally:
        await db.dispose()


async def test_a_target_with_data_is_refused(tmp_path: Path, rules: Rules,
                                             empty_postgres: str) -> None:
    source, _ = await filled_sqlite(tmp_path, rules)
    await copy_database(source, empty_postgres)
    with pytest.raises(CopyRefused, match=r"not empty: .*cases \(3\)"):
        await copy_database(source, empty_postgres)
    # The command says the same in one line and exits 2, leaving the target as it was.
    result = subprocess.run([sys.executable, "-m", "bot.cli", "copy-database", "--from", source,
                             "--to", empty_postgres], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "target database is not empty" in result.stderr
    assert (await row_counts(empty_postgres))["cases"] == 3


async def test_a_source_behind_the_migrations_is_refused(tmp_path: Path,
                                                         empty_postgres: str) -> None:
    source = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    with pytest.raises(CopyRefused, match="complaint-desk migrate"):
        await copy_database(source, empty_postgres)
