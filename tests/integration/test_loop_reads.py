"""SQLite's person-and-conversation read, made on the event loop's own thread
(``core.db.loop_reads``): no trip to aiosqlite's thread, the latest commit seen even while
a writer holds the lock, no snapshot kept between reads, and a busy SQLite read the
usual way."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core.db.conversations import ConversationStore
from core.db.migrate import upgrade
from core.db.uow import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await upgrade(url)
    database = Database(url)
    await ConversationStore(database).put("c:7", "Intake:listening", {"story": ["Sour."]})
    yield database
    await database.dispose()


async def test_the_read_makes_no_trip_and_sees_each_commit_beside_a_held_write_lock(
        db: Database, trips: list[str]) -> None:
    assert await db.person_and_conversation(7, "c:7") == (
        None, ("Intake:listening", {"story": ["Sour."]}))
    assert trips == []

    writer = await db.engine.connect()
    try:
        await writer.begin()  # BEGIN IMMEDIATE: the one write lock, held
        await writer.execute(text(
            "UPDATE conversations SET state = 'Intake:category' WHERE key = 'c:7'"))
        trips.clear()
        # Not yet committed: the reader sees the last commit and does not wait (busy 0).
        assert (await db.person_and_conversation(7, "c:7"))[1][0] == "Intake:listening"
        assert trips == []
        await writer.commit()
    finally:
        await writer.close()
    trips.clear()
    assert (await db.person_and_conversation(7, "c:7"))[1][0] == "Intake:category"
    assert trips == [], "a read went to aiosqlite's thread"


async def test_the_reader_keeps_no_snapshot_so_a_checkpoint_empties_the_log(
        db: Database) -> None:
    await db.person_and_conversation(7, "c:7")
    await ConversationStore(db).put("c:7", "Intake:category", {"story": ["Sour."]})

    async def checkpoint() -> int:
        async with db.autocommit.connect() as connection:
            await connection.exec_driver_sql("PRAGMA busy_timeout=0")
            busy, _, _ = (await connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)")).one()
            await connection.exec_driver_sql("PRAGMA busy_timeout=30000")
        return int(busy)

    assert await checkpoint() == 0
    # The control: a reader that held its snapshot would keep the log from emptying.
    assert db.loop_reads is not None
    with db.loop_reads.connect() as held:
        held.exec_driver_sql("BEGIN")
        held.exec_driver_sql("SELECT count(*) FROM conversations").all()
        await ConversationStore(db).put("c:8", "Intake:listening", {})
        assert await checkpoint() == 1
        held.exec_driver_sql("ROLLBACK")


async def test_the_reader_only_reads_never_waits_and_holds_no_transaction(
        db: Database) -> None:
    await db.person_and_conversation(7, "c:7")
    assert db.loop_reads is not None
    with db.loop_reads.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 1
        # Busy is answered at once: a wait here would stop every update in the process.
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0
        assert not connection.connection.dbapi_connection.in_transaction


async def test_a_busy_database_is_read_on_sqlites_thread_instead(
        db: Database, tmp_path: Path, trips: list[str],
        caplog: pytest.LogCaptureFixture) -> None:
    # Another process holding the file exclusively (once nobody else has it open): a
    # reader is told "busy".
    await db.engine.dispose()
    holder = sqlite3.connect(tmp_path / "desk.db", isolation_level=None, timeout=0)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE conversations SET state = 'Intake:place' WHERE key = 'c:7'")
    holder.execute("COMMIT")  # the exclusive lock stays until the connection closes
    asyncio.get_running_loop().call_later(0.3, holder.close)  # the usual way waits for it
    with caplog.at_level(logging.WARNING, logger="core.db.loop_reads"):
        assert await db.person_and_conversation(7, "c:7") == (
            None, ("Intake:place", {"story": ["Sour."]}))
        await db.person_and_conversation(7, "c:7")
    assert trips, "the usual way is a trip to SQLite's thread"
    assert caplog.text.count("SQLite was busy") == 1


async def test_any_other_error_is_raised_not_read_again(
        db: Database, trips: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(sqlite3.OperationalError) as broken:
        sqlite3.connect(":memory:").execute("SELECT * FROM conversations")
    assert db.loop_reads is not None

    def no_table(*_: Any, **__: Any) -> Any:
        raise OperationalError("SELECT", {}, broken.value)

    monkeypatch.setattr(db.loop_reads, "connect", no_table)
    with pytest.raises(OperationalError):
        await db.person_and_conversation(7, "c:7")
    assert trips == []


async def test_only_a_file_database_reads_on_the_loop(tmp_path: Path) -> None:
    in_memory = Database("sqlite+aiosqlite:///:memory:")
    try:
        assert in_memory.loop_reads is None  # another connection would be another database
    finally:
        await in_memory.dispose()
