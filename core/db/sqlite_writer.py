"""SQLite's one writer, queued in the event loop instead of in SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the lock taken waits
in SQLite's busy handler, which sleeps (1, 2, 5, 10, ... 100 ms) and tries again, on a
thread of its own. With fifteen pooled connections and a few milliseconds' writes, a
webhook process under load spent most of its time in those sleeps: its event loop was
idle two thirds of the time while updates waited. Here a write transaction first takes
this process's ``asyncio.Lock`` (fair, first come first served, no sleeping), then SQLite's
lock, which is free by then; it is let go once SQLite has committed or rolled back.
Another process on the same file (a CLI command beside the bot) still meets the busy
handler, as before.

Hooked into the engine (``attach``) because write transactions are opened in many places
(units of work, ``engine.begin()``, the outbox, the job queue), and a lock one of them
forgot would bring the sleeps back.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

# As long as SQLite's own busy timeout (``core.db.engine``): a writer that waits longer is
# told the database is locked, as SQLite would have told it.
WAIT = 30.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")
# In a connection's ``info``: its statements each commit by themselves now.
STATEMENTS_ALONE = "desk_statements_alone"


class SqliteWriter:
    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.holder: Any = None  # the DBAPI connection writing now

    def _current_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:  # a lock belongs to one loop
            self._lock, self._loop, self.holder = asyncio.Lock(), loop, None
        return self._lock

    async def acquire(self, connection: Any) -> None:
        lock = self._current_lock()
        if not lock.locked():  # free: taken at once, no timer to arm and disarm
            await lock.acquire()
            self.holder = connection
            return
        try:
            async with asyncio.timeout(WAIT):
                await lock.acquire()
        except TimeoutError:
            raise OperationalError("BEGIN IMMEDIATE", None,
                                   sqlite3.OperationalError("database is locked")) from None
        self.holder = connection

    def release(self, connection: Any) -> None:
        # SQLAlchemy passes the pool's wrapper to do_commit and do_rollback, the DBAPI
        # connection itself elsewhere.
        connection = getattr(connection, "dbapi_connection", connection)
        if self.holder is connection and self._lock is not None:
            self.holder = None
            self._lock.release()

    def take(self, connection: Any) -> None:
        """From inside SQLAlchemy's (synchronous) events, which run in its greenlet."""
        if self.holder is not connection:
            await_only(self.acquire(connection))


def attach(engine: AsyncEngine) -> SqliteWriter:
    """Queue this engine's writers: a write transaction (``BEGIN IMMEDIATE``, see
    ``core.db.engine``) takes the lock before it begins; a write statement run on its own
    (``Database.autocommit``) for the statement."""
    writer = SqliteWriter()
    dialect = engine.sync_engine.dialect
    commit, rollback, close = dialect.do_commit, dialect.do_rollback, dialect.do_close

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            writer.release(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            writer.release(dbapi_connection)

    def do_close(dbapi_connection: Any) -> None:
        try:
            close(dbapi_connection)
        finally:
            writer.release(dbapi_connection)

    for name, wrapped in (("do_commit", do_commit), ("do_rollback", do_rollback),
                          ("do_close", do_close)):
        setattr(dialect, name, wrapped)  # this engine's dialect only

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _statement_alone(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if (connection.connection.info.get(STATEMENTS_ALONE)
                and statement.lstrip()[:7].upper().startswith(_WRITES)):
            writer.take(connection.connection.dbapi_connection)

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _statement_done(connection: Any, *_: Any) -> None:
        if connection.connection.info.get(STATEMENTS_ALONE):
            writer.release(connection.connection.dbapi_connection)

    @event.listens_for(engine.sync_engine, "handle_error")
    def _statement_failed(context: Any) -> None:
        connection = context.connection
        if connection is not None and not connection.closed and \
                connection.connection.info.get(STATEMENTS_ALONE):
            writer.release(connection.connection.dbapi_connection)

    return writer
