"""The calendar as an organisation file writes it: time zone, weekly opening hours,
holidays, make-up days, the organisation's own closed and open days — checked on load.
``core.calendar.BusinessCalendar`` does the arithmetic on it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from core.public_holidays import country_holidays

__all__ = ["DAYS", "CalendarSpec", "Minutes"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS = DAYS
_SUGAR = {"every_day": _DAYS, "weekdays": _DAYS[:5]}
_PERIOD_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

Minutes = tuple[int, int]  # (start, end) minutes after local midnight; end may be 1440


def _parse_periods(values: list[str], where: str) -> tuple[Minutes, ...]:
    """Parse ["09:00-12:00", ...]; errors name the offending value and its key."""
    out: list[Minutes] = []
    for raw in values:
        m = _PERIOD_RE.match(raw.strip()) if isinstance(raw, str) else None
        if not m:
            raise ValueError(f"{where}: period {raw!r} is not of the form 'HH:MM-HH:MM'")
        h1, m1, h2, m2 = map(int, m.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise ValueError(f"{where}: period {raw!r} has an invalid time")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= end:
            raise ValueError(f"{where}: period {raw!r} must start before it ends")
        if out and start < out[-1][1]:
            raise ValueError(f"{where}: period {raw!r} overlaps or precedes the one before it")
        out.append((start, end))
    return tuple(out)


class CalendarSpec(BaseModel):
    """Calendar configuration as it appears in the organisation's TOML file."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "Asia/Shanghai"
    country: str | None = "CN"  # `holidays` country code; None = no public holidays
    subdivision: str | None = None
    # Keys: mon..sun, or sugar "weekdays"/"every_day"; specific days override sugar.
    hours: dict[str, list[str]] = {"weekdays": ["09:00-17:00"]}
    makeup_day_hours: list[str] | None = None  # default: Monday's (or first open day's)
    observe_public_holidays: bool = True  # False for a 24-hour service
    closed_days: list[dt.date] = []
    open_days: list[dt.date] = []

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {v!r} (IANA name, e.g. 'Asia/Shanghai')") from e
        return v

    @field_validator("country")
    @classmethod
    def _check_country(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                country_holidays(v, None, ())
            except NotImplementedError as e:
                raise ValueError(f"unknown holidays country code {v!r}") from e
        return v

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, periods in v.items():
            if key not in _DAYS and key not in _SUGAR:
                allowed = ", ".join((*_DAYS, *_SUGAR))
                raise ValueError(f"unknown day {key!r} in hours; use one of {allowed}")
            _parse_periods(periods, f"hours.{key}")
        return v

    @model_validator(mode="after")
    def _check_combinations(self) -> CalendarSpec:
        self.makeup_periods()  # validates makeup_day_hours
        if self.subdivision is not None:
            if self.country is None:
                raise ValueError(f"subdivision {self.subdivision!r} needs a country")
            try:
                country_holidays(self.country, self.subdivision, ())
            except NotImplementedError as e:
                raise ValueError(
                    f"unknown subdivision {self.subdivision!r} for country {self.country!r}"
                ) from e
        both = sorted(set(self.closed_days) & set(self.open_days))
        if both:
            raise ValueError(f"in both closed_days and open_days: {[d.isoformat() for d in both]}")
        return self

    def week(self) -> tuple[tuple[Minutes, ...], ...]:
        """Opening periods for mon..sun after applying sugar keys (every_day < weekdays < day)."""
        week: dict[str, tuple[Minutes, ...]] = {d: () for d in _DAYS}
        for key in ("every_day", "weekdays", *_DAYS):
            if key in self.hours:
                periods = _parse_periods(self.hours[key], f"hours.{key}")
                for day in _SUGAR.get(key, (key,)):
                    week[day] = periods
        return tuple(week[d] for d in _DAYS)

    def makeup_periods(self) -> tuple[Minutes, ...]:
        if self.makeup_day_hours is not None:
            return _parse_periods(self.makeup_day_hours, "makeup_day_hours")
        return next((p for p in self.week() if p), ())
