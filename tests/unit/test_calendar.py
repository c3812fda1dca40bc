import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from core.calendar import BusinessCalendar, CalendarSpec

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
H = dt.timedelta(hours=1)


def at(y, mo, d, h=0, mi=0, tz=SH):
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


@pytest.fixture
def office():
    """China office: weekdays 09:00-17:00, Asia/Shanghai, public holidays and 调休."""
    return BusinessCalendar.from_spec(CalendarSpec())


# --- China 2026 National Day golden week --------------------------------------------


def test_golden_week_days_are_closed_and_makeup_days_are_open(office):
    for day in range(1, 8):
        assert not office.is_working_day(dt.date(2026, 10, day))
    assert office.is_working_day(dt.date(2026, 9, 20))  # Sunday make-up workday
    assert office.is_working_day(dt.date(2026, 10, 10))  # Saturday make-up workday
    assert office.periods(dt.date(2026, 10, 10)) == [(at(2026, 10, 10, 9), at(2026, 10, 10, 17))]
    assert not office.is_working_day(dt.date(2026, 10, 11))  # ordinary Sunday


def test_one_working_day_from_eve_of_golden_week_is_closing_time_of_oct_8(office):
    assert office.add_working(at(2026, 9, 30, 10), days=1) == at(2026, 10, 8, 17)


def test_five_working_days_count_the_sunday_makeup_day(office):
    # Fri 09-18 → Sun 20, Mon 21, Tue 22, Wed 23, Thu 24 (Fri 25 is Mid-Autumn anyway).
    assert office.add_working(at(2026, 9, 18, 15), days=5) == at(2026, 9, 24, 17)


def test_working_hours_skip_the_golden_week(office):
    assert office.add_working(at(2026, 9, 30, 16), hours=2) == at(2026, 10, 8, 10)


def test_working_between_across_golden_week_counts_only_office_hours(office):
    # Sep 30, Oct 8, Oct 9, Sat Oct 10 (make-up): 4 × 8 h.
    assert office.working_between(at(2026, 9, 30, 9), at(2026, 10, 12, 9)) == 32 * H


def test_next_open_during_holiday_is_first_morning_after_it(office):
    assert office.next_open(at(2026, 10, 3, 3)) == at(2026, 10, 8, 9)


# --- days: closing time of the N-th working day -------------------------------------


def test_five_working_days_end_at_closing_time_of_the_fifth_working_day(office):
    # Mon 2026-03-02 10:00: receipt day not counted; Tue..Fri, Mon → Mon 03-09 17:00.
    assert office.add_working(at(2026, 3, 2, 10), days=5) == at(2026, 3, 9, 17)


def test_day_of_receipt_is_not_counted_even_if_received_before_opening(office):
    assert office.add_working(at(2026, 3, 2, 7), days=1) == at(2026, 3, 3, 17)


def test_receipt_on_a_weekend_counts_from_the_next_working_day(office):
    assert office.add_working(at(2026, 3, 8, 12), days=1) == at(2026, 3, 9, 17)


# --- 24 × 7 --------------------------------------------------------------------------


def test_always_open_hours_are_wall_clock_hours():
    cal = BusinessCalendar.always_open()
    start = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    assert cal.add_working(start, hours=12) == start + 12 * H


def test_always_open_one_day_ends_at_midnight_after_the_next_day():
    cal = BusinessCalendar.always_open()
    start = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    assert cal.add_working(start, days=1) == dt.datetime(2026, 10, 3, tzinfo=dt.UTC)


def test_road_rescue_every_day_works_on_public_holidays():
    spec = CalendarSpec(hours={"every_day": ["00:00-24:00"]}, observe_public_holidays=False)
    cal = BusinessCalendar.from_spec(spec)
    assert cal.add_working(at(2026, 10, 1, 10), hours=12) == at(2026, 10, 1, 22)
    assert cal.add_working(at(2026, 10, 1, 10), days=1) == at(2026, 10, 3)
    assert cal.periods(dt.date(2026, 10, 1)) == [(at(2026, 10, 1), at(2026, 10, 2))]
    assert cal.working_between(at(2026, 10, 1), at(2026, 10, 8)) == 7 * 24 * H


def test_always_open_across_dst_counts_real_hours():
    cal = BusinessCalendar.always_open("America/New_York")
    # 2026-03-08 is 23 hours long in New York.
    assert cal.add_working(at(2026, 3, 7, 12, tz=NY), hours=24) == at(2026, 3, 8, 13, tz=NY)
    (start, end), = cal.periods(dt.date(2026, 3, 8))
    assert end - start == 24 * H  # same-tzinfo subtraction is wall-clock…
    assert cal.working_between(start, end) == 23 * H  # …but working time is real time


def test_office_hours_on_dst_day_are_still_eight_hours():
    cal = BusinessCalendar.from_spec(CalendarSpec(timezone="America/New_York", country="US"))
    assert cal.working_between(at(2026, 3, 8, tz=NY), at(2026, 3, 10, tz=NY)) == 8 * H
    assert cal.add_working(at(2026, 3, 6, 16, tz=NY), hours=2) == at(2026, 3, 9, 10, tz=NY)


# --- hotline and lunch break -----------------------------------------------------------


def test_food_hotline_thirty_minutes_from_2150_end_at_0820_next_day():
    cal = BusinessCalendar.from_spec(CalendarSpec(hours={"every_day": ["08:00-22:00"]}))
    assert cal.add_working(at(2026, 3, 10, 21, 50), minutes=30) == at(2026, 3, 11, 8, 20)


def test_lunch_break_is_not_working_time():
    spec = CalendarSpec(hours={"weekdays": ["09:00-12:00", "13:00-17:00"]})
    cal = BusinessCalendar.from_spec(spec)
    assert cal.add_working(at(2026, 3, 2, 11), hours=2) == at(2026, 3, 2, 14)
    assert cal.add_working(at(2026, 3, 2, 16), hours=2) == at(2026, 3, 3, 10)
    assert cal.add_working(at(2026, 3, 2, 12, 30), minutes=90) == at(2026, 3, 2, 14, 30)
    assert cal.working_between(at(2026, 3, 2, 8), at(2026, 3, 2, 18)) == 7 * H
    assert cal.next_open(at(2026, 3, 2, 12, 15)) == at(2026, 3, 2, 13)


def test_time_running_out_at_closing_returns_closing_time_not_next_opening():
    spec = CalendarSpec(hours={"weekdays": ["09:00-12:00", "13:00-17:00"]})
    cal = BusinessCalendar.from_spec(spec)
    assert cal.add_working(at(2026, 3, 2, 11), hours=1) == at(2026, 3, 2, 12)
    assert cal.add_working(at(2026, 3, 6, 9), hours=7) == at(2026, 3, 6, 17)


def test_add_working_time_shifts_by_a_timedelta(office):
    assert office.add_working_time(at(2026, 3, 6, 16), dt.timedelta(hours=3)) == at(2026, 3, 9, 11)
    assert office.add_working_time(at(2026, 3, 7, 3), dt.timedelta(0)) == at(2026, 3, 7, 3)


def test_results_are_in_calendar_time_zone(office):
    start = dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC)  # 10:00 in Shanghai
    result = office.add_working(start, hours=1)
    assert result == at(2026, 3, 2, 11) and result.tzinfo == SH


def test_next_open_inside_a_period_is_the_same_instant(office):
    assert office.next_open(at(2026, 3, 2, 10, 30)) == at(2026, 3, 2, 10, 30)
    assert office.next_open(at(2026, 3, 7, 3)) == at(2026, 3, 9, 9)  # Saturday 3 a.m.


def test_working_between_is_zero_when_end_not_after_start(office):
    assert office.working_between(at(2026, 3, 3, 12), at(2026, 3, 2, 12)) == dt.timedelta(0)
    assert office.working_between(at(2026, 3, 2, 12), at(2026, 3, 2, 12)) == dt.timedelta(0)


# --- hours configuration ---------------------------------------------------------------


def test_specific_weekday_overrides_sugar_keys():
    spec = CalendarSpec(
        hours={"every_day": ["08:00-22:00"], "weekdays": ["09:00-17:00"], "sun": ["10:00-12:00"]}
    )
    cal = BusinessCalendar.from_spec(spec)
    assert cal.periods(dt.date(2026, 3, 2)) == [(at(2026, 3, 2, 9), at(2026, 3, 2, 17))]
    assert cal.periods(dt.date(2026, 3, 7)) == [(at(2026, 3, 7, 8), at(2026, 3, 7, 22))]
    assert cal.periods(dt.date(2026, 3, 8)) == [(at(2026, 3, 8, 10), at(2026, 3, 8, 12))]


def test_makeup_day_uses_first_open_weekday_hours_when_monday_is_closed():
    cal = BusinessCalendar.from_spec(CalendarSpec(hours={"tue": ["10:00-15:00"]}))
    assert cal.periods(dt.date(2026, 10, 10)) == [(at(2026, 10, 10, 10), at(2026, 10, 10, 15))]


def test_makeup_day_hours_can_be_configured():
    cal = BusinessCalendar.from_spec(CalendarSpec(makeup_day_hours=["09:00-12:00"]))
    assert cal.periods(dt.date(2026, 9, 20)) == [(at(2026, 9, 20, 9), at(2026, 9, 20, 12))]


def test_no_country_means_no_public_holidays():
    cal = BusinessCalendar.from_spec(CalendarSpec(country=None))
    assert cal.is_working_day(dt.date(2026, 10, 1))
    assert not cal.is_working_day(dt.date(2026, 10, 10))


# --- organisation's own days ------------------------------------------------------------


def test_org_closed_day_is_skipped(office):
    cal = BusinessCalendar.from_spec(CalendarSpec(closed_days=[dt.date(2026, 3, 3)]))
    assert not cal.is_working_day(dt.date(2026, 3, 3))
    assert cal.add_working(at(2026, 3, 2, 10), days=1) == at(2026, 3, 4, 17)


def test_org_open_day_uses_makeup_hours_even_on_a_holiday():
    spec = CalendarSpec(
        open_days=[dt.date(2026, 3, 7), dt.date(2026, 10, 2)], makeup_day_hours=["10:00-14:00"]
    )
    cal = BusinessCalendar.from_spec(spec)
    assert cal.periods(dt.date(2026, 3, 7)) == [(at(2026, 3, 7, 10), at(2026, 3, 7, 14))]
    assert cal.is_working_day(dt.date(2026, 10, 2))
    assert cal.add_working(at(2026, 3, 6, 16), hours=2) == at(2026, 3, 7, 11)


def test_spec_accepts_iso_strings_for_days():
    spec = CalendarSpec.model_validate({"closed_days": ["2026-03-03"]})
    assert spec.closed_days == [dt.date(2026, 3, 3)]


# --- validation and misuse -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"country": "XX"}, "XX"),
        ({"subdivision": "ZZ"}, "ZZ"),
        ({"hours": {"mon": ["9-17"]}}, "9-17"),
        ({"hours": {"mon": ["17:00-09:00"]}}, "17:00-09:00"),
        ({"hours": {"mon": ["09:00-25:00"]}}, "09:00-25:00"),
        ({"hours": {"mon": ["09:00-12:00", "11:00-14:00"]}}, "11:00-14:00"),
        ({"hours": {"monday": ["09:00-17:00"]}}, "monday"),
        ({"makeup_day_hours": ["09:60-10:00"]}, "09:60-10:00"),
        ({"closed_days": ["2026-03-03"], "open_days": ["2026-03-03"]}, "2026-03-03"),
        ({"hollidays": True}, "hollidays"),
    ],
)
def test_spec_validation_error_names_the_bad_value(data, named):
    with pytest.raises(ValidationError) as err:
        CalendarSpec.model_validate(data)
    assert named in str(err.value)


def test_naive_datetime_is_rejected(office):
    with pytest.raises(ValueError, match="timezone-aware"):
        office.add_working(dt.datetime(2026, 3, 2, 10), hours=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.working_between(dt.datetime(2026, 3, 2, 10), at(2026, 3, 3))


@pytest.mark.parametrize("kwargs", [{"days": -1}, {"hours": -1}, {"minutes": -5}])
def test_negative_amount_is_rejected(office, kwargs):
    with pytest.raises(ValueError, match="negative"):
        office.add_working(at(2026, 3, 2, 10), **kwargs)


def test_negative_timedelta_is_rejected(office):
    with pytest.raises(ValueError, match="negative"):
        office.add_working_time(at(2026, 3, 2, 10), -H)


@pytest.mark.parametrize("kwargs", [{}, {"days": 1, "hours": 2}])
def test_exactly_one_of_days_or_hours_is_required(office, kwargs):
    with pytest.raises(ValueError, match="exactly one"):
        office.add_working(at(2026, 3, 2, 10), **kwargs)


def test_calendar_without_working_time_raises_instead_of_looping():
    cal = BusinessCalendar.from_spec(CalendarSpec(hours={}, country=None))
    with pytest.raises(ValueError, match="no working time"):
        cal.add_working(at(2026, 3, 2, 10), days=1)
    with pytest.raises(ValueError, match="no working time"):
        cal.add_working(at(2026, 3, 2, 10), hours=1)
    with pytest.raises(ValueError, match="no working time"):
        cal.next_open(at(2026, 3, 2, 10))


def test_many_deadlines_are_fast(office):
    import time

    start = time.perf_counter()
    for i in range(5000):
        office.add_working(at(2026, 1, 1) + dt.timedelta(hours=i), days=5)
        office.add_working(at(2026, 1, 1) + dt.timedelta(hours=i), hours=30)
    assert time.perf_counter() - start < 2.0
