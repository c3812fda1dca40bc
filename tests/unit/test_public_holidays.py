"""One country's holidays, the same days as the library's own call, without loading every
country (core.public_holidays)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import holidays
import pytest

from core.calendar_spec import CalendarSpec
from core.public_holidays import country_holidays

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("country", "subdivision"), [("CN", None), ("HK", None),
                                                      ("US", "CA"), ("GB", "SCT")])
def test_the_same_days_as_the_library_gives(country: str, subdivision: str | None) -> None:
    ours = country_holidays(country, subdivision, range(2025, 2028))
    theirs = holidays.country_holidays(country, subdiv=subdivision, years=range(2025, 2028))
    assert dict(ours) == dict(theirs)
    assert getattr(ours, "weekend_workdays", set()) == getattr(theirs, "weekend_workdays", set())


def test_an_unknown_country_or_subdivision_is_still_refused() -> None:
    with pytest.raises(ValueError, match="unknown holidays country code 'XX'"):
        CalendarSpec(country="XX")
    with pytest.raises(ValueError, match="unknown subdivision 'ZZ'"):
        CalendarSpec(country="CN", subdivision="ZZ")


def test_only_the_country_observed_is_loaded() -> None:
    check = textwrap.dedent("""
        import sys
        from core.calendar import BusinessCalendar
        from core.calendar_spec import CalendarSpec
        import datetime as dt
        calendar = BusinessCalendar.from_spec(CalendarSpec(country="CN"))
        assert not calendar.is_working_day(dt.date(2026, 10, 1))  # National Day
        print(sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
    """)
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['holidays.countries.china']"
