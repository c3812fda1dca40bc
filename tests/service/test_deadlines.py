"""Deadlines that act: warnings before, breaches after, escalation one rung up, said once."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import select, text

from core.clock import ManualClock
from core.db import case_queries
from core.db.models import CaseRow, NotificationRow
from core.db.uow import Database
from core.domain import CaseState, Remedy, RemedyKind, Role
from core.domain.states import Action
from core.policy import MajorTrigger
from core.services import deadlines, filing, handling, queries
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import (
    CUSTOMER,
    POLICY,
    QUALITY_MEMBER,
    SPECIALIST,
    make_intake,
    make_policy,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def file_and_assign(database: Database, rules: Rules, **intake: object) -> int:
    filed = await filing.file_case(database.uow(), rules, make_intake(**intake),
                                   CUSTOMER.person_id, CUSTOMER)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    return filed.case_id


async def sweep(database: Database, rules: Rules, clock: ManualClock, moment: datetime
                ) -> deadlines.SweepResult:
    clock.set(moment)
    return await deadlines.sweep(database, rules, moment)


async def alerts_of(database: Database, case_id: int | None = None) -> list[NotificationRow]:
    async with database.sessions() as session:
        statement = (select(NotificationRow)
                     .where(NotificationRow.kind.in_(("deadline_warning", "deadline_breach")))
                     .order_by(NotificationRow.id))
        if case_id is not None:
            statement = statement.where(NotificationRow.case_id == case_id)
        return list((await session.execute(statement)).scalars())


async def test_a_silent_department_is_warned_then_breached_and_the_case_escalated_once(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    # Filed and assigned Monday 10:00: the department's 3 working days end Thursday 17:00.
    case_id = await file_and_assign(database, rules)

    early = await sweep(database, rules, clock, at(5, 14))  # warning window opens at 15:00
    assert early.alerts == [] and early.examined == 0

    warned = await sweep(database, rules, clock, at(5, 15))
    assert [(a.stage, a.clock) for a in warned.alerts] == [("warning", "department_solution")]
    [warning] = await alerts_of(database)
    assert (warning.kind, warning.audience, warning.address) == (
        "deadline_warning", "department", "quality")
    assert warning.payload["clock"] == "department_solution"
    assert datetime.fromisoformat(warning.payload["due"]) == at(5, 17)
    assert warning.payload["level"] == "specialist"
    assert warning.payload["due_in_minutes"] == 120 and warning.payload["late_by_minutes"] == 0
    assert warning.due_at == at(5, 15)  # inside working hours: at once

    again = await sweep(database, rules, clock, at(5, 15, 30))
    assert again.alerts == [] and again.examined == 1
    assert len(await alerts_of(database)) == 1

    breached = await sweep(database, rules, clock, at(5, 17, 20))
    assert [(a.stage, a.clock) for a in breached.alerts] == [("breach", "department_solution")]
    assert breached.escalations == [(breached.alerts[0].number, "department_head")]
    breach = (await alerts_of(database))[-1]
    assert (breach.kind, breach.audience) == ("deadline_breach", "supervisors")
    assert breach.payload["level"] == "department_head" and breach.payload["escalated"]
    assert breach.payload["late_by_minutes"] == 20
    # After closing time: the supervisors hear of it when the office opens on Friday.
    assert breach.due_at == at(6, 9) and breach.created_at == at(5, 17, 20)

    case, history = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.escalation_level == 1
    [escalation] = [e for e in history if e.action is Action.ESCALATE]
    assert escalation.actor.role is Role.SYSTEM
    assert "department_solution" in (escalation.note or "")
    assert escalation.data["level"] == "department_head"

    for moment in (at(5, 17, 25), at(6, 9), at(6, 12)):
        nothing = await sweep(database, rules, clock, moment)
        assert nothing.alerts == [] and nothing.escalations == []
    assert len(await alerts_of(database)) == 2
    case, _ = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.escalation_level == 1


async def test_each_missed_clock_climbs_one_rung_and_the_top_still_hears_of_it(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await file_and_assign(database, rules)
    await sweep(database, rules, clock, at(5, 17))  # department_solution: -> department_head
    # The promised answer (5 working days: Monday 9th, 17:00) on an escalated case: the
    # department is warned and the supervisors too.
    await sweep(database, rules, clock, at(9, 15))
    warnings = [n for n in await alerts_of(database) if n.payload["clock"] == "customer_answer"]
    assert sorted((n.audience, n.address) for n in warnings) == [
        ("department", "quality"), ("supervisors", "")]
    second = await sweep(database, rules, clock, at(9, 17))
    assert second.escalations == [(second.alerts[0].number, "vice_president")]
    # The whole case (7 working days: Wednesday 11th) at the top of the chain.
    top = await sweep(database, rules, clock, at(11, 17))
    assert [(a.stage, a.clock) for a in top.alerts] == [("breach", "whole_case")]
    assert top.escalations == []
    last = (await alerts_of(database))[-1]
    assert last.payload["level"] == "vice_president" and not last.payload["escalated"]
    case, _ = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.escalation_level == 2


async def test_a_proposal_stops_the_alerts_and_a_rejection_restarts_them_afresh(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await file_and_assign(database, rules)
    await handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER)
    await sweep(database, rules, clock, at(5, 15))
    assert len(await alerts_of(database)) == 1

    clock.set(at(5, 15, 30))
    await handling.propose_solution(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A fresh bottle tomorrow."))
    for moment in (at(5, 17, 30), at(9, 10), at(20, 10)):
        quiet = await sweep(database, rules, clock, moment)
        assert quiet.alerts == [] and quiet.examined == 0  # waiting on the customer
    assert len(await alerts_of(database)) == 1

    # The customer rejects on Friday: the department's clock starts again, a new due
    # instant (Wednesday 11th, 17:00), which is warned about like a new deadline.
    clock.set(at(6, 10))
    await handling.customer_rejects(database.uow(), rules, case_id, CUSTOMER, "Too slow.")
    renewed = await sweep(database, rules, clock, at(11, 15))
    assert [(a.stage, a.clock, a.due) for a in renewed.alerts] == [
        ("warning", "department_solution", at(11, 17))]
    assert len(await alerts_of(database)) == 2


async def test_a_3am_warning_waits_for_the_desk_to_open_but_a_major_case_does_not(
    database: Database, clock: ManualClock
) -> None:
    sla = {**POLICY["sla"], "first_response": "2h"}
    rules = Rules.build(make_policy(sla=sla), clock)
    clock.set(at(2, 16))  # Monday 16:00: 2 working hours end Tuesday 10:00
    minor = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    major = await filing.file_case(database.uow(), rules, make_intake(
        triggers=frozenset({MajorTrigger.SAFETY})), CUSTOMER.person_id, CUSTOMER)

    night = await sweep(database, rules, clock, at(3, 3))
    assert {(a.number, a.clock, a.stage) for a in night.alerts} == {
        (str(minor.number), "first_response", "warning"),
        (str(major.number), "first_response", "warning")}
    [for_minor] = await alerts_of(database, minor.case_id)
    [for_major] = await alerts_of(database, major.case_id)
    assert (for_minor.audience, for_minor.address) == ("desk", "")  # no department yet
    assert for_minor.due_at == at(3, 9)
    assert for_major.due_at == at(3, 3)
    assert for_major.payload["severity"] == "major"
    assert (await sweep(database, rules, clock, at(3, 9))).alerts == []


async def test_a_late_sweep_reports_the_breach_without_a_stale_warning(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    await file_and_assign(database, rules)
    late = await sweep(database, rules, clock, at(6, 10))  # nobody swept on Thursday
    assert [(a.stage, a.clock) for a in late.alerts] == [("breach", "department_solution")]
    assert (await sweep(database, rules, clock, at(6, 11))).alerts == []


async def test_two_sweepers_at_once_say_everything_once(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    for _ in range(3):
        await file_and_assign(database, rules)
    clock.set(at(5, 17))
    first, second = await asyncio.gather(deadlines.sweep(database, rules, at(5, 17)),
                                         deadlines.sweep(database, rules, at(5, 17)))
    assert len(first.breaches) + len(second.breaches) == 3
    assert len(first.escalations) + len(second.escalations) == 3
    assert first.failures == [] and second.failures == []
    assert len(await alerts_of(database)) == 3
    async with database.sessions() as session:
        levels = (await session.execute(select(CaseRow.escalation_level))).scalars().all()
    assert levels == [1, 1, 1]


async def test_cases_far_from_their_deadlines_are_not_read(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    await file_and_assign(database, rules)
    result = await sweep(database, rules, clock, at(3, 10))
    assert result.examined == 0


async def test_closed_cases_are_never_swept(database: Database, rules: Rules,
                                            clock: ManualClock) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    await handling.begin_investigation(database.uow(), rules, filed.case_id, SPECIALIST)
    await handling.decide_invalid(database.uow(), rules, filed.case_id, SPECIALIST,
                                  "The batch was within its date.")
    result = await sweep(database, rules, clock, at(30, 10))
    assert result.examined == 0 and result.alerts == []
    case, _ = await queries.case_with_history(database.uow(), filed.case_id, SPECIALIST)
    assert case.state is CaseState.CLOSED_INVALID


async def test_the_due_query_is_an_index_range_on_next_due(sqlite_database_url: str) -> None:
    from core.db.migrate import upgrade

    await upgrade(sqlite_database_url)
    database = Database(sqlite_database_url)
    try:
        statement = case_queries.due_query(at(5, 17)).compile(
            database.engine.sync_engine, compile_kwargs={"literal_binds": True})
        async with database.engine.connect() as connection:
            plan = (await connection.execute(text(f"EXPLAIN QUERY PLAN {statement}"))).all()
    finally:
        await database.dispose()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_cases_next_due" in detail and "SCAN cases" not in detail


async def test_a_backlog_is_read_page_by_page_each_case_once(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    for _ in range(5):  # the same instant for all five: pages must split ties by id
        await file_and_assign(database, rules)
    clock.set(at(5, 17))
    result = await deadlines.sweep(database, rules, at(5, 17), page=2)
    assert result.examined == 5
    assert len({a.case_id for a in result.breaches}) == 5


async def test_a_major_complaint_has_an_alert_for_the_supervisors_at_filing(
    database: Database, rules: Rules
) -> None:
    from core.alerts import alerts_for_major

    major = await filing.file_case(database.uow(), rules, make_intake(
        triggers=frozenset({MajorTrigger.MEDIA}), complainants=7), CUSTOMER.person_id, CUSTOMER)
    minor = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    case, _ = await queries.case_with_history(database.uow(), major.case_id, SPECIALIST)
    [notice] = alerts_for_major(case)
    assert (notice.kind, notice.audience, notice.address) == ("major_case", "supervisors", "")
    assert notice.payload["number"] == str(major.number)
    assert notice.payload["triggers"] == ["media"] and notice.payload["complainants"] == 7
    case, _ = await queries.case_with_history(database.uow(), minor.case_id, SPECIALIST)
    assert alerts_for_major(case) == []


async def test_an_escalating_breach_is_told_privately_to_each_person_on_the_new_level(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    from core.organisation import Organisation, StaffMember
    from core.ports import StaffRecord

    staff = (
        StaffMember(telegram_id=501, name="Head of quality", role="department",
                    department="quality", level="department_head"),
        StaffMember(telegram_id=502, name="Head of logistics", role="department",
                    department="logistics", level="department_head"),
        StaffMember(telegram_id=503, name="Duty supervisor", role="supervisor",
                    level="department_head"),
        StaffMember(telegram_id=504, name="Quality specialist", role="department",
                    department="quality", level="specialist"),
    )
    async with database.uow() as uow:  # changed in chat: one invited, one removed
        await uow.staff.put(StaffRecord(505, "Invited deputy", "department", "quality",
                                        "department_head"), 100, at(2, 9))
        await uow.staff.put(StaffRecord(503, "Duty supervisor", "supervisor", None,
                                        "department_head", active=False), 100, at(2, 9))
        await uow.commit()
    await file_and_assign(database, rules)  # the solution is due Thursday 17:00
    # Friday 10:00: 17 hours late by the wall clock, one working hour by the calendar.
    clock.set(at(6, 10))
    organisation = Organisation(policy=rules.policy, staff=staff)
    swept = await deadlines.sweep(database, rules, at(6, 10), organisation=organisation)
    assert swept.escalations and swept.escalations[0][1] == "department_head"
    [alert] = swept.alerts
    assert set(alert.audiences) == {"supervisors", "staff:501", "staff:505"}
    async with database.sessions() as session:
        rows = list((await session.execute(select(NotificationRow).where(
            NotificationRow.kind.in_(("deadline_breach", "escalated_to_you")))
            .order_by(NotificationRow.id))).scalars())
    assert [(r.kind, r.audience, r.address) for r in rows] == [
        ("deadline_breach", "supervisors", ""), ("escalated_to_you", "staff", "501"),
        ("escalated_to_you", "staff", "505")]
    for row in rows:
        assert row.payload["clock"] == "department_solution"
        assert datetime.fromisoformat(row.payload["due"]) == at(5, 17)
        assert row.payload["late_working_minutes"] == 60
        assert row.payload["late_by_minutes"] == 17 * 60
        assert row.payload["named"] == ["Head of quality", "Invited deputy"]


async def test_a_missed_promise_is_told_to_the_customer_first_with_when_to_expect_it(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await file_and_assign(database, rules)
    await sweep(database, rules, clock, at(9, 15))  # a warning is for us, not the customer
    assert await _promises(database) == []
    await sweep(database, rules, clock, at(9, 17, 5))  # the promised answer: Monday 17:00
    [told] = await _promises(database)
    assert (told.audience, told.address, told.case_id) == (
        "customer", str(CUSTOMER.person_id), case_id)
    assert datetime.fromisoformat(told.payload["promised"]) == at(9, 17)
    # The case's own end (7 working days: Wednesday 11th, 17:00) is what they can expect.
    assert datetime.fromisoformat(told.payload["expect"]) == at(11, 17)
    await sweep(database, rules, clock, at(10, 10))
    assert len(await _promises(database)) == 1  # said once


async def _promises(database: Database) -> list[NotificationRow]:
    async with database.sessions() as session:
        return list((await session.execute(
            select(NotificationRow).where(NotificationRow.kind == "promise_slipped"))).scalars())
