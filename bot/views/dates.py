"""Dates and times as people read them, in their language and the organisation's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time


def when(moment: datetime, tz: ZoneInfo, locale: str) -> str:
    """E.g. "Mon, Nov 9, 2026 17:00" / "2026年11月9日周一 17:00"."""
    local = moment.astimezone(tz)
    day = format_skeleton("yMMMEd", local, locale=locale)
    return f"{day} {format_time(local, 'HH:mm', locale=locale)}"


def day_and_time(moment: datetime, tz: ZoneInfo, locale: str) -> str:
    """A moment within the next days, with its weekday: "Thu, Nov 5 17:00" / "11月5日周四 17:00"."""
    local = moment.astimezone(tz)
    day = format_skeleton("MMMEd", local, locale=locale)
    return f"{day} {format_time(local, 'HH:mm', locale=locale)}"
