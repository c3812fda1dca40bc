"""A moment ahead as staff type it (004 三.2 约定处理时间), in the three languages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.domain.moment_said import moment_ahead

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)  # a Thursday morning


@pytest.mark.parametrize(("words", "expected"), [
    ("明天下午3点", "2026-12-04 15:00"),
    ("明天15:00", "2026-12-04 15:00"),
    ("明天下午三点半", "2026-12-04 15:30"),
    ("後天上午十點", "2026-12-05 10:00"),
    ("12月8日 下午3点", "2026-12-08 15:00"),
    ("12月8號15:00", "2026-12-08 15:00"),
    ("周五17点前", "2026-12-04 17:00"),
    ("下週一", "2026-12-07 18:00"),  # a day alone: the end of its working day
    ("下周五", "2026-12-11 18:00"),
    ("晚上八点半", "2026-12-03 20:30"),
    ("9点", "2026-12-04 09:00"),  # 9 o'clock has passed today: tomorrow's
    ("tomorrow 3pm", "2026-12-04 15:00"),
    ("8 Dec 15:00", "2026-12-08 15:00"),
    ("2026-12-08 15:00", "2026-12-08 15:00"),
    ("Friday 5pm", "2026-12-04 17:00"),
    ("in 2 days", "2026-12-05 18:00"),
])
def test_a_moment_ahead_is_read_in_the_organisations_zone(words: str, expected: str) -> None:
    moment = moment_ahead(words, NOW)
    assert moment is not None and moment.tzinfo is SHANGHAI
    assert moment.strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize("words", ["yesterday", "昨天", "when the parts arrive", "", "x" * 80,
                                   "2031-01-01 10:00", "今天上午9点", "13月40日"])
def test_what_names_no_moment_ahead_is_none(words: str) -> None:
    assert moment_ahead(words, NOW) is None
