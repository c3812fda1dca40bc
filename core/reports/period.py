"""Report periods: a month ``YYYY-MM``, a half-year ``YYYY-H1`` / ``YYYY-H2``, a year ``YYYY``.

Bounds are local midnights in the organisation's time zone (the policy calendar), so a
complaint filed at 00:30 on 1 November in Shanghai belongs to November even though it is
still October in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """Text that names no period; the message says what a period looks like."""


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day, inclusive
    end: date  # first day after, exclusive
    kind: str  # month | half | year

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return cls(date(year, month, 1), after, "month")

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        if match := _MONTH.match(text):
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return cls.month(year, month)
        elif match := _HALF.match(text):
            year, half = int(match.group(1)), int(match.group(2))
            if 2000 <= year <= 2100:
                return cls(date(year, 1 if half == 1 else 7, 1),
                           date(year, 7, 1) if half == 1 else date(year + 1, 1, 1), "half")
        elif (match := _YEAR.match(text)) and 2000 <= int(text) <= 2100:
            return cls(date(int(text), 1, 1), date(int(text) + 1, 1, 1), "year")
        raise PeriodError(f"{text[:20]!r} is not a period: use YYYY-MM, YYYY-H1, YYYY-H2 or YYYY")

    @classmethod
    def before(cls, day: date) -> Period:
        """The month before the one ``day`` is in (the one a monthly report covers)."""
        if day.month == 1:
            return cls.month(day.year - 1, 12)
        return cls.month(day.year, day.month - 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "half":
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return str(self.start.year)

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: local midnight to local midnight."""
        return _midnight(self.start, tz), _midnight(self.end, tz)

    def buckets(self, tz: tzinfo) -> list[tuple[str, datetime]]:
        """Sub-periods for trends, each ``(label, UTC end)``: weeks of a month (1–7, 8–14,
        … the last one short), months of a half-year or year."""
        out: list[tuple[str, datetime]] = []
        if self.kind == "month":
            day = self.start
            while day < self.end:
                last = min(date.fromordinal(day.toordinal() + 7), self.end)
                out.append((f"{day:%m-%d}", _midnight(last, tz)))
                day = last
            return out
        month = self.start
        while month < self.end:
            following = Period.month(month.year, month.month).end
            out.append((f"{month:%Y-%m}", _midnight(following, tz)))
            month = following
        return out


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
