"""The one place where SQL differs between SQLite and PostgreSQL.

Everything else in ``core/db`` is portable SQLAlchemy. Both dialects support
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` and PostgreSQL adds row locks with
``SKIP LOCKED`` for queues claimed by several workers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.db.models import CaseCounterRow


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def next_serial(session: AsyncSession, period: str) -> int:
    """Atomically take the next serial of ``period``: one statement, no read-then-write race."""
    insert: Any = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    table = CaseCounterRow.__table__
    statement = (
        insert(table)
        .values(period=period, last_serial=1)
        .on_conflict_do_update(
            index_elements=[table.c.period], set_={"last_serial": table.c.last_serial + 1}
        )
        .returning(table.c.last_serial)
    )
    return int((await session.execute(statement)).scalar_one())


_Statement = TypeVar("_Statement")


def built_once(build: Callable[[Any], _Statement]) -> Callable[[AsyncConnection], _Statement]:
    """A hot statement built once per dialect (with ``bindparam``s for its values) instead
    of per call: building a statement and its cache key costs more than running it."""
    by_dialect = functools.cache(
        lambda name: build(postgresql.insert if name == "postgresql" else sqlite.insert))
    return lambda connection: by_dialect(connection.dialect.name)


def claim_rows(statement: Select[Any], session: AsyncSession) -> Select[Any]:
    """Rows several workers may claim at once: skip the ones another worker holds.

    SQLite has one writer at a time (BEGIN IMMEDIATE), so it needs no row locks.
    """
    if _dialect(session) == "postgresql":
        return statement.with_for_update(skip_locked=True)
    return statement
