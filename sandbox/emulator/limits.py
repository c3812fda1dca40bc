"""Flood limits and fault injection.

Flood limits follow the Bot FAQ (about 1 message/s per chat, with "short bursts" allowed:
3 in any 3 s; 20 messages/min per group; 30 messages/s overall) as sliding windows; every
window size is configurable. They are
off by default so ordinary tests never see a 429; a test switches them on and drives a
FakeClock instead of sleeping. Faults (next N calls fail, added latency, outage) let
tests exercise the bot's retry and outbox code.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .api import ApiError, too_many_requests


class FakeClock:
    """A monotonic clock tests move by hand: `clock.advance(1.5)`."""

    def __init__(self, start: float = 1000.0):
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@dataclass
class Window:
    count: int
    seconds: float


class FloodLimiter:
    def __init__(self, clock: Callable[[], float], enabled: bool = False):
        self.clock = clock
        self.enabled = enabled
        self.per_chat = Window(3, 3.0)
        self.per_group = Window(20, 60.0)
        self.overall = Window(30, 1.0)
        self._hits: dict[tuple, deque[float]] = defaultdict(deque)

    def configure(self, enabled: bool | None = None, *, per_chat: tuple[int, float] | None = None,
                  per_group: tuple[int, float] | None = None, overall: tuple[int, float] | None = None) -> None:
        if enabled is not None:
            self.enabled = enabled
        for name, value in (("per_chat", per_chat), ("per_group", per_group), ("overall", overall)):
            if value is not None:
                setattr(self, name, Window(int(value[0]), float(value[1])))
        self._hits.clear()

    def _keys(self, bot_id: int, chat_id: int, is_group: bool) -> list[tuple[tuple, Window]]:
        keys = [(("chat", bot_id, chat_id), self.per_chat), (("all", bot_id), self.overall)]
        if is_group:
            keys.append((("group", bot_id, chat_id), self.per_group))
        return keys

    def check(self, bot_id: int, chat_id: int, is_group: bool) -> None:
        """Raise 429 if one more message would exceed a window (nothing is recorded)."""
        if not self.enabled:
            return
        now = self.clock()
        wait = 0.0
        for key, window in self._keys(bot_id, chat_id, is_group):
            hits = self._hits[key]
            while hits and hits[0] <= now - window.seconds:
                hits.popleft()
            if len(hits) >= window.count:
                wait = max(wait, hits[len(hits) - window.count] + window.seconds - now)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))

    def record(self, bot_id: int, chat_id: int, is_group: bool) -> None:
        if not self.enabled:
            return
        now = self.clock()
        for key, _ in self._keys(bot_id, chat_id, is_group):
            self._hits[key].append(now)


@dataclass
class Fault:
    method: str  # lower-case method name or "*"
    remaining: int
    code: int
    description: str
    retry_after: int | None = None
    drop: bool = False


class DropConnection(Exception):
    """Close the HTTP connection without an answer (simulates a network failure)."""


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault", 403: "Forbidden: injected fault", 409: "Conflict: injected fault",
    429: "Too Many Requests: retry after {retry_after}", 500: "Internal Server Error: injected fault",
    502: "Bad Gateway", 504: "Gateway Timeout",
}


class Limits:
    """Flood limiter + fault injection, consulted by the pipeline for every Bot API call."""

    def __init__(self, clock: Callable[[], float], flood_enabled: bool = False):
        self.clock = clock
        self.flood = FloodLimiter(clock, flood_enabled)
        self.faults: list[Fault] = []
        self.latency: dict[str, float] = {}  # method (lower) or "*" -> seconds
        self.jitter: dict[str, float] = {}  # method (lower) or "*" -> up to this much more
        self.outage_until: float | None = None  # clock time; math.inf = until cleared
        self.outage_mode = "502"
        self.holds: dict[str, int] = {}  # method (lower) -> calls still let through
        self.held = 0  # calls waiting at the "network" right now
        self._release = asyncio.Event()

    # -- configuration (also exposed on the state and the control API) ---------------------

    def fail_next(self, method: str = "*", count: int = 1, *, code: int = 500, description: str | None = None,
                  retry_after: int | None = None, drop: bool = False) -> dict[str, Any]:
        if code == 429 and retry_after is None:
            retry_after = 1
        text = description or _DEFAULT_DESCRIPTIONS.get(code, f"Error {code}")
        fault = Fault(method.lower(), int(count), int(code), text.format(retry_after=retry_after),
                      retry_after, drop)
        self.faults.append(fault)
        return fault.__dict__.copy()

    def set_latency(self, seconds: float, method: str | None = None, jitter: float = 0.0) -> None:
        key = (method or "*").lower()
        for table, value in ((self.latency, seconds), (self.jitter, jitter)):
            if value <= 0:
                table.pop(key, None)
            else:
                table[key] = float(value)

    def start_outage(self, seconds: float | None = None, *, mode: str = "502") -> None:
        if mode not in ("502", "drop"):
            raise ValueError("mode must be '502' or 'drop'")
        self.outage_mode = mode
        self.outage_until = math.inf if seconds is None else self.clock() + seconds

    def end_outage(self) -> None:
        self.outage_until = None

    def hold_after(self, method: str, count: int = 0) -> None:
        """Let `count` more calls of `method` through, then stall the rest before Telegram
        sees them (a network that swallows requests) until `release_held`."""
        self._release = asyncio.Event()
        self.holds[method.lower()] = int(count)

    def release_held(self) -> None:
        """Held calls never reached Telegram: their connections are dropped, nothing sent."""
        self.holds.clear()
        self._release.set()

    def clear_faults(self) -> None:
        self.faults.clear()
        self.latency.clear()
        self.jitter.clear()
        self.outage_until = None
        self.release_held()

    # -- used by the pipeline ---------------------------------------------------------------

    def check_outage(self) -> None:
        if self.outage_until is None:
            return
        if self.clock() >= self.outage_until:
            self.outage_until = None
            return
        if self.outage_mode == "drop":
            raise DropConnection()
        raise ApiError(502, "Bad Gateway")

    async def delay(self, method: str) -> None:
        seconds = sum(self.latency.get(key, 0.0) + random.uniform(0.0, self.jitter.get(key, 0.0))
                      for key in (method.lower(), "*"))
        if seconds > 0:
            await asyncio.sleep(seconds)

    async def hold(self, method: str) -> None:
        name = method.lower()
        if name not in self.holds:
            return
        if self.holds[name] > 0:
            self.holds[name] -= 1
            return
        self.held += 1
        try:
            await self._release.wait()
        finally:
            self.held -= 1
        raise DropConnection()

    def take_fault(self, method: str) -> None:
        name = method.lower()
        for fault in self.faults:
            if fault.method in (name, "*") and fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                if fault.drop:
                    raise DropConnection()
                params = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise ApiError(fault.code, fault.description, params)


class FaultControlMixin:
    """Limits and faults as EmulatorState methods, so tests and the control API share one surface."""

    limits: Limits

    def set_flood_limits(self, enabled: bool = True, *, per_chat: tuple[int, float] | None = None,
                         per_group: tuple[int, float] | None = None, overall: tuple[int, float] | None = None
                         ) -> None:
        """Switch 429 flood limits on/off; windows are (count, seconds)."""
        self.limits.flood.configure(enabled, per_chat=per_chat, per_group=per_group, overall=overall)

    def fail_next(self, method: str = "*", count: int = 1, *, code: int = 500, description: str | None = None,
                  retry_after: int | None = None, drop: bool = False) -> dict[str, Any]:
        """The next `count` calls of `method` ("*" = any) fail with code/description (or drop)."""
        return self.limits.fail_next(method, count, code=code, description=description,
                                     retry_after=retry_after, drop=drop)

    def set_latency(self, seconds: float, method: str | None = None, jitter: float = 0.0) -> None:
        """Add real delay before `method` (None = every method) reaches the server, plus a
        random part up to `jitter` (requests sent in one order may arrive in another);
        0 removes it."""
        self.limits.set_latency(seconds, method, jitter)

    def start_outage(self, seconds: float | None = None, *, mode: str = "502") -> None:
        """All Bot API calls fail (502 or dropped connection) for `seconds` of the clock, or until ended."""
        self.limits.start_outage(seconds, mode=mode)

    def end_outage(self) -> None:
        self.limits.end_outage()

    def hold_after(self, method: str, count: int = 0) -> None:
        """After `count` more calls of `method`, stall the rest unanswered until released."""
        self.limits.hold_after(method, count)

    def release_held(self) -> None:
        """Drop every stalled call without running it, as a broken network would."""
        self.limits.release_held()

    def clear_faults(self) -> None:
        self.limits.clear_faults()
