"""The unit of work: one transaction; rolls back unless ``commit()`` was called."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.db.engine import autocommit_options, make_engine, make_session_factory
from core.db.repositories import CaseRepository, PersonRepository


class SqlUnitOfWork:
    cases: CaseRepository
    people: PersonRepository
    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[Any]) -> None:
        self._factory = session_factory
        self._committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        await self.session.begin()
        self.cases = CaseRepository(self.session)
        self.people = PersonRepository(self.session)
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
        await self.session.commit()
        self._committed = True


class Database:
    """The process's database: one engine, a session factory, units of work on demand."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: AsyncEngine = make_engine(url, **engine_kwargs)
        # For work that is one statement (or reads): no BEGIN/COMMIT round trips, and on
        # SQLite no queueing for the write lock just to read.
        self.autocommit: AsyncEngine = self.engine.execution_options(
            **autocommit_options(self.engine))
        self.sessions = make_session_factory(self.engine)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    async def dispose(self) -> None:
        await self.engine.dispose()
