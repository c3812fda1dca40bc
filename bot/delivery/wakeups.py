"""The outbox sender goes as soon as notices are committed, in this process and across a
fleet, instead of at its next look (once a second).

A unit of work that commits notices tells the process (``Database.notices_committed``);
with Redis, it also publishes on a channel every instance listens to, so a notice
committed by one instance is sent by whichever sender is free first (the senders claim
with leases). The sender's own look stays as the safety net: a lost wake-up costs a
second, never a notice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
CHANNEL = "complaint-desk:outbox-committed"
RECONNECT = 2.0  # seconds before listening again after Redis went away


class OutboxWakeups:
    def __init__(self, wake: Callable[[], None], redis_url: str | None = None) -> None:
        self.wake = wake
        self.redis_url = redis_url
        self.me = uuid.uuid4().hex  # our own messages come back to us: no double look
        self._redis: Any = None
        self._publishing: set[asyncio.Task[Any]] = set()

    def committed(self) -> None:
        """A ``Database.notices_committed`` listener: wake here, and tell the others."""
        self.wake()
        if self._redis is not None:
            task = asyncio.get_running_loop().create_task(self._publish())
            self._publishing.add(task)
            task.add_done_callback(self._publishing.discard)

    async def _publish(self) -> None:
        try:
            await self._redis.publish(CHANNEL, self.me)
        except Exception as exc:  # the others' own look finds the notices anyway
            log.warning("could not tell the other instances about new notices: %s", exc)

    async def listen(self) -> None:
        """Until cancelled, with Redis: wake this sender when another instance commits."""
        if not self.redis_url:
            return
        from redis.asyncio import Redis

        self._redis = Redis.from_url(self.redis_url)
        try:
            while True:
                try:
                    await self._listen_once()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("listening for other instances' notices failed: %s", exc)
                    await asyncio.sleep(RECONNECT)
        finally:
            await self._redis.aclose()
            self._redis = None

    async def _listen_once(self) -> None:
        async with self._redis.pubsub() as channel:
            await channel.subscribe(CHANNEL)
            async for message in channel.listen():
                if message.get("type") == "message" and message.get("data") != self.me.encode():
                    self.wake()
