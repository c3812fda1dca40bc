"""On SQLite, reads that write nothing do not queue behind a writer (WAL allows both)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import event, text

from core.db.migrate import upgrade
from core.db.uow import Database
from core.services import people


async def test_a_customer_is_looked_up_while_another_update_holds_the_write_lock(
        tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await upgrade(url)
    db = Database(url)
    try:
        writer = await db.engine.connect()
        await writer.begin()  # BEGIN IMMEDIATE: the one write lock, held
        await writer.execute(text("INSERT INTO case_counters (period, last_serial) VALUES ('x', 1)"))
        # Began IMMEDIATE like a write, this would wait for the lock (busy_timeout, 30 s).
        assert await asyncio.wait_for(people.find_by_telegram(db, 12345), 5) is None
        await writer.rollback()
        await writer.close()
    finally:
        await db.dispose()


async def test_a_read_only_unit_of_work_reads_while_another_connection_holds_the_write_lock(
        tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await upgrade(url)
    db = Database(url)
    try:
        writer = await db.engine.connect()
        await writer.begin()  # BEGIN IMMEDIATE: the one write lock, held
        await writer.execute(text("INSERT INTO case_counters (period, last_serial) VALUES ('x', 1)"))

        async def read() -> int:
            async with db.uow(read_only=True) as uow:
                return await uow.cases.count()

        # A BEGIN IMMEDIATE would wait here for the lock (busy_timeout, 30 s).
        assert await asyncio.wait_for(read(), 5) == 0
        await writer.rollback()
        await writer.close()
    finally:
        await db.dispose()


async def test_a_write_lock_is_never_taken_by_a_read_only_unit_of_work(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    await upgrade(url)
    db = Database(url)
    begins: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db.uow(read_only=True) as uow:
            await uow.cases.count()
        async with db.uow() as uow:
            await uow.cases.count()
    finally:
        await db.dispose()
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
