"""When a customer says something happened, as a date: "昨天", "上周五", "11月18日",
"yesterday", "last Friday", "18 Nov" become the day in the organisation's calendar.

Stored as ISO text in the intake's ``occurred`` ("2026-11-02", "2026-11-02T15:00", or a
range "2026-11-02/2026-11-04"), so a card read on 11 December does not say "today" of
2 November; what no reading fits is kept as the customer's own words. ``dateparser``
(maintained, relative dates in Chinese and English) reads most phrasing; the Chinese
forms it does not (month and day, last week's weekday) are read here, with the words in
``when_said.toml``.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

_WORDS = tomllib.loads((Path(__file__).parent / "when_said.toml").read_text(encoding="utf-8"))
WEEKDAYS: dict[str, int] = _WORDS["weekdays"]
_DAYS_BACK: dict[str, int] = _WORDS["days_back"]
_MONTH_DAY = re.compile(_WORDS["month_day"])
_LAST_WEEK = re.compile(_WORDS["last_week"])
_THIS_WEEK = re.compile(_WORDS["this_week"])


def from_choice(choice: str, now: datetime) -> str | None:
    """A button's answer (today / yesterday / earlier this week) as a date or range."""
    today = now.date()
    if choice == "today":
        return today.isoformat()
    if choice == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    if choice == "week":
        monday = today - timedelta(days=today.weekday())
        start = min(monday, today - timedelta(days=1))
        return f"{start.isoformat()}/{today.isoformat()}"
    return None


def from_words(text: str, now: datetime) -> str | None:
    """The day (and time, when said) ``text`` names, not after ``now``; None if none."""
    words = text.strip()
    if not words or len(words) > 80:
        return None
    day = _chinese_day(words, now.date())
    if day is not None:
        return day.isoformat()
    return _parsed(words, now)


_WEEKDAY_EN = "(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH_EN = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
# English ways a story names a day; the Chinese ones are when_said.toml's.
_ENGLISH_DAY = re.compile(
    rf"\b(?:the day before yesterday|yesterday|today|this morning|last {_WEEKDAY_EN}|"
    rf"on {_WEEKDAY_EN}|\d{{1,2}} {_MONTH_EN}|{_MONTH_EN} \d{{1,2}})\b", re.IGNORECASE)


def in_story(text: str, now: datetime) -> tuple[str, str] | None:
    """The first day a story names, as (the words, the ISO day) — "今天打开一瓶…" gives
    ("今天", today) — so the intake can offer it instead of asking afresh; None if none."""
    found: list[tuple[int, str]] = [(text.find(word), word) for word in _DAYS_BACK
                                    if word in text]
    for pattern in (_LAST_WEEK, _MONTH_DAY, _THIS_WEEK, _ENGLISH_DAY):
        found += [(match.start(), match.group(0)) for match in pattern.finditer(text)]
    for _start, words in sorted(found):
        day = from_words(words, now)
        if day is not None:
            return words, day
    return None


def _chinese_day(words: str, today: date) -> date | None:
    for word, back in _DAYS_BACK.items():
        if words.startswith(word):
            return today - timedelta(days=back)
    if found := _MONTH_DAY.search(words):
        month, day_of_month = int(found.group(1)), int(found.group(2))
        try:
            named = date(today.year, month, day_of_month)
        except ValueError:
            return None
        return named if named <= today else named.replace(year=today.year - 1)
    if found := _LAST_WEEK.search(words):
        monday = today - timedelta(days=today.weekday() + 7)
        return monday + timedelta(days=WEEKDAYS[found.group(1)])
    if found := _THIS_WEEK.fullmatch(words):
        weekday = today - timedelta(days=today.weekday()) + timedelta(
            days=WEEKDAYS[found.group(1)])
        return weekday if weekday <= today else weekday - timedelta(days=7)
    return None


def _parsed(words: str, now: datetime) -> str | None:
    from dateparser.date import DateDataParser  # when first needed: it is large

    base = now.replace(tzinfo=None)
    found = DateDataParser(languages=["zh", "en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False}).get_date_data(words)
    moment = found.date_obj
    if moment is None or found.period not in ("day", "time") \
            or moment > base + timedelta(minutes=1):
        return None  # a month or a year alone is no day; nothing happened tomorrow
    # A time was said when it is neither midnight (a day alone) nor the base's own time
    # (a relative day, "yesterday", keeps the moment it was counted from).
    if moment.time() not in (time(0, 0), base.time()):
        return moment.strftime("%Y-%m-%dT%H:%M")
    return moment.date().isoformat()
