"""aiogram FSM storage on our database: conversations survive a restart."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StorageKey,
)
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.runtime import update_batch
from core.db.conversations import ConversationStore
from core.db.uow import Database


class SqlStorage(BaseStorage):
    """Conversations in our database, read through a cache and written once per update.

    One process owns a conversation at a time (polling has one consumer; a fleet keeps
    conversations in Redis instead), so this process's cache is the truth and reads need
    no query. Inside an update the writes join the update's closing transaction
    (``bot.runtime.update_batch``), still under the person's lock; outside one (the reminder job)
    every write goes straight through. Data is cached as JSON, so nobody can
    change a cached conversation by mutating what they were given.
    """

    def __init__(self, db: Database, cache_size: int = 4096) -> None:
        self.store = ConversationStore(db)
        self.keys = DefaultKeyBuilder(with_destiny=True, with_bot_id=True)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[str | None, str]] = OrderedDict()

    async def _load(self, key: str) -> tuple[str | None, str]:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        state, data = await self.store.get(key)
        return self._remember(key, (state, json.dumps(data, sort_keys=True)))

    def _remember(self, key: str, value: tuple[str | None, str]) -> tuple[str | None, str]:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return value

    async def _write(self, key: str, state: Any = ..., data: Any = ...) -> None:
        old_state, old_data = await self._load(key)
        new = (old_state if state is ... else state,
               old_data if data is ... else json.dumps(dict(data), sort_keys=True))
        if new == (old_state, old_data):
            return
        self._remember(key, new)
        writes = update_batch.current()
        if writes is not None:
            if key not in writes.conversations:  # unsure what was stored: read it again
                writes.on_failure.append(lambda: self._cache.pop(key, None))
            writes.conversations[key] = (new[0], json.loads(new[1]))
            return
        try:
            await self.store.put(key, new[0], json.loads(new[1]))
        except Exception:
            self._cache.pop(key, None)
            raise

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        await self._write(self.keys.build(key),
                          state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(self.keys.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(self.keys.build(key), data=data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict(json.loads((await self._load(self.keys.build(key)))[1]))

    async def close(self) -> None:
        """The database belongs to the process, not to the storage."""


def make_storage(db: Database, redis_url: str | None) -> BaseStorage:
    """Redis when configured (several instances share it), else our own database."""
    if redis_url:
        from bot.runtime.redis_storage import StagedRedisStorage

        return StagedRedisStorage.from_url(redis_url)
    return SqlStorage(db)


def make_isolation(storage: BaseStorage, lock_seconds: float) -> BaseEventIsolation:
    """The per-person lock: in Redis when the storage is (shared by every instance), else
    in this process. A Redis lock of an instance that died expires after ``lock_seconds``
    (the update lease), so the person's next update waits at most that long."""
    from aiogram.fsm.storage.redis import RedisStorage

    if isinstance(storage, RedisStorage):
        return storage.create_isolation(lock_kwargs={"timeout": lock_seconds})
    return SimpleEventIsolation()
