"""Copy a whole database into an empty one: moving from SQLite to PostgreSQL.

The copy goes through the models' column types (``Base.metadata``), so what SQLite stores
loosely (times without a zone, JSON as text, booleans as 0/1) arrives in PostgreSQL as
the same values the application reads. Tables are copied parents first, all in one
target transaction: a failure leaves the target as empty as it was. Afterwards each
PostgreSQL id sequence is moved past the highest copied id, or the next insert would
collide with a copied row.

Stop the bot before copying: the source is read inside one transaction (a consistent
snapshot), but anything written after the copy stays behind in the old database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

import core.db  # noqa: F401  # registers every table on Base.metadata
from core.db.dialect import is_search_object
from core.db.engine import make_engine, normalise_url
from core.db.migrate import current_revision, head_revision, upgrade
from core.db.models import Base

BATCH = 1000  # rows per INSERT; bounded memory whatever the table's size
SKIP = {"alembic_version"}  # the target's own migrations write it


class CopyRefused(Exception):
    """Something the person running the copy must fix first; one line of explanation."""


@dataclass
class CopyReport:
    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)
    sequences: list[str] = field(default_factory=list)


async def _table_names(connection: AsyncConnection) -> set[str]:
    """The tables holding data; search indexes (SQLite's FTS5 tables) are derived from
    them, and the target's own triggers fill its index as the rows arrive."""
    names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return {name for name in names if not is_search_object(name)}


async def _rows_in(connection: AsyncConnection, names: set[str]) -> dict[str, int]:
    counts = {}
    for name in sorted(names - SKIP):
        counts[name] = int((await connection.execute(
            text(f'SELECT COUNT(*) FROM "{name}"'))).scalar_one())
    return counts


async def _check_source(url: str) -> None:
    revision, head = await current_revision(url), head_revision()
    if revision != head:
        raise CopyRefused(f"the source database is at revision {revision or 'none'}, not "
                          f"{head}: run `complaint-desk migrate --database-url SOURCE` first")


async def _check_target_empty(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            filled = {name: count for name, count in
                      (await _rows_in(connection, await _table_names(connection))).items()
                      if count}
    finally:
        await engine.dispose()
    if filled:
        listing = ", ".join(f"{name} ({count})" for name, count in sorted(filled.items()))
        raise CopyRefused(f"the target database is not empty: {listing}; copy only into a "
                          "new, empty database")


async def _copy_table(source: AsyncConnection, target: AsyncConnection, table: Table) -> int:
    copied = 0
    result = await source.stream(select(table).order_by(*table.primary_key.columns))
    async for chunk in result.partitions(BATCH):
        await target.execute(insert(table), [dict(row._mapping) for row in chunk])
        copied += len(chunk)
    return copied


async def _fix_sequences(target: AsyncConnection, tables: list[Table]) -> list[str]:
    """Move each serial/identity sequence to the table's highest id (PostgreSQL only)."""
    fixed = []
    for table in tables:
        for column in table.primary_key.columns:
            sequence = (await target.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                             {"t": table.name, "c": column.name})).scalar()
            if sequence is None:
                continue  # not generated (e.g. update_id, chat_id, a period)
            highest = (await target.execute(select(func.max(column)))).scalar()
            # setval(seq, n, false) makes n the next value; an empty table starts at 1.
            await target.execute(text("SELECT setval(:s, :n, :called)"),
                                 {"s": sequence, "n": highest or 1,
                                  "called": highest is not None})
            fixed.append(f"{sequence} -> {highest or 0}")
    return fixed


async def copy_database(source_url: str, target_url: str) -> CopyReport:
    if make_url(normalise_url(source_url)) == make_url(normalise_url(target_url)):
        raise CopyRefused("the source and the target are the same database")
    await _check_source(source_url)
    await _check_target_empty(target_url)
    await upgrade(target_url)  # the schema, created by the same migrations as ever
    tables = [t for t in Base.metadata.sorted_tables if t.name not in SKIP]
    report = CopyReport(revision=head_revision())
    source_engine, target_engine = make_engine(source_url), make_engine(target_url)
    try:
        async with source_engine.connect() as source, target_engine.begin() as target:
            unknown = await _table_names(source) - SKIP - {t.name for t in tables}
            if unknown:
                raise CopyRefused("the source has tables this version does not know: "
                                  + ", ".join(sorted(unknown)))
            for table in tables:
                report.rows[table.name] = await _copy_table(source, target, table)
            if target.dialect.name == "postgresql":
                report.sequences = await _fix_sequences(target, tables)
    finally:
        await source_engine.dispose()
        await target_engine.dispose()
    return report


def describe(report: CopyReport) -> str:
    lines = [f"copied at revision {report.revision}:"]
    lines += [f"  {name}: {count} row(s)" for name, count in report.rows.items()]
    if report.sequences:
        lines.append("sequences: " + ", ".join(report.sequences))
    return "\n".join(lines)

