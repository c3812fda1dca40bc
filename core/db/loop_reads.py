"""SQLite's hottest read made on the event loop's own thread, not a trip to aiosqlite's.

Nearly every update starts by reading its person and conversation: an indexed row each,
some tens of microseconds of SQLite's time. Sent to aiosqlite's thread, the read costs
several times that in the trip alone — a queue, a thread switch, a wake-up of the event
loop and, while the loop is busy, a wait for the GIL to come back. In WAL mode a reader
never waits for the writer, so the read is made where it is asked: on a connection of
its own that only reads, and holds no transaction between reads (the writer's
checkpoints never wait for it). Interleaved runs of the intake benchmark on SQLite:
about 8% less CPU an update (``bench/results/intake_throughput.txt``).

Should SQLite answer busy (a crashed writer's WAL being recovered), the read gives up at
once instead of stalling the loop, and the caller makes it the usual way. In memory and
on PostgreSQL there is no such engine: every read goes the usual way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import StaticPool

from core.db.engine import pooled_by_queue


def loop_reads_engine(engine: AsyncEngine) -> Engine | None:
    """A synchronous engine on ``engine``'s SQLite file, or None where there is none."""
    if engine.dialect.name != "sqlite" or not pooled_by_queue(engine.url):
        return None
    # One connection: the loop's thread makes one read at a time, start to finish.
    reads = create_engine(engine.url.set(drivername="sqlite"), poolclass=StaticPool,
                          pool_reset_on_return=None,
                          connect_args={"check_same_thread": False})

    @event.listens_for(reads, "connect")
    def _reader(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # each read its own transaction, then none
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=1")
        cursor.execute("PRAGMA busy_timeout=0")  # busy: give up at once, never block the loop
        cursor.close()

    return reads
