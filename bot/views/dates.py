"""Dates and times as people read them, in their language and the organisation's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_skeleton, format_time

from bot.views.reader_zone import with_zone


def when(moment: datetime, tz: ZoneInfo, locale: str) -> str:
    """E.g. "Mon, Nov 9, 2026 17:00" / "2026年11月9日周一 17:00"."""
    local = moment.astimezone(tz)
    day = format_skeleton("yMMMEd", local, locale=locale)
    return with_zone(f"{day} {format_time(local, 'HH:mm', locale=locale)}", moment, tz, locale)


def day_and_time(moment: datetime, tz: ZoneInfo, locale: str) -> str:
    """A moment within the next days, with its weekday: "Thu, Nov 5 17:00" / "11月5日周四 17:00"."""
    local = moment.astimezone(tz)
    day = format_skeleton("MMMEd", local, locale=locale)
    return with_zone(f"{day} {format_time(local, 'HH:mm', locale=locale)}", moment, tz, locale)


def occurred(value: str | None, locale: str) -> str:
    """When something happened, as ``core.domain.when_said`` stores it, read as a date:
    "Nov 2, 2026" / "2026年11月2日", a time with it, or a range; words it could not read
    stay as the customer wrote them."""
    if not value:
        return ""
    try:
        if "/" in value:
            start, end = (date.fromisoformat(part) for part in value.split("/", 1))
            return format_interval(start, end, "yMMMd", locale=locale)
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return (f"{format_skeleton('yMMMd', moment, locale=locale)} "
                    f"{format_time(moment, 'HH:mm', locale=locale)}")
        return format_skeleton("yMMMd", date.fromisoformat(value), locale=locale)
    except ValueError:
        return value
