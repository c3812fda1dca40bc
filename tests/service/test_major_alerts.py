"""A major case reaches leadership at once and again until a supervisor takes it up
(issue 19.2: ``major.alert_within`` is a real clock)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import NotificationRow
from core.db.uow import Database
from core.domain import DomainError, Severity
from core.organisation import Organisation, StaffMember
from core.policy import MajorTrigger, Policy
from core.services import filing, handling, major
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import CUSTOMER, POLICY, SPECIALIST, VICE_PRESIDENT, make_intake, make_policy

STAFF = (
    StaffMember(telegram_id=503, name="Vice president", role="supervisor",
                level="vice_president"),
    StaffMember(telegram_id=504, name="Head of quality", role="department",
                department="quality", level="department_head"),
)


@pytest.fixture
def policy() -> Policy:
    return make_policy(major={**POLICY["major"], "alert_within": "30m"})


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 2, hour, minute, tzinfo=SHANGHAI)  # a Monday


async def said(database: Database) -> list[tuple[str, str, str, int]]:
    async with database.sessions() as session:
        rows = (await session.execute(select(NotificationRow).where(
            NotificationRow.kind.in_(("major_case", "major_case_to_you")))
            .order_by(NotificationRow.id))).scalars()
        return [(r.kind, r.audience, r.address, r.payload.get("unanswered_minutes", 0))
                for r in rows]


async def run_due(database: Database, rules: Rules, clock: ManualClock, moment: datetime
                  ) -> list[str]:
    clock.set(moment)
    organisation = Organisation(policy=rules.policy, staff=STAFF)
    done = []
    for job in await database.jobs.claim(moment):
        assert job.kind == major.KIND
        done.append(await major.run_major_alert(database, rules, job.payload, organisation))
        await database.jobs.done(job.id, moment)
    return done


async def test_a_major_case_is_told_again_until_a_supervisor_takes_it_up(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(
        triggers=frozenset({MajorTrigger.MEDIA})), CUSTOMER.person_id, CUSTOMER)
    assert await said(database) == [("major_case", "supervisors", "", 0)]

    await run_due(database, rules, clock, at(10))  # at once: the top rung, privately
    assert (await said(database))[1:] == [("major_case_to_you", "staff", "503", 0)]
    assert await run_due(database, rules, clock, at(10, 29)) == []

    await run_due(database, rules, clock, at(10, 30))  # 30 minutes and nobody answered
    assert (await said(database))[2:] == [("major_case", "supervisors", "", 30),
                                          ("major_case_to_you", "staff", "503", 30)]

    await handling.acknowledge_major(database.uow(), rules, filed.case_id, VICE_PRESIDENT)
    with pytest.raises(DomainError, match="already_acknowledged"):
        await handling.acknowledge_major(database.uow(), rules, filed.case_id, VICE_PRESIDENT)
    assert await run_due(database, rules, clock, at(11)) == [
        f"{filed.number}: major alert taken up"]
    assert len(await said(database)) == 4


async def test_a_case_raised_to_major_later_alerts_at_once_and_lowering_it_stops_the_clock(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    assert await said(database) == []
    await handling.set_severity(database.uow(), rules, filed.case_id, SPECIALIST,
                                Severity.MAJOR)
    assert await said(database) == [("major_case", "supervisors", "", 0)]
    await run_due(database, rules, clock, at(10))
    await handling.set_severity(database.uow(), rules, filed.case_id, SPECIALIST,
                                Severity.SERIOUS)
    assert await run_due(database, rules, clock, at(10, 30)) == [
        f"{filed.number}: major alert taken up"]
    assert len(await said(database)) == 2
    with pytest.raises(DomainError, match="not_major"):
        await handling.acknowledge_major(database.uow(), rules, filed.case_id, VICE_PRESIDENT)
