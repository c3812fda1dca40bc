"""Deadline lengths in the unit the organisation's document uses (PROCEDURE.md §4).

"3个工作日", "三天" and "24小时" are different things: working days follow the statutory
calendar whatever a hotline's hours, calendar days count every day, and working hours
run only while the organisation is open. A length without a day unit ("5d") keeps the
meaning it had before units existed — days the organisation is open — so older
organisation files stay valid.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from core.calendar import BusinessCalendar

__all__ = ["Duration", "DurationUnit", "WorkingDuration"]


class DurationUnit(StrEnum):
    MINUTES = "m"  # minutes of opening hours
    HOURS = "h"  # hours of opening hours
    DAYS = "d"  # days the organisation is open (the meaning before units existed)
    WORKING_DAYS = "wd"  # 工作日: Mon–Fri on the statutory calendar, 调休 included
    CALENDAR_DAYS = "cd"  # 天 / 日 / 一星期: every day counts
    CLOCK_HOURS = "ch"  # 小时 on the wall clock, open or not


_U = DurationUnit
# Long spellings a person may write in TOML; the short code is what is stored and shown.
_ALIASES = {
    **{u.value: u for u in DurationUnit},
    "working minutes": _U.MINUTES, "working hours": _U.HOURS,
    "working days": _U.WORKING_DAYS, "calendar days": _U.CALENDAR_DAYS,
    "clock hours": _U.CLOCK_HOURS,
}
_WHOLE = {_U.DAYS, _U.WORKING_DAYS, _U.CALENDAR_DAYS}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z][a-z ]*?)\s*$")

_WORDS = {
    _U.MINUTES: "minutes of opening hours",
    _U.HOURS: "hours of opening hours",
    _U.DAYS: "days the organisation is open (ends at closing time)",
    _U.WORKING_DAYS: "working days (statutory calendar: Mon-Fri, public holidays off, "
                     "make-up workdays on; ends at closing time)",
    _U.CALENDAR_DAYS: "calendar days (every day counts; ends at closing time)",
    _U.CLOCK_HOURS: "hours on the clock (open or closed)",
}


class WorkingDuration(BaseModel):
    """An SLA length: "5d", "3wd", "3cd", "24ch", "12h" or "30m" (see `DurationUnit`)."""

    model_config = ConfigDict(frozen=True)
    amount: Decimal
    unit: DurationUnit

    def as_kwargs(self) -> dict[str, Any]:
        """`BusinessCalendar.add_working` arguments; only for opening-time units."""
        if self.unit is _U.DAYS:
            return {"days": int(self.amount)}
        if self.unit is _U.HOURS:
            return {"hours": float(self.amount)}
        if self.unit is _U.MINUTES:
            return {"minutes": float(self.amount)}
        raise ValueError(f"{self} is not measured in opening time")

    def after(self, calendar: BusinessCalendar, start: dt.datetime) -> dt.datetime:
        """The deadline for something that started at `start`.

        Whole-day units never count the day of receipt (期间开始的当日不计入) and end at
        the organisation's closing time on the last day.
        """
        if self.unit is _U.WORKING_DAYS:
            return _count_days(calendar, start, int(self.amount), calendar.is_statutory_working_day)
        if self.unit is _U.CALENDAR_DAYS:
            return _count_days(calendar, start, int(self.amount), lambda _day: True)
        if self.unit is _U.CLOCK_HOURS:
            if start.utcoffset() is None:
                raise ValueError(f"start must be timezone-aware, got naive {start!r}")
            end = start.astimezone(dt.UTC) + dt.timedelta(hours=float(self.amount))
            return end.astimezone(calendar.tz)
        return calendar.add_working(start, **self.as_kwargs())

    def in_words(self) -> str:
        """For people checking a configuration: "3 working days (statutory calendar …)"."""
        return f"{self.amount.normalize():f} {_WORDS[self.unit]}"

    def __str__(self) -> str:
        return f"{self.amount.normalize():f}{self.unit.value}"


def _count_days(calendar: BusinessCalendar, start: dt.datetime, days: int,
                counts: Any) -> dt.datetime:
    if start.utcoffset() is None:
        raise ValueError(f"start must be timezone-aware, got naive {start!r}")
    day = start.astimezone(calendar.tz).date()
    left = days
    while left:
        day += dt.timedelta(days=1)
        if counts(day):
            left -= 1
    return calendar.day_end(day)


def _parse_duration(value: Any) -> Any:
    if isinstance(value, (WorkingDuration, dict)):
        return value
    if isinstance(value, dt.timedelta):
        return {"amount": Decimal(value.total_seconds()) / 60, "unit": "m"}
    match = _DURATION.match(str(value).lower())
    word = match.group(2) if match else ""
    unit = _ALIASES.get(word) or _ALIASES.get(word + "s")  # "1 working day" too
    if not match or unit is None or Decimal(match.group(1)) <= 0:
        raise ValueError(
            f"{value!r} is not a duration like '5d', '12h' or '30m' (opening time), "
            f"'3wd' (working days), '3cd' (calendar days) or '24ch' (clock hours)")
    amount = Decimal(match.group(1))
    if unit in _WHOLE and amount != amount.to_integral_value():
        raise ValueError(f"{value!r}: days must be a whole number")
    return {"amount": amount, "unit": unit}


Duration = Annotated[WorkingDuration, BeforeValidator(_parse_duration)]
