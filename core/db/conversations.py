"""Durable conversation state: a key -> (state, data) store.

Core statements on a bare connection, not ORM sessions: the bot reads a conversation for
nearly every update and writes it for many, so this is the hottest path in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, select

from core.db import dialect, one_statement
from core.db.dialect import HasDialect
from core.db.models import ConversationRow, table_of
from core.db.one_statement import Write
from core.db.uow import Database

TABLE = table_of(ConversationRow)


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        async with self.db.autocommit.connect() as connection:
            row = (await connection.execute(_read, {"key": key})).first()
        return (row.state, dict(row.data or {})) if row else (None, {})

    async def put(self, key: str, state: str | None, data: Mapping[str, Any]) -> None:
        async with self.db.engine.begin() as connection:
            await one_statement.run(connection, writes(connection, {key: (state, data)},
                                                       datetime.now(UTC)))


def writes(database: HasDialect, changes: Mapping[str, tuple[str | None, Mapping[str, Any]]],
           now: datetime) -> list[Write]:
    """The statements that store each key's whole new (state, data); an empty one is
    removed rather than kept."""
    return [(_remove, {"key": key}) if state is None and not data else
            (_upsert(database), {"new_key": key, "new_state": state, "new_data": dict(data),
                                 "at": now})
            for key, (state, data) in changes.items()]


_read = select(TABLE.c.state, TABLE.c.data).where(TABLE.c.key == bindparam("key"))
_remove = delete(TABLE).where(TABLE.c.key == bindparam("key"))


@dialect.built_once
def _upsert(insert: Any) -> Any:
    statement = insert(TABLE).values(key=bindparam("new_key"), state=bindparam("new_state"),
                                     data=bindparam("new_data"), updated_at=bindparam("at"))
    return statement.on_conflict_do_update(
        index_elements=[TABLE.c.key],
        set_={"state": statement.excluded.state, "data": statement.excluded.data,
              "updated_at": statement.excluded.updated_at})
