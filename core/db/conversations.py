"""Durable conversation state: a key -> (state, data) store, each write its own commit."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from core.db.models import ConversationRow
from core.db.uow import Database


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        async with self.db.sessions() as session:
            row = await session.get(ConversationRow, key)
            return (row.state, dict(row.data or {})) if row else (None, {})

    async def put(self, key: str, *, state: Any = ..., data: Any = ...) -> None:
        """Change the state, the data or both (``...`` leaves a part as it is)."""
        async with self.db.sessions() as session, session.begin():
            row = (await session.execute(
                select(ConversationRow).where(ConversationRow.key == key).with_for_update()
            )).scalar_one_or_none()
            if row is None:
                if state in (..., None) and not (data is not ... and data):
                    return  # clearing what was never stored
                row = ConversationRow(key=key, state=None, data={})
                session.add(row)
            if state is not ...:
                row.state = state
            if data is not ...:
                row.data = dict(data)
            row.updated_at = datetime.now(timezone.utc)
            if row.state is None and not row.data:
                await session.delete(row)
