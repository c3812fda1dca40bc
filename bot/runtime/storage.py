"""aiogram FSM storage on our database: conversations survive a restart."""

from __future__ import annotations

import functools
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

from bot.runtime.person_locks import PersonLocks
from bot.runtime.update_work import UNCHANGED, Staged
from core.db.conversations import ConversationStore
from core.db.uow import Database
from core.db.update_writes import UpdateWrites


class SqlStorage(BaseStorage):
    """Conversations in our database, read through a cache and written once per update.

    One process owns a conversation at a time (polling has one consumer; a fleet keeps
    conversations in Redis instead), so this process's cache is the truth and reads need
    no query. An update's writes join its closing transaction (``commit_staged``, called
    by ``bot.runtime.update_work``), still under the person's lock; outside an update (the
    reminder job) every write goes straight through. Data is cached as JSON, so nobody
    can change a cached conversation by mutating what they were given.
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
        return self.learn(key, await self.store.get(key))

    def uncached(self, storage_key: StorageKey) -> str | None:
        """The conversation's key if reading it would query the database: then it can be
        read with the person, in one statement (``bot.runtime.middlewares``)."""
        key = self.keys.build(storage_key)
        return None if key in self._cache else key

    def learn(self, key: str, stored: tuple[str | None, Mapping[str, Any]]) -> tuple[str | None, str]:
        """What the database holds for ``key``, read by whoever read it."""
        state, data = stored
        return self._remember(key, (state, json.dumps(dict(data), sort_keys=True)))

    def _remember(self, key: str, value: tuple[str | None, str]) -> tuple[str | None, str]:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return value

    async def _changed(self, key: str, state: Any, data: Any) -> tuple[str | None, str] | None:
        """The conversation after the write, or None when it changes nothing."""
        old_state, old_data = await self._load(key)
        new = (old_state if state is UNCHANGED else state,
               old_data if data is UNCHANGED else json.dumps(dict(data), sort_keys=True))
        return None if new == (old_state, old_data) else new

    async def _write(self, key: str, state: Any = UNCHANGED, data: Any = UNCHANGED) -> None:
        new = await self._changed(key, state, data)
        if new is None:
            return
        self._remember(key, new)
        try:
            await self.store.put(key, new[0], json.loads(new[1]))
        except Exception:
            self._cache.pop(key, None)
            raise

    async def commit_staged(self, staged: Mapping[StorageKey, Staged],
                            writes: UpdateWrites) -> None:
        for storage_key, entry in staged.items():
            key = self.keys.build(storage_key)
            new = await self._changed(key, entry.state, entry.data)
            if new is None:
                continue
            self._remember(key, new)
            # Should the transaction fail, what it held never reached the database.
            writes.on_failure.append(functools.partial(self._cache.pop, key, None))
            writes.conversations[key] = (new[0], json.loads(new[1]))

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
    if isinstance(storage, SqlStorage):  # no Redis: not even imported (7 MB of memory)
        return PersonLocks()
    from aiogram.fsm.storage.redis import RedisStorage

    if isinstance(storage, RedisStorage):
        return storage.create_isolation(lock_kwargs={"timeout": lock_seconds})
    return PersonLocks()
