"""Revisit surveys as durable jobs: on time, late rather than never, each round once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import JobRow, NotificationRow
from core.db.uow import Database
from core.domain import CaseState, Rating, Remedy, RemedyKind
from core.domain.states import Action
from core.services import filing, handling, queries, revisits
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, make_intake


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def implemented(database: Database, rules: Rules, category: str = "product_quality"
                      ) -> int:
    filed = await filing.file_case(database.uow(), rules, make_intake(category=category),
                                   CUSTOMER.person_id, CUSTOMER)
    case_id = filed.case_id
    await handling.assign(database.uow(), rules, case_id, SPECIALIST)
    await handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A fresh bottle tomorrow."))
    await handling.customer_accepts(database.uow(), rules, case_id, CUSTOMER)
    await handling.mark_implemented(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    "Delivered.")
    return case_id


async def run_due(database: Database, rules: Rules, clock: ManualClock, moment: datetime
                  ) -> list[revisits.JobOutcome]:
    clock.set(moment)
    return await revisits.run_due_jobs(database, rules, moment)


async def job_rows(database: Database) -> dict[str, JobRow]:
    async with database.sessions() as session:
        return {row.key: row for row in (await session.execute(select(JobRow))).scalars()}


async def notices(database: Database, kind: str) -> list[NotificationRow]:
    async with database.sessions() as session:
        return list((await session.execute(
            select(NotificationRow).where(NotificationRow.kind == kind)
            .order_by(NotificationRow.id))).scalars())


async def history(database: Database, case_id: int) -> tuple[Any, list[Any]]:
    return await queries.case_with_history(database.uow(), case_id, SPECIALIST)


def rounds(events: list[Any], action: Action) -> list[int]:
    return [e.data["round"] for e in events if e.action is action]


async def test_the_survey_job_made_at_implementation_runs_late_when_the_bot_was_down(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await implemented(database, rules)  # Monday 10:00
    job = (await job_rows(database))[f"revisit:{case_id}:1"]
    assert (job.kind, job.status, job.due_at) == ("revisit_survey", "pending", at(2, 10))
    assert job.payload == {"case_id": case_id, "round": 1}

    # Nobody ran jobs on Monday; they run on Wednesday afternoon.
    outcomes = await run_due(database, rules, clock, at(4, 14))
    assert [(o.kind, o.ok) for o in outcomes] == [("revisit_survey", True)]
    assert "started" in outcomes[0].text
    case, events = await history(database, case_id)
    assert case.state is CaseState.REVISITING
    assert rounds(events, Action.START_REVISIT) == [1]
    [survey] = await notices(database, "survey")
    assert survey.audience == "customer" and survey.payload["round"] == 1

    # Run again, and run the very job by hand as a crashed worker would: nothing twice.
    assert await run_due(database, rules, clock, at(4, 15)) == []
    text = await revisits.run_revisit_job(database, rules, {"case_id": case_id, "round": 1})
    assert "not due" in text
    _, events = await history(database, case_id)
    assert rounds(events, Action.START_REVISIT) == [1]
    assert len(await notices(database, "survey")) == 1
    assert (await job_rows(database))[f"revisit:{case_id}:1"].status == "done"


async def test_engineering_quality_is_revisited_twice_then_closes_satisfied(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await implemented(database, rules, "engineering_quality")
    await run_due(database, rules, clock, at(2, 10))
    clock.set(at(2, 11))
    answered = await handling.record_revisit(database.uow(), rules, case_id, CUSTOMER,
                                             Rating.SATISFIED)
    assert answered.case.state is CaseState.REVISITING
    jobs = await job_rows(database)
    assert jobs[f"survey_reminder:{case_id}:1"].status == "cancelled"
    assert jobs[f"survey_no_answer:{case_id}:1"].status == "cancelled"
    second = jobs[f"revisit:{case_id}:2"]
    assert (second.status, second.due_at) == ("pending", at(3, 11))  # a day later

    assert await run_due(database, rules, clock, at(2, 16)) == []  # not yet
    outcomes = await run_due(database, rules, clock, at(3, 11))
    assert [o.key for o in outcomes] == [f"revisit:{case_id}:2"]
    clock.set(at(3, 12))
    closed = await handling.record_revisit(database.uow(), rules, case_id, CUSTOMER,
                                           Rating.VERY_SATISFIED)
    assert closed.case.state is CaseState.CLOSED_SATISFIED
    _, events = await history(database, case_id)
    assert rounds(events, Action.START_REVISIT) == [1, 2]
    assert rounds(events, Action.RECORD_REVISIT) == [1, 2]
    assert await run_due(database, rules, clock, at(20, 10)) == []


async def test_a_dissatisfied_answer_reopens_the_case_and_ends_the_survey_jobs(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await implemented(database, rules)
    await run_due(database, rules, clock, at(2, 10))
    clock.set(at(2, 12))
    reopened = await handling.record_revisit(database.uow(), rules, case_id, CUSTOMER,
                                             Rating.DISSATISFIED, "Still sour.")
    assert reopened.case.state is CaseState.INVESTIGATING
    assert reopened.case.reopen_count == 1 and reopened.case.department is None
    pending = [row for row in (await job_rows(database)).values() if row.status == "pending"]
    assert pending == []
    assert await run_due(database, rules, clock, at(10, 10)) == []


async def test_an_unanswered_survey_is_reminded_once_then_recorded_as_no_answer(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await implemented(database, rules)
    await run_due(database, rules, clock, at(2, 10))  # survey out Monday 10:00
    assert await run_due(database, rules, clock, at(3, 9)) == []  # a day not yet passed

    reminded = await run_due(database, rules, clock, at(3, 10, 30))
    assert [(o.kind, o.ok) for o in reminded] == [("survey_reminder", True)]
    [reminder] = await notices(database, "survey_reminder")
    assert (reminder.audience, reminder.address) == ("customer", str(CUSTOMER.person_id))
    assert reminder.payload["round"] == 1
    again = await revisits.run_survey_reminder(database, rules,
                                               {"case_id": case_id, "round": 1})
    assert "already reminded" in again
    assert len(await notices(database, "survey_reminder")) == 1

    given_up = await run_due(database, rules, clock, at(4, 10, 30))
    assert [(o.kind, o.ok) for o in given_up] == [("survey_no_answer", True)]
    case, events = await history(database, case_id)
    assert case.state is CaseState.CLOSED and case.closure == "no_answer"
    assert case.last_rating is Rating.NO_ANSWER
    assert rounds(events, Action.RECORD_REVISIT) == [1]


async def test_a_survey_answered_in_time_is_neither_reminded_nor_given_up(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await implemented(database, rules)
    await run_due(database, rules, clock, at(2, 10))
    clock.set(at(2, 15))
    await handling.record_revisit(database.uow(), rules, case_id, CUSTOMER, Rating.SATISFIED)
    assert await run_due(database, rules, clock, at(9, 10)) == []
    assert await notices(database, "survey_reminder") == []
    case, _ = await history(database, case_id)
    assert case.state is CaseState.CLOSED_SATISFIED
