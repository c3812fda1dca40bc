"""The unit of work: one transaction; rolls back unless ``commit()`` was called.

``Database.uow(read_only=True)`` opens one that only reads: on SQLite a deferred BEGIN
(WAL: a snapshot beside the one writer, never queueing for the write lock) with
``query_only`` set; on PostgreSQL a READ ONLY transaction. Either way a write attempted
in it fails at once with ``ReadOnlyError`` (or the database's own refusal).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from core.db.case_queries import CaseQueries
from core.db.conflicts import as_conflict
from core.db.engine import (
    DEFERRED_WRITES,
    autocommit_options,
    make_engine,
    make_session_factory,
    read_only_options,
)
from core.db.groups import GroupRepository
from core.db.jobs import JobQueue, JobWriter
from core.db.loop_reads import BusyReads, loop_reads_engine
from core.db.outbox import OutboxWriter
from core.db.repositories import (
    CaseRepository,
    PersonRepository,
    person_and_conversation,
    person_and_conversation_now,
    person_by_telegram,
)
from core.db.staff import StaffRepository
from core.records import Person, ReadOnlyError

log = logging.getLogger(__name__)

class _ReadOnlySession(Session):
    """Refuses to flush changes: the unit of work was opened to read."""

    def flush(self, objects: Any = None) -> None:
        if self.new or self.dirty or self.deleted:
            raise ReadOnlyError("a write in a read-only unit of work")
        super().flush(objects)


class SqlUnitOfWork:
    cases: CaseRepository
    people: PersonRepository
    outbox: OutboxWriter
    jobs: JobWriter
    groups: GroupRepository
    staff: StaffRepository
    queries: CaseQueries
    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[Any], *,
                 read_only: bool = False,
                 on_notices: Callable[[], None] | None = None) -> None:
        self._factory = session_factory
        self._committed = False
        self.read_only = read_only
        self._on_notices = on_notices

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        await self.session.begin()
        self.cases = CaseRepository(self.session)
        self.people = PersonRepository(self.session)
        self.outbox = OutboxWriter(self.session)
        self.jobs = JobWriter(self.session)
        self.groups = GroupRepository(self.session)
        self.staff = StaffRepository(self.session)
        self.queries = CaseQueries(self.session)
        self._committed = False
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        if self.read_only:
            raise ReadOnlyError("commit() in a read-only unit of work")
        with as_conflict():
            await self.session.commit()
        self._committed = True
        if self.outbox.queued and self._on_notices is not None:
            self._on_notices()


class Database:
    """The process's database: one engine, a session factory, units of work on demand."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: AsyncEngine = make_engine(url, **engine_kwargs)
        # For work that is one statement (or reads): no BEGIN/COMMIT round trips, and on
        # SQLite no queueing for the write lock just to read.
        self.autocommit: AsyncEngine = self.engine.execution_options(
            **autocommit_options(self.engine))
        # For a transaction of writes nobody reads back: fewer trips (``DEFERRED_WRITES``).
        self.blind_writes: AsyncEngine = self.engine.execution_options(
            **{DEFERRED_WRITES: True})
        # SQLite (a file): the hottest read made on the loop's own thread (``core.db.loop_reads``).
        self.loop_reads = loop_reads_engine(self.engine)
        self.loop_reads_busy = BusyReads()
        self.sessions = make_session_factory(self.engine)
        self.readers = async_sessionmaker(
            self.engine.execution_options(**read_only_options(self.engine)),
            expire_on_commit=False, autoflush=False, sync_session_class=_ReadOnlySession)
        self.jobs = JobQueue(self)
        # Told when a unit of work commits notices: the sender goes at once instead of at
        # its next look (``bot.delivery.wakeups``).
        self.notices_committed: list[Callable[[], None]] = []

    def uow(self, *, read_only: bool = False) -> SqlUnitOfWork:
        if read_only:
            return SqlUnitOfWork(self.readers, read_only=True)
        return SqlUnitOfWork(self.sessions, on_notices=self.tell_notices_committed)

    def tell_notices_committed(self) -> None:
        for listener in self.notices_committed:
            try:
                listener()
            except Exception:  # the sender's own look finds them anyway
                log.exception("a listener for committed notices failed")

    async def person_by_telegram(self, telegram_id: int) -> Person | None:
        async with self.autocommit.connect() as connection:
            return await person_by_telegram(connection, telegram_id)

    async def person_and_conversation(
            self, telegram_id: int, conversation_key: str,
    ) -> tuple[Person | None, tuple[str | None, dict[str, Any]]]:
        if self.loop_reads is not None:
            try:
                with self.loop_reads.connect() as connection:
                    return person_and_conversation_now(connection, telegram_id,
                                                       conversation_key)
            except OperationalError as error:
                if not self.loop_reads_busy.read_elsewhere(error):
                    raise
        async with self.autocommit.connect() as connection:
            return await person_and_conversation(connection, telegram_id, conversation_key)

    async def dispose(self) -> None:
        try:
            if self.loop_reads is not None:  # first: the last to close checkpoints, off the loop
                self.loop_reads.dispose()
        finally:
            await self.engine.dispose()


__all__ = ["Database", "SqlUnitOfWork"]
