"""The overall limit as Telegram counts it: by when a request arrives, which we never see.

Even spacing (``bot.delivery.pacing``) keeps thirty-one requests out of one second only
if the network delays each the same. Under load it does not: in CI one request sent 34 ms
after its neighbour reached the emulator 20 ms late, and the thirty-first of a burst drew
a 429. A request arrives somewhere between when it is sent and when its answer comes
back, so the request ``count`` places later starts only ``seconds`` after that answer:
then no jitter can put them in one window. It costs one round trip per window (a few
milliseconds a second), and nothing while the spacing already holds.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

IN_FLIGHT_POLL = 0.005  # seconds between looks at a request still waiting for its answer


class _Request:
    answered: float | None = None


class SendWindow:
    def __init__(self, count: int = 30, seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.count = count
        self.seconds = seconds
        self.clock = clock
        self.sleep = sleep
        self._recent: deque[_Request] = deque()  # oldest first

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait until one more request cannot overrun the window, then hold its place
        until its answer comes back (or it fails)."""
        request = await self._enter()
        try:
            yield
        finally:
            request.answered = self.clock()

    async def _enter(self) -> _Request:
        while True:
            now = self.clock()
            self._forget_before(now - self.seconds)
            if len(self._recent) < self.count:
                request = _Request()
                self._recent.append(request)
                return request
            oldest = self._recent[0].answered
            await self.sleep(IN_FLIGHT_POLL if oldest is None
                             else max(oldest + self.seconds - now, 0.0))

    def _forget_before(self, moment: float) -> None:
        while self._recent and (answered := self._recent[0].answered) is not None \
                and answered <= moment:
            self._recent.popleft()
