"""Business calendar: when the organisation is working, and deadline arithmetic on it.

SLA clocks (PROCEDURE §4) run in working time: weekly opening hours in a time zone,
minus public holidays, plus official make-up workdays (调休) and the organisation's own
extra closed/open days. "5 working days" ends at the closing time of the 5th working day,
not at start + 5×24 h.

All arithmetic is done on UTC instants: Python compares and subtracts datetimes that share
one tzinfo by wall clock, which is wrong across DST changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from core.calendar_spec import CalendarSpec, Minutes
from core.public_holidays import country_holidays

__all__ = ["BusinessCalendar", "CalendarSpec"]

_UTC = dt.UTC
# A year with no working time at all is a configuration error, not a long wait.
_MAX_IDLE_DAYS = 3660



class BusinessCalendar:
    """Working periods per local date and deadline arithmetic over them.

    Build with `from_spec` or `always_open`. Results are aware datetimes in `tz`.
    """

    def __init__(
        self,
        *,
        tz: ZoneInfo,
        week: tuple[tuple[Minutes, ...], ...],
        makeup: tuple[Minutes, ...],
        country: str | None = None,
        subdivision: str | None = None,
        observe_public_holidays: bool = True,
        closed_days: frozenset[dt.date] = frozenset(),
        open_days: frozenset[dt.date] = frozenset(),
    ) -> None:
        self.tz = tz
        self._week = week
        self._makeup = makeup
        self._country = country
        self._subdivision = subdivision
        self._observe = observe_public_holidays and country is not None
        self._closed = frozenset(closed_days)
        self._open = frozenset(open_days)
        # Per-date UTC periods and per-year (holidays, make-up workdays); a sweep calls
        # add_working thousands of times over the same few weeks.
        self._periods_cache: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = {}
        self._year_cache: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}

    @classmethod
    def from_spec(cls, spec: CalendarSpec) -> BusinessCalendar:
        return cls(
            tz=ZoneInfo(spec.timezone),
            week=spec.week(),
            makeup=spec.makeup_periods(),
            country=spec.country,
            subdivision=spec.subdivision,
            observe_public_holidays=spec.observe_public_holidays,
            closed_days=frozenset(spec.closed_days),
            open_days=frozenset(spec.open_days),
        )

    @classmethod
    def always_open(cls, tz: str = "UTC") -> BusinessCalendar:
        """24×7, no holidays: working time equals wall-clock time."""
        whole = ((0, 1440),)
        return cls(tz=ZoneInfo(tz), week=(whole,) * 7, makeup=whole, country=None)

    # --- which days are open -------------------------------------------------------

    def _year(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
        if self._country is None:  # no country, no public holidays
            return frozenset(), frozenset()
        if year not in self._year_cache:
            # Neighbouring years too: a make-up day or observed holiday can fall in the
            # year next to the holiday that causes it (e.g. 2001-12-29 for New Year 2002).
            h = country_holidays(self._country, self._subdivision, range(year - 1, year + 2))
            days_off = frozenset(d for d in h if d.year == year)
            workdays = frozenset(d for d in getattr(h, "weekend_workdays", set()) if d.year == year)
            self._year_cache[year] = (days_off, workdays)
        return self._year_cache[year]

    def _day_minutes(self, d: dt.date) -> tuple[Minutes, ...]:
        if d in self._closed:
            return ()
        if d in self._open:
            return self._makeup
        if self._observe:
            days_off, workdays = self._year(d.year)
            if d in days_off:
                return ()
            if d in workdays:
                return self._makeup
        return self._week[d.weekday()]

    def _utc_periods(self, d: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        cached = self._periods_cache.get(d)
        if cached is not None:
            return cached
        out: list[tuple[dt.datetime, dt.datetime]] = []
        for a, b in self._day_minutes(d):
            s, e = self._local(d, a), self._local(d, b)
            if out and s < out[-1][1]:  # a DST fold can make periods overlap
                s = out[-1][1]
            if s < e:
                out.append((s, e))
        result = tuple(out)
        self._periods_cache[d] = result
        return result

    def _local(self, d: dt.date, minute: int) -> dt.datetime:
        """UTC instant of local wall time `minute` on date `d` (1440 = next midnight)."""
        day = d + dt.timedelta(days=minute // 1440)
        minute %= 1440
        wall = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)
        return wall.astimezone(_UTC)

    def is_working_day(self, d: dt.date) -> bool:
        return bool(self._utc_periods(d))

    def is_statutory_working_day(self, d: dt.date) -> bool:
        """Mon–Fri minus public holidays plus official make-up workdays (调休).

        The law's calendar, not the organisation's: opening hours, `observe_public_holidays`
        and the organisation's own closed/open days do not change it, so a hotline open every
        day still counts "3个工作日" as the document means them.
        """
        if self._country is not None:
            days_off, workdays = self._year(d.year)
            if d in workdays:
                return True
            if d in days_off:
                return False
        return d.weekday() < 5

    def day_end(self, d: dt.date) -> dt.datetime:
        """When a deadline counted in whole days ends on local date `d`.

        The closing time that day; on a day the organisation is closed, the closing time it
        usually has on that weekday (or on a make-up day), so the date people read is `d`.
        """
        periods = self._utc_periods(d)
        if periods:
            return periods[-1][1].astimezone(self.tz)
        usual = self._week[d.weekday()] or self._makeup or ((0, 1440),)
        return self._local(d, usual[-1][1]).astimezone(self.tz)

    def periods(self, d: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Working periods of local date `d`, as aware datetimes in `tz`."""
        return [(s.astimezone(self.tz), e.astimezone(self.tz)) for s, e in self._utc_periods(d)]

    # --- arithmetic ----------------------------------------------------------------

    def _to_utc(self, t: dt.datetime, name: str) -> dt.datetime:
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got naive {t!r}")
        return t.astimezone(_UTC)

    def _local_date(self, t_utc: dt.datetime) -> dt.date:
        return t_utc.astimezone(self.tz).date()

    def _periods_from(self, t_utc: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Yield UTC periods ending after `t_utc`, in order; raise if the calendar is empty."""
        d = self._local_date(t_utc)
        idle = 0
        while idle <= _MAX_IDLE_DAYS:
            found = False
            for s, e in self._utc_periods(d):
                found = True
                if e > t_utc:
                    yield s, e
            idle = 0 if found else idle + 1
            d += dt.timedelta(days=1)
        raise ValueError("calendar has no working time")

    def add_working(
        self, start: dt.datetime, *, days: int = 0, hours: float = 0, minutes: float = 0
    ) -> dt.datetime:
        """Deadline `days` working days, or `hours`/`minutes` of working time, after `start`.

        days=N: the closing time (end of the last period) of the N-th working day after the
        local date of `start`. The day of receipt is not counted, whatever the hour
        (期间开始的当日不计入): filed Wed 10:00 + 1 working day = Thu at closing time.
        hours/minutes: that much working time consumed from `start`, skipping closed time.
        Exactly one of `days` and `hours`+`minutes` must be non-zero; none may be negative.
        """
        if days < 0 or hours < 0 or minutes < 0:
            raise ValueError("working-time amounts must not be negative")
        if bool(days) == bool(hours or minutes):
            raise ValueError("give exactly one of days or hours/minutes")
        if not days:
            return self.add_working_time(start, dt.timedelta(hours=hours, minutes=minutes))
        if int(days) != days:
            raise ValueError(f"days must be a whole number, got {days!r}")
        d = self._local_date(self._to_utc(start, "start"))
        left, idle = int(days), 0
        while True:
            d += dt.timedelta(days=1)
            periods = self._utc_periods(d)
            if periods:
                idle = 0
                left -= 1
                if left == 0:
                    return periods[-1][1].astimezone(self.tz)
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError("calendar has no working time")

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """`start` plus `amount` of working time (ends at a period's end if it runs out there).

        Used to shift paused deadlines. A zero amount returns `start` unchanged.
        """
        t = self._to_utc(start, "start")
        if amount < dt.timedelta(0):
            raise ValueError("working-time amounts must not be negative")
        if not amount:
            return t.astimezone(self.tz)
        left = amount
        for s, e in self._periods_from(t):  # endless; raises if the calendar is empty
            s = max(s, t)
            if left <= e - s:
                return (s + left).astimezone(self.tz)
            left -= e - s
        raise AssertionError("unreachable: _periods_from never ends, it raises")

    def working_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time inside [a, b); zero if b <= a."""
        a, b = self._to_utc(a, "a"), self._to_utc(b, "b")
        total = dt.timedelta(0)
        if b <= a:
            return total
        d, last = self._local_date(a), self._local_date(b)
        while d <= last:
            for s, e in self._utc_periods(d):
                lo, hi = max(s, a), min(e, b)
                if lo < hi:
                    total += hi - lo
            d += dt.timedelta(days=1)
        return total

    def next_open(self, at: dt.datetime) -> dt.datetime:
        """`at` if inside a working period, else the start of the next one."""
        t = self._to_utc(at, "at")
        s, _e = next(self._periods_from(t))
        return max(s, t).astimezone(self.tz)
