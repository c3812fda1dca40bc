"""aiogram's RedisStorage, taking an update's conversation writes at its end.

A fleet keeps conversations in Redis. An instance killed halfway through an update — the
conversation already moved on, the question that goes with it never sent — would leave
the customer stuck: the update, delivered again, would meet a conversation that had moved
past it. So an update's writes wait (``bot.runtime.update_work``) and reach Redis when the
handler is done, just before the update's closing transaction, which Redis cannot join; a
crash before then replays the update from where the conversation stood. Outside an update
(the reminder job) writes go straight through.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from bot.runtime.update_work import UNCHANGED, Staged
from core.db.update_writes import UpdateWrites


class StagedRedisStorage(RedisStorage):
    async def commit_staged(self, staged: Mapping[StorageKey, Staged],
                            writes: UpdateWrites) -> None:
        for key, entry in staged.items():
            if entry.state is not UNCHANGED:
                await self.set_state(key, entry.state)
            if entry.data is not UNCHANGED:
                await self.set_data(key, entry.data)
