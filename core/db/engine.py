"""Engines and sessions, built on demand (never at import time)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import await_only

from core.db import sqlite_writer
from core.db.sqlite_trips import OneTripConnection, one_trip_dbapi

DEFAULT_URL = "sqlite+aiosqlite:///complaint-desk.db"
# PostgreSQL connections per process: a webhook instance works on many updates at once,
# and one opened and closed per burst (past the pool) costs more than the update itself.
POOL_SIZE = 15
# SQLite connections per process. An update in flight holds one while it waits for the one
# writer (``core.db.sqlite_writer``), and Telegram keeps up to 40 webhook requests open
# (setWebhook's ``max_connections``): a pool of five opened and closed a connection (a
# thread, a file, four pragmas) for a quarter of the updates under load, a tenth of the
# CPU. An idle one is a blocked thread and a file handle.
SQLITE_POOL_SIZE = 40
# SQLite's form of autocommit: its connections already run without the driver's own
# transactions (we BEGIN ourselves), so leaving BEGIN out is all it takes; setting the
# isolation level instead would cost two trips to SQLite's thread per checkout.
NO_BEGIN = "desk_no_begin"
# A read-only unit of work: on SQLite a deferred BEGIN (a snapshot beside the writer, no
# write lock) with ``query_only`` on; on PostgreSQL a READ ONLY transaction.
READ_ONLY = "desk_read_only"
# A write transaction whose writes nobody reads back (an update's closing write): on
# SQLite they travel to its thread with the commit, in one trip (``core.db.sqlite_trips``);
# elsewhere nothing changes.
DEFERRED_WRITES = "desk_deferred_writes"


def autocommit_options(engine: AsyncEngine) -> dict[str, Any]:
    """Execution options for statements that each commit by themselves."""
    if engine.dialect.name == "sqlite":
        return {NO_BEGIN: True}
    return {"isolation_level": "AUTOCOMMIT"}


def read_only_options(engine: AsyncEngine) -> dict[str, Any]:
    """Execution options for a transaction that only reads."""
    if engine.dialect.name == "sqlite":
        return {READ_ONLY: True}
    return {"postgresql_readonly": True}


def _ping_in_one_trip(dbapi_connection: Any) -> bool:
    """Whether a pooled PostgreSQL connection is alive, asked in one round trip.

    SQLAlchemy's asyncpg ping runs ``;`` in a transaction of its own (BEGIN, ``;``,
    ROLLBACK: three round trips on every checkout), so that asyncpg's prepared statement
    for it survives pgbouncer's transaction pooling (sqlalchemy #10226). asyncpg's
    ``execute`` without arguments is PostgreSQL's simple query: one message, nothing
    prepared. (Not ``;``: asyncpg cannot read the empty query's answer.) A pooled
    connection holds no transaction, so this asks the same question.
    """
    try:
        await_only(dbapi_connection.driver_connection.execute("SELECT 1"))
    except Exception as error:
        # Raised as the adapter's own ping raises it (a DBAPI error), so SQLAlchemy tells a
        # lost connection (replaced) from any other failure (raised), as it always has.
        dbapi_connection._handle_exception(error)
    return True


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (``postgresql://``, ``sqlite:///``) and pick async drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def pooled_by_queue(url: str | URL) -> bool:
    """A file database: SQLAlchemy pools it in a queue (in memory: one connection, kept)."""
    parsed = make_url(url)
    dialect = cast(type[DefaultDialect], parsed.get_dialect())
    return issubclass(dialect.get_pool_class(parsed), QueuePool)


def make_engine(url: str = DEFAULT_URL, **kwargs: Any) -> AsyncEngine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", POOL_SIZE)
        engine = create_async_engine(url, **kwargs)
        if engine.dialect.driver == "asyncpg":
            engine.dialect.do_ping = _ping_in_one_trip  # type: ignore[method-assign]
        return engine
    # One trip to SQLite's thread per statement (``core.db.sqlite_trips``), none for a
    # checkin's rollback of a connection with no transaction open (``_reset`` below).
    kwargs.setdefault("module", one_trip_dbapi())
    if "poolclass" not in kwargs and pooled_by_queue(url):
        kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
    engine = create_async_engine(url, pool_reset_on_return=None, **kwargs)
    writer = sqlite_writer.attach(engine)

    @event.listens_for(engine.sync_engine, "reset")
    def _reset(dbapi_connection: Any, _record: Any, reset_state: Any) -> None:
        try:
            if not reset_state.terminate_only:
                dbapi_connection.rollback()  # a trip only if a transaction is open
        finally:
            writer.release(dbapi_connection)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below); WAL lets readers run beside the one writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        read_only = bool(options.get(READ_ONLY))
        info = connection.connection.info  # lives as long as the SQLite connection
        info[sqlite_writer.STATEMENTS_ALONE] = bool(options.get(NO_BEGIN)) and not read_only
        if info.get(READ_ONLY, False) != read_only:
            # Flipped only when a pooled connection changes hands between a reader and a
            # writer; a write in a read-only unit of work then fails in SQLite itself.
            connection.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
            info[READ_ONLY] = read_only
        if read_only:
            connection.exec_driver_sql("BEGIN")  # deferred: reads never queue for the lock
            return
        if options.get(NO_BEGIN):
            # ``Database.autocommit``: no BEGIN, each statement its own transaction; a read
            # runs beside the writer (WAL) instead of queueing for the write lock.
            return
        # IMMEDIATE takes the write lock up front: one writer at a time, no deadlocked
        # read-to-write upgrades, so concurrent filings queue instead of failing — in
        # this process's queue first (``core.db.sqlite_writer``), not SQLite's sleeps.
        dbapi_connection = connection.connection.dbapi_connection
        writer.take(dbapi_connection)
        if isinstance(dbapi_connection, OneTripConnection):
            if options.get(DEFERRED_WRITES):
                # It would only wait on the connection too: skip SQLAlchemy's execution.
                dbapi_connection.begin_deferred("BEGIN IMMEDIATE")
                return
            dbapi_connection.deferring = False
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writer.release(dbapi_connection)
            raise

    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
