"""Deadline units: working days on the statutory calendar, calendar days and clock hours are
counted as the documents count them, whatever the organisation's opening hours; a length
without a unit of its own ("5d") keeps its old meaning (days the organisation is open)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from core.calendar import BusinessCalendar, CalendarSpec
from core.durations import Duration, DurationUnit, WorkingDuration

SH = ZoneInfo("Asia/Shanghai")
PARSE = TypeAdapter(Duration)


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=SH)


def length(text: str) -> WorkingDuration:
    return PARSE.validate_python(text)


@pytest.fixture
def hotline() -> BusinessCalendar:
    """002's product hotline: 08:00–22:00 every day, holidays included."""
    return BusinessCalendar.from_spec(CalendarSpec(hours={"every_day": ["08:00-22:00"]},
                                                   observe_public_holidays=False))


@pytest.fixture
def office() -> BusinessCalendar:
    """Weekdays 08:30–17:30 with China's public holidays and make-up workdays."""
    return BusinessCalendar.from_spec(CalendarSpec(hours={"weekdays": ["08:30-17:30"]}))


# --- spelling ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "shown"),
    [
        ("3wd", DurationUnit.WORKING_DAYS, "3wd"),
        ("3 working days", DurationUnit.WORKING_DAYS, "3wd"),
        ("1 working day", DurationUnit.WORKING_DAYS, "1wd"),
        ("3cd", DurationUnit.CALENDAR_DAYS, "3cd"),
        ("7 Calendar Days", DurationUnit.CALENDAR_DAYS, "7cd"),
        ("24ch", DurationUnit.CLOCK_HOURS, "24ch"),
        ("1.5 clock hours", DurationUnit.CLOCK_HOURS, "1.5ch"),
        ("5d", DurationUnit.DAYS, "5d"),
        ("12h", DurationUnit.HOURS, "12h"),
        ("30m", DurationUnit.MINUTES, "30m"),
    ],
)
def test_each_unit_is_read_and_shown_in_its_short_form(text, unit, shown):
    parsed = length(text)
    assert parsed.unit is unit
    assert str(parsed) == shown


@pytest.mark.parametrize("text", ["1.5wd", "2.5cd", "3 weeks", "wd", "0wd", "-3cd"])
def test_fractional_days_and_unknown_units_are_refused(text):
    with pytest.raises(ValidationError):
        length(text)


def test_each_unit_is_described_in_words():
    assert length("3wd").in_words().startswith("3 working days (statutory calendar")
    assert length("3cd").in_words().startswith("3 calendar days")
    assert length("24ch").in_words() == "24 hours on the clock (open or closed)"
    assert length("5d").in_words().startswith("5 days the organisation is open")
    assert length("30m").in_words() == "30 minutes of opening hours"


# --- working days on the statutory calendar --------------------------------------------


def test_statutory_working_days_ignore_a_hotline_open_every_day(hotline):
    assert not hotline.is_statutory_working_day(dt.date(2026, 12, 5))  # Saturday
    assert not hotline.is_statutory_working_day(dt.date(2026, 10, 1))  # National Day
    assert not hotline.is_statutory_working_day(dt.date(2026, 10, 4))  # Sunday in golden week
    assert hotline.is_statutory_working_day(dt.date(2026, 10, 10))  # 调休 Saturday
    assert hotline.is_statutory_working_day(dt.date(2026, 9, 20))  # 调休 Sunday
    assert hotline.is_working_day(dt.date(2026, 10, 1))  # while the hotline answers


def test_three_working_days_from_thursday_night_end_on_tuesday_at_closing(hotline):
    # Received Thu 3 Dec 22:18: Fri 4, Mon 7, Tue 8 (not Sun 6 on the hotline's days).
    assert length("3wd").after(hotline, at(2026, 12, 3, 22, 18)) == at(2026, 12, 8, 22)


def test_three_working_days_from_the_eve_of_national_day_end_on_the_makeup_saturday(hotline):
    assert length("3wd").after(hotline, at(2026, 9, 30, 15)) == at(2026, 10, 10, 22)


def test_old_day_unit_still_counts_the_days_the_hotline_is_open(hotline):
    assert length("3d").after(hotline, at(2026, 12, 3, 22, 18)) == at(2026, 12, 6, 22)


# --- calendar days and clock hours ----------------------------------------------------


def test_three_calendar_days_run_through_a_holiday_and_end_at_the_usual_closing(office):
    # Oct 1, 2, 3: the office is closed on the 3rd, the date is still the 3rd.
    assert length("3cd").after(office, at(2026, 9, 30, 10)) == at(2026, 10, 3, 17, 30)
    assert length("3wd").after(office, at(2026, 9, 30, 10)) == at(2026, 10, 10, 17, 30)


def test_a_week_is_seven_calendar_days(office):
    assert length("7cd").after(office, at(2026, 11, 6, 16)) == at(2026, 11, 13, 17, 30)


def test_clock_hours_run_while_the_office_is_closed(office):
    assert length("24ch").after(office, at(2026, 11, 6, 16)) == at(2026, 11, 7, 16)
    assert length("24h").after(office, at(2026, 11, 6, 16)) == at(2026, 11, 11, 13)


def test_naive_start_is_refused(office):
    with pytest.raises(ValueError, match="timezone-aware"):
        length("3cd").after(office, dt.datetime(2026, 11, 6, 16))


def test_duration_from_a_mapping_keeps_its_unit():
    parsed = PARSE.validate_python({"amount": Decimal(3), "unit": "wd"})
    assert parsed == WorkingDuration(amount=Decimal(3), unit=DurationUnit.WORKING_DAYS)
