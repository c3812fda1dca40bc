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

import logging
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio.lock import Lock
from redis.exceptions import LockNotOwnedError

from bot.runtime.update_work import UNCHANGED, Staged
from core.db.update_writes import UpdateWrites

log = logging.getLogger(__name__)


class LeasedRedisIsolation(RedisEventIsolation):
    """aiogram's per-person lock in Redis, whose expiry is not the person's problem.

    The lock expires after the update lease, so a dead instance cannot hold a person
    forever. An update that outlived it (a long wait on Telegram) found, on releasing,
    a lock no longer its own: aiogram raised, and the customer was told "Sorry, something
    went wrong" although everything the update did had been committed. The lapse is
    logged instead; the update's work stands.
    """

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        held = self.redis.lock(name=self.key_builder.build(key, "lock"), **self.lock_kwargs,
                               lock_class=Lock)
        await held.acquire()
        try:
            yield None
        finally:
            try:
                await held.release()
            except LockNotOwnedError:
                log.warning("the lock on chat %s user %s expired before update handling "
                            "ended (it took longer than UPDATE_LEASE_SECONDS); its work "
                            "stands", key.chat_id, key.user_id)


class StagedRedisStorage(RedisStorage):
    async def commit_staged(self, staged: Mapping[StorageKey, Staged],
                            writes: UpdateWrites) -> None:
        for key, entry in staged.items():
            if entry.state is not UNCHANGED:
                await self.set_state(key, entry.state)
            if entry.data is not UNCHANGED:
                await self.set_data(key, entry.data)

    def create_isolation(self, **kwargs: Any) -> LeasedRedisIsolation:
        return LeasedRedisIsolation(redis=self.redis, key_builder=self.key_builder, **kwargs)
