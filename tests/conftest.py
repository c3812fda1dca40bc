"""Shared fixtures: migrated databases (SQLite always, PostgreSQL when configured), clocks.

PostgreSQL tests need ``TEST_POSTGRES_URL`` (e.g. ``postgresql://postgres@127.0.0.1/test``);
without it they skip. Each test gets a fresh database cloned from a migrated template.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url

from core.clock import ManualClock
from core.db.migrate import upgrade
from core.db.models import PersonRow
from core.db.uow import Database
from core.policy import Policy
from core.services.rules import Rules
from tests.factories import KNOWN_PEOPLE, make_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


async def _admin(sql: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


_template: dict[str, str] = {}


async def _postgres_database() -> str:
    """A new database cloned from a template that was migrated once per test run."""
    base = make_url(POSTGRES_URL).set(drivername="postgresql+asyncpg")
    if "name" not in _template:
        name = f"cd_template_{os.getpid()}"
        await _admin(f'DROP DATABASE IF EXISTS "{name}"')
        await _admin(f'CREATE DATABASE "{name}"')
        await upgrade(base.set(database=name).render_as_string(hide_password=False))
        _template["name"] = name
    name = f"cd_test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{_template["name"]}"')
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of each kind."""
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("TEST_POSTGRES_URL is not set")
        url = await _postgres_database()
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
        await upgrade(url)
    db = Database(url)
    await _seed_people(db)
    yield db
    await db.dispose()
    if request.param == "postgres":
        await _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


async def _seed_people(db: Database) -> None:
    """The people ``tests.factories`` acts as, so audit rows can name them."""
    async with db.uow() as uow:
        for actor in KNOWN_PEOPLE:
            uow.session.add(PersonRow(id=actor.person_id, name=actor.role.value,
                                      created_at=datetime(2026, 1, 1, tzinfo=SHANGHAI)))
        await uow.commit()


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in Shanghai, an ordinary working day.
    return ManualClock(datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def policy() -> Policy:
    return make_policy()


@pytest.fixture
def rules(policy: Policy, clock: ManualClock) -> Rules:
    return Rules.build(policy, clock)


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_template() -> Iterator[None]:
    yield
    if POSTGRES_URL and "name" in _template:
        import asyncio

        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{_template["name"]}" WITH (FORCE)'))
