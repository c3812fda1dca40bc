"""The SQLite engine's economies keep SQLAlchemy's meaning: one trip to aiosqlite's
thread per statement (``core.db.sqlite_trips``) and writers queued in the event loop
(``core.db.sqlite_writer``) instead of in SQLite's sleeping busy handler, and a
transaction's writes nobody reads back sent with its commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.engine import DEFERRED_WRITES, SQLITE_POOL_SIZE, autocommit_options, make_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")

    @event.listens_for(engine.sync_engine, "connect")
    def _impatient(dbapi_connection: Any, _record: Any) -> None:
        # SQLite gives up at once on a taken lock: any wait must be the process's queue.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    async with engine.begin() as connection:
        await connection.execute(text(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE, n INTEGER DEFAULT 0)"))
    yield engine
    await engine.dispose()


async def test_a_statement_is_one_trip_and_reads_back_as_sqlalchemy_would(
        engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.connect() as warm:  # the pool's first connection, made beforehand
        await warm.execute(text("SELECT 1"))
    trips.clear()
    async with engine.begin() as connection:
        returned = (await connection.execute(
            text("INSERT INTO t (v) VALUES ('a') RETURNING id, v"))).all()
        changed = await connection.execute(text("UPDATE t SET n = n + 1"))
    assert returned == [(1, "a")] and changed.rowcount == 1
    # BEGIN IMMEDIATE, two statements, COMMIT; no cursor opened or closed on its own,
    # and nothing rolled back at checkin after a commit.
    assert len(trips) == 4, trips
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (v) VALUES (:v)"),
                                            [{"v": "b"}, {"v": "c"}])
        assert inserted.rowcount == 2
        rows = (await connection.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
    assert rows == ["a", "b", "c"]
    with pytest.raises(IntegrityError):  # still SQLAlchemy's error, not the driver's
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))


async def test_a_read_left_open_is_rolled_back_at_checkin(engine: AsyncEngine) -> None:
    connection = await engine.connect()
    await connection.execute(text("SELECT count(*) FROM t"))
    raw = (await connection.get_raw_connection()).dbapi_connection
    assert raw is not None and raw.in_transaction
    await connection.close()
    assert not raw.in_transaction


async def test_writers_queue_in_the_process_not_in_sqlite(engine: AsyncEngine) -> None:
    async def write(index: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": str(index)})
            await asyncio.sleep(0.01)  # the lock held across a wait, as an update does

    async def write_alone(index: int) -> None:  # a statement that commits by itself
        async with engine.execution_options(**autocommit_options(engine)).connect() as c:
            await c.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"alone {index}"})

    # With SQLite's busy timeout at zero, any of these meeting the lock taken would fail.
    await asyncio.gather(*(write(index) for index in range(12)),
                         *(write_alone(index) for index in range(12)))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 24


async def test_updates_waiting_for_the_writer_keep_their_connections_pooled(
        engine: AsyncEngine) -> None:
    opened: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda connection, _record: opened.append(
        connection))

    async def write(index: int) -> None:
        async with engine.begin() as connection:  # each holds its connection in the queue
            await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": str(index)})
            await asyncio.sleep(0.001)

    await asyncio.gather(*(write(index) for index in range(SQLITE_POOL_SIZE)))
    first_burst = len(opened)
    await asyncio.gather(*(write(SQLITE_POOL_SIZE + index) for index in range(SQLITE_POOL_SIZE)))
    assert len(opened) == first_burst  # the next burst opens none


async def test_a_failed_write_lets_the_next_writer_in(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('x'), ('x')"))
    with pytest.raises(IntegrityError):
        async with engine.execution_options(**autocommit_options(engine)).connect() as c:
            await c.execute(text("INSERT INTO t (v) VALUES ('y'), ('y')"))
    async with asyncio.timeout(5), engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('z')"))


async def test_a_connection_closed_under_the_pool_ends_without_a_trip(engine: AsyncEngine) -> None:
    connection = await engine.connect()
    await connection.execute(text("SELECT 1"))
    raw = (await connection.get_raw_connection()).dbapi_connection
    assert raw is not None
    await raw.driver_connection.close()  # as when SQLite's thread is gone
    assert not raw.in_transaction
    raw.rollback()  # nothing open, nothing to do: no error about a closed connection
    await connection.invalidate()


async def test_writes_nobody_reads_back_go_with_the_commit_in_one_trip(
        engine: AsyncEngine, trips: list[str]) -> None:
    blind = engine.execution_options(**{DEFERRED_WRITES: True})
    async with engine.connect() as warm:
        await warm.execute(text("SELECT 1"))
    trips.clear()
    executed: list[str] = []  # by SQLAlchemy: the BEGIN, which only waits, is spared it
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, *_: executed.append(statement.split()[0]))
    async with blind.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "a"}, {"v": "b"}])
        await connection.execute(text("UPDATE t SET n = n + 1 WHERE v = 'a'"))
        await connection.execute(text("DELETE FROM t WHERE v = 'b'"))
    assert len(trips) == 1, trips  # BEGIN IMMEDIATE, three writes and COMMIT
    assert executed == ["INSERT", "UPDATE", "DELETE"]
    # A statement that answers takes the writes waiting with it, and sees them.
    async with blind.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('c')"))
        seen = (await connection.execute(text("SELECT v, n FROM t ORDER BY v"))).all()
        returned = (await connection.execute(  # answers, however it is laid out
            text("INSERT INTO t (v) VALUES ('d')\nreturning v"))).scalar()
    assert seen == [("a", 1), ("c", 0)] and returned == "d"
    async with engine.connect() as connection:
        kept = (await connection.execute(text("SELECT v FROM t ORDER BY v"))).scalars().all()
    assert kept == ["a", "c", "d"]


async def test_a_deferred_write_that_fails_fails_the_commit_and_keeps_nothing(
        engine: AsyncEngine) -> None:
    blind = engine.execution_options(**{DEFERRED_WRITES: True})
    with pytest.raises(IntegrityError):  # SQLAlchemy's error, told at the commit
        async with blind.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('e')"))
            await connection.execute(text("INSERT INTO t (v) VALUES ('f'), ('f')"))
    with pytest.raises(RuntimeError):  # the caller gives up: what waited never runs
        async with blind.begin() as connection:
            await connection.execute(text("INSERT INTO t (v) VALUES ('g')"))
            raise RuntimeError("changed my mind")
    # SQLite's lock was let go with the process's queue: with its busy timeout at zero a
    # writer meeting it taken would fail.
    async with asyncio.timeout(5), engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (v) VALUES ('h')"))
        kept = (await connection.execute(text("SELECT v FROM t ORDER BY v"))).scalars().all()
    assert kept == ["h"]
