"""How many updates work on the database at once: as many as the process keeps connections,
less a few.

From its first read to its closing commit an update holds a pooled connection or waits
for one. Past the pool, SQLAlchemy opens an extra connection and closes it on return, so
under a burst (Telegram keeps up to 40 webhook requests open) a fifth of the updates paid
for a new connection — TLS, authentication and statements prepared again on PostgreSQL —
which cost more than the update itself. Updates past the pool wait here instead.

A slot is taken inside the person's lock (a person's next update, waiting for the lock,
holds none; a holder never waits for another person's lock, so they cannot deadlock) and
let go after the closing commit: replies go out, and their sent marks are written,
without one. A handler's call to Telegram (a press answered, a prompt said now, a file
uploaded, a 429 waited out) gives it up meanwhile (``Slot.given_up``). A few of the
pool's connections are left to what works without a slot: the sent marks, the outbox
sender, the job runner, the webhook's claims.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

# In an update's data: its slot, taken by ``ConversationReads`` and let go by
# ``UpdateWorkMiddleware`` after the commit.
UPDATE_SLOT = "update_slot"


# Connections of the pool left to work done without a slot.
LEFT_OUT_OF_SLOTS = 3


class Slot:
    def __init__(self, semaphore: asyncio.Semaphore | None) -> None:
        self._semaphore = semaphore  # None: no limit, nothing to take
        self.held = False

    async def take(self) -> None:
        if self._semaphore is not None:
            await self._semaphore.acquire()
            self.held = True

    def release(self) -> None:
        """Once the update's database work is committed; again is harmless."""
        if self.held and self._semaphore is not None:  # held: taken from a semaphore
            self.held = False
            self._semaphore.release()

    @asynccontextmanager
    async def given_up(self) -> AsyncIterator[None]:
        """Let go while waiting for something else than the database, then taken back
        (still inside the person's lock). Nothing to do once released for good."""
        if not self.held:
            yield
            return
        self.release()
        try:
            yield
        finally:
            await self.take()


class UpdateSlots:
    def __init__(self, size: int | None) -> None:
        self.size = size  # None: no limit (a pool that keeps no count, as in-memory SQLite)
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def for_pool(cls, pool: Any) -> UpdateSlots:
        size = getattr(pool, "size", None)
        kept = size() if callable(size) else 0
        # 0: a pool without a count (in-memory SQLite, NullPool); SQLAlchemy's "no limit".
        return cls(max(1, kept - LEFT_OUT_OF_SLOTS) if kept else None)

    def _current(self) -> asyncio.Semaphore | None:
        if self.size is None:
            return None
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:  # one belongs to one loop
            self._semaphore, self._loop = asyncio.Semaphore(self.size), loop
        return self._semaphore

    @asynccontextmanager
    async def taken(self) -> AsyncIterator[Slot]:
        slot = Slot(self._current())
        await slot.take()
        try:
            yield slot
        finally:
            slot.release()
