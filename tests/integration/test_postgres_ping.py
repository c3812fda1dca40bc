"""A pooled PostgreSQL connection is checked in one round trip before use
(``core.db.engine._ping_in_one_trip``), and one the server dropped is replaced, not
handed to the caller."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from core.db.engine import make_engine
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL is not set")


async def test_a_pooled_connection_is_asked_once_and_a_dropped_one_replaced(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert POSTGRES_URL is not None
    engine = make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            first = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()

        asked: list[str] = []
        execute, transaction = asyncpg.Connection.execute, asyncpg.Connection.transaction

        async def counted_execute(self: asyncpg.Connection, query: str, *args: Any,
                                  **kwargs: Any) -> str:
            asked.append(query)
            return await execute(self, query, *args, **kwargs)

        def counted_transaction(self: asyncpg.Connection, **kwargs: Any) -> Any:
            asked.append("BEGIN")
            return transaction(self, **kwargs)

        monkeypatch.setattr(asyncpg.Connection, "execute", counted_execute)
        monkeypatch.setattr(asyncpg.Connection, "transaction", counted_transaction)
        async with engine.connect() as connection:
            assert asked == ["SELECT 1"]  # the ping: no BEGIN, no ROLLBACK
            again = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again == first  # the same pooled connection
        monkeypatch.undo()

        # The server drops it (a restart, an administrator): the next user gets a new one.
        admin = make_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
        try:
            async with admin.connect() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                         {"pid": first})
        finally:
            await admin.dispose()
        async with engine.connect() as connection:
            replaced = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert replaced != first
    finally:
        await engine.dispose()
