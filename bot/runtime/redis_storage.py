"""aiogram's RedisStorage, with an update's conversation writes held to its end.

A fleet keeps conversations in Redis, where every ``set_state`` used to land at once. An
instance killed halfway through an update — the conversation already moved on, the
question that goes with it never sent — left the customer stuck: the update, delivered
again, met a conversation that had moved past it. Inside an update the writes are now
staged (and read back by that update) and go to Redis when the handler is done, just
before the update's closing transaction (``core.db.update_writes``); a crash before then
replays the update from where the conversation stood. Outside an update (the reminder
job) writes go straight through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from bot.runtime import update_batch

UNCHANGED: Any = object()


class StagedRedisStorage(RedisStorage):
    def _staged(self) -> dict[StorageKey, list[Any]] | None:
        return update_batch.staged_for(self, self._write_staged)

    async def _write_staged(self, staged: dict[StorageKey, list[Any]]) -> None:
        for key, (state, data) in staged.items():
            if state is not UNCHANGED:
                await super().set_state(key, state)
            if data is not UNCHANGED:
                await super().set_data(key, data)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        staged = self._staged()
        if staged is None:
            await super().set_state(key, value)
        else:
            staged.setdefault(key, [UNCHANGED, UNCHANGED])[0] = value

    async def get_state(self, key: StorageKey) -> str | None:
        entry = (self._staged() or {}).get(key)
        if entry is not None and entry[0] is not UNCHANGED:
            return entry[0]
        return await super().get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        staged = self._staged()
        if staged is None:
            await super().set_data(key, data)
        else:
            staged.setdefault(key, [UNCHANGED, UNCHANGED])[1] = dict(data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        entry = (self._staged() or {}).get(key)
        if entry is not None and entry[1] is not UNCHANGED:
            return dict(entry[1])
        return await super().get_data(key)
