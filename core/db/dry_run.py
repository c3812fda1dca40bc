"""A database whose every change is rolled back: ``jobs run-due --dry-run``.

The services open and commit their own units of work, so a preview cannot simply skip
the commit. Instead every session here is bound to one connection inside one outer
transaction and opens a SAVEPOINT of it: a unit of work's ``commit()`` releases its
savepoint, later reads see that work (so the preview runs exactly as the real thing
would), and closing the outer transaction undoes all of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker

from core.db.uow import Database, _ReadOnlySession


@asynccontextmanager
async def rolled_back(url: str) -> AsyncIterator[Database]:
    """A ``Database`` for ``url`` that writes nothing in the end; one connection, used
    by one task at a time (the command line's run is sequential)."""
    db = Database(url)
    connection = await db.engine.connect()
    outer = await connection.begin()
    db.sessions = async_sessionmaker(bind=connection, expire_on_commit=False,
                                     autoflush=False, join_transaction_mode="create_savepoint")
    # Reads join the same transaction, so they see the preview's own (uncommitted) work.
    db.readers = async_sessionmaker(bind=connection, expire_on_commit=False, autoflush=False,
                                    join_transaction_mode="create_savepoint",
                                    sync_session_class=_ReadOnlySession)
    try:
        yield db
    finally:
        try:
            await outer.rollback()
            await connection.close()
        finally:
            await db.dispose()
