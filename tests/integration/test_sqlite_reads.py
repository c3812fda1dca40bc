"""On SQLite, reads that write nothing do not queue behind a writer (WAL allows both)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

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
