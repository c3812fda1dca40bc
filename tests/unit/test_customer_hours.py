"""Nothing the bot starts on its own reaches a customer at night (issue 16 point 11): a
survey of the 24-hour rescue service went out at 04:30."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.clock import ManualClock
from core.domain import Case
from core.policy import load_preset
from core.services import revisits
from core.services.rules import Rules
from tests.factories import CUSTOMER, make_intake
from tests.fakes import FakeJobs, FakeStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESCUE = load_preset("004_road_rescue")  # open round the clock


def at(hour: int, minute: int = 0, day: int = 3) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("moment", "expected"), [
    (at(4, 30), at(8, 0)),  # before the customer hours: their start that morning
    (at(8, 0), at(8, 0)),
    (at(14, 15), at(14, 15)),
    (at(20, 59), at(20, 59)),
    (at(21, 0), at(8, 0, day=4)),  # after them: the next morning
    (at(23, 30), at(8, 0, day=4)),
])
def test_customer_hours_in_the_organisations_time_zone(moment: datetime,
                                                       expected: datetime) -> None:
    rules = Rules.build(RESCUE, ManualClock(moment))
    assert rules.in_customer_hours(moment) == expected


def test_off_means_any_hour() -> None:
    rules = Rules.build(RESCUE.model_copy(update={"customer_hours": None}), ManualClock(at(4)))
    assert rules.in_customer_hours(at(4, 30)) == at(4, 30)


async def test_a_rescue_case_carried_out_at_night_is_surveyed_in_the_morning() -> None:
    now = at(4, 30)
    rules = Rules.build(RESCUE, ManualClock(now))
    store = FakeStore()
    case = Case.file(make_intake(category="late_arrival"), CUSTOMER.person_id, CUSTOMER, now,
                     RESCUE)
    case.id = 7
    due = await revisits.schedule_revisit(FakeJobs(store), case, rules, now)
    assert due == at(8, 0)
    assert store.jobs[revisits.revisit_key(7, 1)]["due_at"] == at(8, 0)
