"""One update at a time per person and chat, in this process, with nothing kept after.

aiogram's ``SimpleEventIsolation`` keeps a lock for every person it has ever seen (aiogram
3's source notes that nothing cleans them up): a lone instance's memory grew with every
new customer, for as long as it ran. Here a person's lock lives while someone holds it
or waits for it, and goes with the last of them — waiting given up (a cancelled update)
included.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


@dataclass
class _Held:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # holding or waiting


class PersonLocks(BaseEventIsolation):
    def __init__(self) -> None:
        self._held: dict[Hashable, _Held] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = _Held()
        held.users += 1
        try:
            async with held.lock:
                yield
        finally:
            held.users -= 1
            if held.users == 0:
                del self._held[key]

    def kept(self) -> int:
        """How many people's locks are kept now: held or waited for."""
        return len(self._held)

    async def close(self) -> None:
        self._held.clear()
