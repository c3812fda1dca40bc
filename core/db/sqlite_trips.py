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

And a transaction whose writes nobody reads back — an update's closing write (``BEGIN``,
the conversation, its reminder, the replies, the "handled" mark, ``COMMIT``) — is one
trip, not six: begun with ``DEFERRED_WRITES`` (``core.db.engine``), its writes without
``RETURNING`` wait on the connection and go with the commit, or with the next statement
that must answer. A deferred write's error is told at that moment instead of its own: so
only where nobody catches one write's error on its own.
"""

from __future__ import annotations

import re
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
_Statement = tuple[str, Any, bool]  # operation, parameters, many
# Statements whose outcome nobody reads: they may wait for the next trip.
_DEFERRABLE = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN")
_ANSWERS = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def _deferrable(operation: str) -> bool:
    return operation.lstrip()[:7].upper().startswith(_DEFERRABLE) and \
        _ANSWERS.search(operation) is None


def _execute(connection: sqlite3.Connection, operation: str, parameters: Any,
             many: bool) -> sqlite3.Cursor:
    cursor = connection.cursor()
    if many:
        cursor.executemany(operation, parameters)
    else:
        cursor.execute(operation, () if parameters is None else parameters)
    return cursor


def _run(connection: sqlite3.Connection, pending: list[_Statement], operation: str,
         parameters: Any, many: bool) -> _Outcome:
    """On SQLite's thread: the writes waiting, then the whole statement."""
    for waiting in pending:
        _execute(connection, *waiting).close()
    cursor = _execute(connection, operation, parameters, many)
    try:
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _commit(connection: sqlite3.Connection, pending: list[_Statement]) -> None:
    """On SQLite's thread: the writes waiting, and the commit; none of them if one fails
    (so SQLite's write lock is let go with the writer's queue, ``core.db.sqlite_writer``)."""
    try:
        for waiting in pending:
            _execute(connection, *waiting).close()
        connection.commit()
    except BaseException:
        if connection.in_transaction:
            connection.rollback()
        raise


async def _waited() -> None:
    """Nothing to await: the statement waits on the connection instead."""


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
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        if adapted.deferring and _deferrable(operation):
            adapted.pending.append((operation, parameters, many))
            await_only(_waited())  # SQLAlchemy's async engine insists on a switch
            self._description, self._rowcount, self._lastrowid = None, -1, None
            self._rows = deque()
            return
        try:
            self._description, rows, self._rowcount, self._lastrowid = await_only(
                self._locked(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._rows = deque(rows or ())

    async def _locked(self, operation: str, parameters: Any, many: bool) -> _Outcome:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        async with adapted._execute_mutex:
            pending, adapted.pending = adapted.pending, []
            return await connection._execute(_run, connection._conn, pending, operation,
                                             parameters, many)

    async def _async_soft_close(self) -> None:
        """Nothing is open: the trip closed the SQLite cursor."""

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("deferring", "pending")
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass of it

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.deferring = False  # until this transaction ends (``DEFERRED_WRITES``)
        self.pending: list[_Statement] = []

    def begin_deferred(self, begin: str) -> None:
        """A transaction of deferred writes, its ``BEGIN`` waiting with them."""
        self.deferring = True
        self.pending.append((begin, None, False))

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
        self.deferring, self.pending = False, []  # what waited never ran
        if self.in_transaction:
            super().rollback()

    def commit(self) -> None:
        self.deferring = False
        if self.pending:
            pending, self.pending = self.pending, []
            try:
                await_only(self._connection._execute(_commit, self._connection._conn,
                                                     pending))
            except Exception as error:
                self._handle_exception(error)
        elif self.in_transaction:
            super().commit()

    def close(self) -> None:
        self.deferring, self.pending = False, []
        super().close()


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDbapi:
    return OneTripDbapi(aiosqlite, sqlite3)
