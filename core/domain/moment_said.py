"""A moment ahead, as staff type it: the time agreed with a customer (004 三.2 "约定处理时间")
— "明天下午3点", "12月8日 15:00", "周五17点前", "tomorrow 3pm", "8 Dec 15:00",
"2026-12-08 15:00" — read in the organisation's time zone.

``dateparser`` (maintained; already reads the intake's dates) reads the English and
numeric forms; the Chinese forms it does not are read with ``moment_said.toml``'s pattern.
A day without a time means the end of that working day (18:00); a time without a day, the
next time the clock shows it.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from core.domain.when_said import WEEKDAYS

_WORDS = tomllib.loads((Path(__file__).parent / "moment_said.toml").read_text(encoding="utf-8"))
_MOMENT = re.compile(_WORDS["moment"])
_DAYS_AHEAD: dict[str, int] = _WORDS["days_ahead"]
_NUMERALS: dict[str, int] = _WORDS["numerals"]
END_OF_DAY = time(18, 0)
MAX_AHEAD = timedelta(days=366)  # a typo's year 2062 is no agreed time


def moment_ahead(text: str, now: datetime) -> datetime | None:
    """The moment ``text`` names after ``now`` (aware, in ``now``'s zone); None if it names
    none, or one that is not ahead."""
    words = " ".join(text.split())
    if not words or len(words) > 60:
        return None
    moment = _chinese(words, now) or _parsed(words, now)
    if moment is None or not now < moment <= now + MAX_AHEAD:
        return None
    return moment


def _chinese(words: str, now: datetime) -> datetime | None:
    found = _MOMENT.fullmatch(words)
    if found is None or not (found["day"] or found["month"] or found["weekday"]
                             or found["hour"]):
        return None
    day = _day(found, now.date())
    if day is None:
        return None
    at = _time(found)
    if at is None:
        return None
    moment = datetime.combine(day, at, tzinfo=now.tzinfo)
    if moment <= now and not (found["day"] or found["month"] or found["weekday"]):
        moment += timedelta(days=1)  # "3点" said after three: tomorrow's
    return moment


def _day(found: re.Match[str], today: date) -> date | None:
    if found["day"]:
        return today + timedelta(days=_DAYS_AHEAD[found["day"]])
    if found["month"]:
        try:
            named = date(today.year, int(found["month"]), int(found["date"]))
        except ValueError:
            return None
        return named if named >= today else named.replace(year=today.year + 1)
    if found["weekday"]:
        weekday = WEEKDAYS[found["weekday"]]
        if found.group(0).startswith(_WORDS["next_week"]):  # in next week, Monday to Sunday
            return today + timedelta(days=7 - today.weekday() + weekday)
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return today


def _time(found: re.Match[str]) -> time | None:
    if not found["hour"]:
        return END_OF_DAY
    hour = int(found["hour"]) if found["hour"].isdigit() else _NUMERALS.get(found["hour"])
    minute_said = found["minute"] or "0"
    minute = 30 if minute_said == _WORDS["half"] else int(minute_said)
    if hour is None:
        return None
    if (found["period"] in _WORDS["afternoon"] and hour < 12) or (found["period"] in _WORDS["noon"] and hour < 3):
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _parsed(words: str, now: datetime) -> datetime | None:
    from dateparser.date import DateDataParser  # when first needed: it is large

    base = now.replace(tzinfo=None)
    found = DateDataParser(languages=["en", "zh"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False}).get_date_data(words)
    moment = found.date_obj
    if moment is None or found.period not in ("day", "time"):
        return None
    if moment.time() in (time(0, 0), base.time()):  # a day alone: its end of work
        moment = datetime.combine(moment.date(), END_OF_DAY)
    return moment.replace(tzinfo=now.tzinfo)
