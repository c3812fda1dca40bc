"""The sandbox's clock control: move time forward so deadlines warn, breach and escalate.

Time only moves forward: deadlines, leases and jobs already scheduled assume it never
goes back, as in the real world.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from core.calendar import BusinessCalendar
from core.clock import OffsetClock

STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


class ClockError(ValueError):
    """A move the control refuses (backwards, unknown step, unreadable date)."""


class ClockControl:
    def __init__(self, clock: OffsetClock, calendar: BusinessCalendar,
                 on_moved: Callable[[], None] = lambda: None) -> None:
        self.clock = clock
        self.calendar = calendar
        self.on_moved = on_moved  # wake the job runner so sweeps and jobs run at once

    def view(self) -> dict[str, Any]:
        # The browser adds the offset to its own clock, so this changes only on a move.
        return {"offset_ms": round(self.clock.offset.total_seconds() * 1000),
                "timezone": str(self.calendar.tz)}

    def next_working_day(self, now: datetime) -> datetime:
        """Same wall time on the next working day (skipping weekends and holidays), or the
        opening of that day when the time falls outside its hours."""
        local = now.astimezone(self.calendar.tz)
        day = local.date()
        for _ in range(60):
            day += timedelta(days=1)
            if self.calendar.is_working_day(day):
                break
        else:
            raise ClockError("no working day in the next 60 days")
        moment = datetime.combine(day, local.timetz())
        periods = self.calendar.periods(day)
        if not any(start <= moment < end for start, end in periods):
            moment = next((start for start, _end in periods if start >= moment), moment)
        return moment

    def move(self, step: str | None = None, to: str | None = None) -> datetime:
        now = self.clock.now()
        if to:
            try:
                target = datetime.fromisoformat(to)
            except ValueError:
                raise ClockError(f"not a date: {to!r}") from None
            if target.tzinfo is None:
                target = target.replace(tzinfo=self.calendar.tz)
        elif step == "workday":
            target = self.next_working_day(now)
        elif step in STEPS:
            target = now + STEPS[step]
        else:
            raise ClockError(f"unknown step {step!r}; one of hour, workday, day, week")
        if target <= now:
            raise ClockError("the sandbox clock only moves forward")
        self.clock.set(target)
        self.on_moved()
        return target
