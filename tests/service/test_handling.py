"""Services on a real database: clocks, races, refusals that leave nothing behind."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from core.clock import ManualClock
from core.db.uow import Database
from core.domain import CaseState, DomainError, Evidence, Remedy, RemedyKind, Severity
from core.domain.states import Action
from core.policy import Deadline, MajorTrigger
from core.services import filing, handling, people, queries
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import (
    CUSTOMER,
    LOGISTICS_MEMBER,
    QUALITY_MEMBER,
    QUALITY_OTHER,
    SPECIALIST,
    STRANGER,
    make_intake,
    make_policy,
)


async def file_and_assign(database: Database, rules: Rules, **intake: object) -> int:
    filed = await filing.file_case(database.uow(), rules, make_intake(**intake),
                                   CUSTOMER.person_id, CUSTOMER)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    return filed.case_id


async def test_two_people_pressing_accept_at_once_give_exactly_one_owner(
    database: Database, rules: Rules
) -> None:
    case_id = await file_and_assign(database, rules)
    results = await asyncio.gather(
        handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER),
        handling.accept(database.uow(), rules, case_id, QUALITY_OTHER),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].code == "already_taken"
    assert losers[0].params["owner_id"] == winners[0].case.owner_id
    case, history = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.owner_id == winners[0].case.owner_id
    assert [e.action for e in history].count(Action.ACCEPT) == 1


async def test_a_refused_command_writes_nothing(database: Database, rules: Rules) -> None:
    case_id = await file_and_assign(database, rules)
    with pytest.raises(DomainError) as refused:
        await handling.accept(database.uow(), rules, case_id, LOGISTICS_MEMBER)
    assert refused.value.code == "not_your_department"
    with pytest.raises(DomainError):
        await handling.hand_back(database.uow(), rules, case_id, QUALITY_MEMBER, "x" * 3000)
    case, history = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.state is CaseState.ASSIGNED and case.owner_id is None
    assert [e.action for e in history] == [Action.FILE, Action.ASSIGN]


async def test_a_customer_never_sees_anothers_case(database: Database, rules: Rules) -> None:
    case_id = await file_and_assign(database, rules)
    with pytest.raises(DomainError) as refused:
        await queries.case_with_history(database.uow(), case_id, STRANGER)
    assert refused.value.code == "not_your_case"
    assert await queries.cases_of_customer(database.uow(), STRANGER.person_id) == []


async def test_deadlines_pause_while_the_customer_is_asked_and_resume_shifted(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await file_and_assign(database, rules)
    await handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER)
    before = (await queries.case_with_history(database.uow(), case_id, SPECIALIST))[0]
    due = before.deadlines[Deadline.DEPARTMENT_SOLUTION]
    await handling.ask_customer(database.uow(), rules, case_id, QUALITY_MEMBER,
                                "Could you send a photo of the batch code?")
    paused = (await queries.case_with_history(database.uow(), case_id, SPECIALIST))[0]
    assert paused.paused_since is not None
    # The customer answers the next morning: one whole working day (8 hours) later.
    clock.set(datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI))
    changed = await handling.answer_question(database.uow(), rules, case_id, CUSTOMER,
                                             "Batch 20261031A, photo attached.")
    assert changed.case.paused_since is None
    assert changed.case.deadlines[Deadline.DEPARTMENT_SOLUTION] == rules.calendar.add_working(
        due, hours=8)


async def test_every_clock_stored_on_the_case_with_the_earliest_as_next_due(
    database: Database, rules: Rules
) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    async with database.uow() as uow:
        from sqlalchemy import select

        from core.db.models import CaseRow

        row = (await uow.session.execute(select(CaseRow))).scalar_one()
        due = {name: getattr(row, name) for name in (
            "due_first_response", "due_customer_answer", "due_department_solution", "next_due")}
    # Filed Monday 10:00: first response within 4 working hours is 14:00 the same day.
    assert due["due_first_response"] == datetime(2026, 11, 2, 14, 0, tzinfo=SHANGHAI)
    assert due["due_customer_answer"] == filed.promised_answer
    assert due["next_due"] == due["due_first_response"]
    assert due["due_department_solution"] is None


async def test_without_a_desk_step_the_category_department_gets_the_case_at_once(
    database: Database, clock: ManualClock
) -> None:
    rules = Rules.build(make_policy(desk_step=False), clock)
    filed = await filing.file_case(database.uow(), rules, make_intake(
        category="transport_packaging"), CUSTOMER.person_id, CUSTOMER)
    assert filed.department == "logistics"
    case, _ = await queries.case_with_history(database.uow(), filed.case_id, SPECIALIST)
    assert case.state is CaseState.ASSIGNED


async def test_staff_register_a_phone_complaint_for_a_caller_found_by_phone(
    database: Database, rules: Rules
) -> None:
    from core.domain import Channel

    caller = await people.customer_by_phone(database.uow(), rules, SPECIALIST, "Wang Fang",
                                            "138-0013-8001")
    again = await people.customer_by_phone(database.uow(), rules, SPECIALIST, "Wang F.",
                                           "13800138001")
    assert caller == again
    filed = await filing.file_case(database.uow(), rules, make_intake(channel=Channel.PHONE),
                                   caller, SPECIALIST)
    case, history = await queries.case_with_history(database.uow(), filed.case_id, SPECIALIST)
    assert case.customer_id == caller and history[0].actor.role.value == "specialist"
    with pytest.raises(DomainError):
        await people.customer_by_phone(database.uow(), rules, CUSTOMER, "Me", "13800138002")


async def test_a_major_complaint_is_marked_at_intake(database: Database, rules: Rules) -> None:
    filed = await filing.file_case(
        database.uow(), rules, make_intake(triggers=frozenset({MajorTrigger.SAFETY})),
        CUSTOMER.person_id, CUSTOMER)
    assert filed.severity is Severity.MAJOR


async def test_evidence_and_a_transfer_are_kept(database: Database, rules: Rules) -> None:
    case_id = await file_and_assign(database, rules)
    await handling.add_evidence(database.uow(), rules, case_id, CUSTOMER,
                                Evidence("photo", "AgACAgIAAxkBAAIB", "the cap"))
    changed = await handling.transfer(database.uow(), rules, case_id, SPECIALIST, "logistics",
                                      "Broken in transit.")
    assert changed.case.department == "logistics"
    case, _ = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert [e.file_ref for e in case.evidence] == ["AgACAgIAAxkBAAIB"]
    await handling.accept(database.uow(), rules, case_id, LOGISTICS_MEMBER)
    with pytest.raises(DomainError) as refused:
        await handling.propose_solution(
            database.uow(), rules, case_id, LOGISTICS_MEMBER,
            Remedy(RemedyKind.COMPENSATION, "Too much.", 999_999_999, "CNY"))
    assert refused.value.code == "bad_amount"


async def test_the_same_intake_confirmed_twice_files_one_case_with_its_evidence(
    database: Database, rules: Rules
) -> None:
    photos = [Evidence("photo", "AgAC-1"), Evidence("photo", "AgAC-2", "the cap")]
    results = await asyncio.gather(*(
        filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id, CUSTOMER,
                         evidence=photos, intake_key="intake-901-1")
        for _ in range(3)
    ))
    assert len({r.case_id for r in results}) == 1
    assert len({str(r.number) for r in results}) == 1
    case, history = await queries.case_with_history(database.uow(), results[0].case_id, CUSTOMER)
    assert [e.file_ref for e in case.evidence] == ["AgAC-1", "AgAC-2"]
    assert [e.action for e in history] == [Action.FILE, Action.ADD_EVIDENCE, Action.ADD_EVIDENCE]
