"""Whose clock a customer reads our times on (issue 16.9): a number from a country on
another offset sees our zone named; one on ours, or none, sees the time as before."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.i18n import make_i18n
from bot.views.dates import when
from bot.views.reader_zone import reading, zones_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENT = datetime(2026, 11, 12, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


@pytest.mark.parametrize(("phone", "locale", "expected"), [
    ("+447700900123", "en", "Thu, Nov 12, 2026 22:00 (China Time)"),  # London
    ("+12125551234", "zh_Hans", "2026年11月12日周四 22:00（中国时间）"),  # New York
    ("+8613800138000", "zh_Hans", "2026年11月12日周四 22:00"),  # our own zone
    ("+85291234567", "zh_Hant", "2026年11月12日週四 22:00"),  # Hong Kong: our offset
    ("+6591234567", "en", "Thu, Nov 12, 2026 22:00"),  # Singapore: our offset too
    (None, "en", "Thu, Nov 12, 2026 22:00"),  # no number: nothing to go by
    ("not a number", "en", "Thu, Nov 12, 2026 22:00"),
])
def test_a_time_names_our_zone_for_a_reader_on_another_offset(
    phone: str | None, locale: str, expected: str
) -> None:
    i18n = make_i18n(locale)
    with i18n.context(), i18n.use_locale(locale):
        with reading(phone):
            assert when(MOMENT, SHANGHAI, locale) == expected
        assert when(MOMENT, SHANGHAI, locale) == re.sub(r" \(.*\)|（.*）", "", expected)


def test_a_fictional_number_still_has_its_countrys_zones() -> None:
    assert "Europe/London" in zones_of("+447700900123")
