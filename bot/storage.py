"""aiogram FSM storage on our database: conversations survive a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey

from core.db.conversations import ConversationStore
from core.db.uow import Database


class SqlStorage(BaseStorage):
    def __init__(self, db: Database) -> None:
        self.store = ConversationStore(db)
        self.keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self.store.put(self.keys.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self.store.get(self.keys.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self.store.put(self.keys.build(key), data=data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return (await self.store.get(self.keys.build(key)))[1]

    async def close(self) -> None:
        """The database belongs to the process, not to the storage."""


def make_storage(db: Database, redis_url: str | None) -> BaseStorage:
    """Redis when configured (several instances share it), else our own database."""
    if redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(redis_url)
    return SqlStorage(db)
