"""The 17:00 digest (004) lists what is late or escalated; a survey the customer has not
answered yet is not staff's overdue work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import NotificationRow
from core.db.uow import Database
from core.domain import Remedy, RemedyKind
from core.policy import Deadline
from core.services import deadlines, digest, filing, handling, queries
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, VICE_PRESIDENT, make_intake


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def assigned(database: Database, rules: Rules) -> tuple[int, str]:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    return filed.case_id, str(filed.number)


async def implemented(database: Database, rules: Rules) -> int:
    case_id, _ = await assigned(database, rules)
    await handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A fresh bottle tomorrow."))
    await handling.customer_accepts(database.uow(), rules, case_id, CUSTOMER)
    await handling.mark_implemented(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    "Delivered.")
    return case_id


async def payload(database: Database, kind: str) -> dict[str, object]:
    async with database.sessions() as session:
        row = (await session.execute(select(NotificationRow).where(
            NotificationRow.kind == kind))).scalar_one()
        return dict(row.payload)


async def test_the_overdue_digest_lists_a_case_escalated_to_the_supervisors(
        database: Database, rules: Rules, clock: ManualClock) -> None:
    escalated_id, escalated = await assigned(database, rules)
    _, on_time = await assigned(database, rules)
    clock.set(at(2, 16, 25))  # 35 minutes before the digest; no deadline has passed
    await handling.escalate(database.uow(), rules, escalated_id, VICE_PRESIDENT,
                            "The customer called the hotline twice.")

    assert await digest.send_if_due(database, rules, at(2, 17, 0))
    overdue = await payload(database, "overdue_digest")
    assert [line["number"] for line in overdue["cases"]] == [escalated]  # type: ignore[attr-defined]
    assert overdue["total"] == 1
    listed = (await payload(database, "digest"))["cases"]
    assert {line["number"] for line in listed} == {escalated, on_time}  # type: ignore[attr-defined]
    assert all(line["clock"] and not line["late"] for line in listed)  # type: ignore[attr-defined]


async def test_a_case_past_its_deadline_is_listed_and_flagged_late(
        database: Database, rules: Rules, clock: ManualClock) -> None:
    case_id, number = await assigned(database, rules)
    case, _ = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    due = case.deadlines[Deadline.DEPARTMENT_SOLUTION]
    day = due.astimezone(SHANGHAI).date()
    moment = datetime(day.year, day.month, day.day, 17, 0, tzinfo=SHANGHAI)
    assert due <= moment

    assert await digest.send_if_due(database, rules, moment)
    lines = (await payload(database, "overdue_digest"))["cases"]
    assert lines == [{"number": number, "state": "assigned", "owner": "",  # type: ignore[comparison-overlap]
                      "due": due.isoformat(), "clock": "department_solution", "late": True}]


async def test_a_survey_awaiting_the_customer_is_not_escalated_as_overdue_work(
        database: Database, rules: Rules, clock: ManualClock) -> None:
    waiting = await implemented(database, rules)
    not_sent = await implemented(database, rules)
    await handling.start_revisit(database.uow(), rules, waiting, SPECIALIST)
    case, _ = await queries.case_with_history(database.uow(), waiting, SPECIALIST)
    late = case.deadlines[Deadline.REVISIT]
    assert late < case.deadlines[Deadline.WHOLE_CASE]

    moment = rules.calendar.add_working(late, hours=1)
    clock.set(moment)
    swept = await deadlines.sweep(database, rules, moment)

    # Our own survey not sent in time is late work; the customer's pending answer is not.
    assert [(a.case_id, a.clock, a.stage) for a in swept.breaches] == [
        (not_sent, "revisit", "breach")]
    assert len(swept.escalations) == 1
    case, _ = await queries.case_with_history(database.uow(), waiting, SPECIALIST)
    assert case.escalation_level == 0
    again = await deadlines.sweep(database, rules, moment)
    assert again.alerts == [] and again.escalations == []
