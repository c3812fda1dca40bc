"""When the customer says it happened, read as the day it was, in the organisation's zone:
real phrasing in Simplified and Traditional Chinese and in English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.domain.when_said import from_choice, from_words, in_story

# Monday 2 November 2026, 10:00 in Shanghai.
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("words", "day"), [
    ("今天", "2026-11-02"), ("昨天", "2026-11-01"), ("前天", "2026-10-31"),
    ("昨天下午3点", "2026-11-01"), ("前天晚上", "2026-10-31"),
    ("上周五", "2026-10-30"), ("上週五", "2026-10-30"), ("星期五", "2026-10-30"),
    ("10月30号", "2026-10-30"), ("11月18日", "2025-11-18"),  # not yet this year: last year's
    ("昨日", "2026-11-01"),
    ("yesterday", "2026-11-01"), ("last Friday", "2026-10-30"), ("Saturday", "2026-10-31"),
    ("2 days ago", "2026-10-31"), ("on 28 October", "2026-10-28"), ("18 Nov", "2025-11-18"),
    ("yesterday at 3pm", "2026-11-01T15:00"),
])
def test_a_day_said_in_words_is_stored_as_that_day(words: str, day: str) -> None:
    assert from_words(words, NOW) == day


@pytest.mark.parametrize("words", ["the courier came late", "November", "tomorrow",
                                   "at the shop", "不记得了", "x" * 200])
def test_words_that_name_no_past_day_stay_words(words: str) -> None:
    assert from_words(words, NOW) is None


def test_the_buttons_answers_are_days_too() -> None:
    assert from_choice("today", NOW) == "2026-11-02"
    assert from_choice("yesterday", NOW) == "2026-11-01"
    # "Earlier this week" on a Monday: the day before and today, not an empty week.
    assert from_choice("week", NOW) == "2026-11-01/2026-11-02"
    thursday = NOW.replace(day=5)
    assert from_choice("week", thursday) == "2026-11-02/2026-11-05"


@pytest.mark.parametrize(("story", "told"), [
    ("你好！今天打开一瓶辣椒油，里面有玻璃", ("今天", "2026-11-02")),
    ("昨天在南京路门店买的牛奶是酸的", ("昨天", "2026-11-01")),
    ("上周五买的，11月18日才打开", ("上周五", "2026-10-30")),
    ("上星期三到的貨，今天才打開", ("上星期三", "2026-10-28")),
    ("The milk I bought on Saturday was sour.", ("on Saturday", "2026-10-31")),
    ("It arrived 18 Oct, broken; I opened it yesterday.", ("18 Oct", "2026-10-18")),
    # No day named: nothing offered ("May I" is no month, "3瓶" no day).
    ("May I ask for a refund? 我買了3瓶", None),
])
def test_the_first_day_a_story_names_is_read_as_a_date(story: str,
                                                       told: tuple[str, str] | None) -> None:
    assert in_story(story, NOW) == told
