"""Clocks: the real one, and one a test or the sandbox can set and move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """Time that only moves when told to; no test ever sleeps for a deadline."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


class OffsetClock:
    """Real time plus an offset a person moves forward: the sandbox's clock.

    Unlike ManualClock it keeps ticking, so a demo feels live between jumps.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("OffsetClock needs an aware datetime")
        self._offset = moment - datetime.now(UTC)

    def advance(self, **delta: float) -> datetime:
        self._offset += timedelta(**delta)
        return self.now()
