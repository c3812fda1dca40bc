"""One trip to SQLite's thread per statement, not four.

aiosqlite runs each SQLite call on a thread of its own; every call is a trip there and
back (a queue, a thread switch, a wake-up of the event loop). SQLAlchemy's adapter makes
four of them for one statement — open a cursor, execute, fetch the rows, close — so a
webhook update's eight statements cost about forty trips, and the trips, not SQLite,
were most of the bot's processor time (``bench/intake_throughput.py``). This cursor
does the four in one trip. Handed to SQLAlchemy's own aiosqlite dialect as its DBAPI
(``create_async_engine(module=...)``): the dialect, its SQL and its pool stay SQLAlchemy's.

Nor is a trip made to commit or roll back a connection with no transaction open (a
pool's checkin, or a statement that committed by itself): five an update.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_only

_Outcome = tuple[Any, list[Any] | None, int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any,
         many: bool) -> _Outcome:
    """On SQLite's thread: the whole statement."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No cursor is opened here: each statement opens and closes its own, in its trip.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._trip(operation, seq_of_parameters, many=True)

    def _trip(self, operation: str, parameters: Any, many: bool) -> None:
        try:
            self._description, rows, self._rowcount, self._lastrowid = await_only(
                self._locked(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._rows = deque(rows or ())

    async def _locked(self, operation: str, parameters: Any, many: bool) -> _Outcome:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            return await connection._execute(_run, connection._conn, operation, parameters,
                                             many)

    async def _async_soft_close(self) -> None:
        """Nothing is open: the trip closed the SQLite cursor."""

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass of it

    @property
    def in_transaction(self) -> bool:
        # Read where it lives, without a trip: a flag of SQLite's, and nothing else runs
        # on this connection while its one user is here. A closed one has nothing open.
        connection = self._connection._connection
        try:
            return connection is not None and bool(connection.in_transaction)
        except sqlite3.ProgrammingError:
            return False

    # SQLAlchemy ends the transaction it thinks it began on a connection whose statements
    # each commit by themselves (``core.db.engine.NO_BEGIN``): three trips an update to
    # end nothing. SQLite's own commit and rollback do nothing then either.
    def rollback(self) -> None:
        if self.in_transaction:
            super().rollback()

    def commit(self) -> None:
        if self.in_transaction:
            super().commit()


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDbapi:
    return OneTripDbapi(aiosqlite, sqlite3)
