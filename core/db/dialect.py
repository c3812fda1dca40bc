"""The one place where SQL differs between SQLite and PostgreSQL.

Everything else in ``core/db`` is portable SQLAlchemy. Both dialects support
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` and PostgreSQL adds row locks with
``SKIP LOCKED`` for queues claimed by several workers. Text search uses each database's
own index (migration 0013): PostgreSQL's pg_trgm GIN indexes serve ``LIKE '%...%'`` as
written; SQLite's FTS5 trigram tables must be asked with ``MATCH`` (``narrowed_by_text``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, literal_column, select, table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

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


class HasDialect(Protocol):
    """A connection or an engine: what a statement built for its database needs to know."""

    @property
    def dialect(self) -> Dialect: ...


def built_once(build: Callable[[Any], _Statement]) -> Callable[[HasDialect], _Statement]:
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


# Search objects migration 0013 adds beside the models: FTS5 tables (with their shadow
# tables, cases_fts_data and the like) on SQLite, trigram indexes on PostgreSQL.
SEARCH_TABLES = ("cases_fts", "people_fts")
SEARCH_INDEX_SUFFIX = "_trgm"
MIN_INDEXED = 3  # a trigram index cannot look up anything shorter


def is_search_object(name: str | None) -> bool:
    return bool(name) and (str(name).startswith(SEARCH_TABLES)
                           or str(name).endswith(SEARCH_INDEX_SUFFIX))


def include_in_model_comparison(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name`` hook: the search objects are not models, by design."""
    return not (type_ in ("table", "index") and is_search_object(name))


def narrowed_by_text(dialect_name: str, fts: str, key: QueryableAttribute[Any],
                     columns: Sequence[str], needle: str) -> list[ColumnElement[bool]]:
    """Extra conditions that let the search index find the rows holding ``needle``.

    The caller keeps its own ``LIKE`` as the exact test: on SQLite the FTS5 ``MATCH``
    picks the few candidate rows (it folds case as widely as ``ILIKE`` or wider), on
    PostgreSQL the trigram indexes serve the ``LIKE`` itself, so nothing is added. Below
    three characters no trigram index helps; the ``LIKE`` scans.
    """
    if dialect_name != "sqlite" or len(needle) < MIN_INDEXED:
        return []
    phrase = '"' + needle.replace('"', '""') + '"'  # a phrase: the characters in order
    query = "{" + " ".join(columns) + "} : " + phrase
    rowids: Select[Any] = (select(literal_column("rowid")).select_from(table(fts))
                           .where(literal_column(fts).op("MATCH")(query)))
    return [key.in_(rowids)]


async def plan_each_search(session: AsyncSession) -> None:
    """PostgreSQL: plan this transaction's statements for their own values. After five
    runs a prepared statement may switch to a generic plan, which cannot tell a rare
    word from '%' and so scans every case instead of using the trigram indexes."""
    if _dialect(session) == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def dialect_of(session: AsyncSession) -> str:
    return _dialect(session)
