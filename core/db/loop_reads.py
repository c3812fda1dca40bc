"""SQLite's hottest read made on the event loop's own thread, not a trip to aiosqlite's.

Nearly every update starts by reading its person and conversation: an indexed row each,
some tens of microseconds of SQLite's time. Sent to aiosqlite's thread, the read costs
several times that in the trip alone — a queue, a thread switch, a wake-up of the event
loop and, while the loop is busy, a wait for the GIL to come back. In WAL mode a reader
never waits for the writer, so the read is made where it is asked: on a connection of
its own that only reads, and holds no transaction between reads (the writer's
checkpoints never wait for it). Interleaved runs of the intake benchmark on SQLite:
about 8% less CPU an update (``bench/results/intake_throughput.txt``).

Should SQLite answer busy, the read gives up at once instead of stalling the loop, and
the caller makes it the usual way; any other error is the caller's, as on that way. What
can still hold the loop: reading pages back from the file after another connection's
commit (the operating system's cache, on a slow disk the disk), and, if this reader is
the first to open the file after a crash, SQLite's recovery of the write-ahead log. In
memory and on PostgreSQL there is no such engine: every read goes the usual way.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import StaticPool

from core.db.engine import pooled_by_queue

log = logging.getLogger(__name__)
BUSY_WARNING_EVERY = 60.0  # seconds: a busy spell is said once a minute, not once an update


def loop_reads_engine(engine: AsyncEngine) -> Engine | None:
    """A synchronous engine on ``engine``'s SQLite file, or None where there is none."""
    if engine.dialect.name != "sqlite" or not pooled_by_queue(engine.url):
        return None
    # One connection: the loop's thread makes one read at a time, start to finish.
    reads = create_engine(engine.url.set(drivername="sqlite"), poolclass=StaticPool,
                          pool_reset_on_return=None,
                          connect_args={"check_same_thread": False, "timeout": 0})

    @event.listens_for(reads, "connect")
    def _reader(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # each read its own transaction, then none
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=1")
        cursor.execute("PRAGMA busy_timeout=0")  # busy: give up at once, never block the loop
        cursor.close()

    return reads


class BusyReads:
    """Tells SQLite's "busy" from other errors, and says a busy spell once a minute."""

    def __init__(self) -> None:
        self.warned_at = -math.inf

    def read_elsewhere(self, error: OperationalError) -> bool:
        """Whether ``error`` is SQLite being busy: then read the usual way."""
        code = getattr(error.orig, "sqlite_errorcode", None)
        if code is None or code & 0xFF != sqlite3.SQLITE_BUSY:
            return False
        now = time.monotonic()
        if now - self.warned_at >= BUSY_WARNING_EVERY:
            self.warned_at = now
            log.warning("SQLite was busy for a read on the event loop's thread; reading on "
                        "SQLite's own thread instead (said at most once a minute): %s", error)
        return True
