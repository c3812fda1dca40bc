"""The supervisor's desk on a real database: what needs them, a case's whole history, a
search, the week in figures, and the changes they make — each in one transaction."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import NotificationRow
from core.db.uow import Database
from core.domain import (
    Action,
    CaseState,
    DomainError,
    Rating,
    Remedy,
    RemedyKind,
    Severity,
)
from core.policy import Deadline
from core.services import filing, handling, queries, supervision
from core.services import supervision_queries as desk
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import (
    CUSTOMER,
    QUALITY_MEMBER,
    QUALITY_OTHER,
    SPECIALIST,
    SYSTEM,
    VICE_PRESIDENT,
    make_intake,
)
from tests.service.test_handling import file_and_assign


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def cards_of(database: Database, case_id: int) -> list[NotificationRow]:
    async with database.sessions() as session:
        return list((await session.execute(
            select(NotificationRow).where(NotificationRow.case_id == case_id,
                                          NotificationRow.kind == "card")
            .order_by(NotificationRow.id))).scalars())


async def awaiting_approval(database: Database, rules: Rules) -> int:
    case_id = await file_and_assign(database, rules)
    await handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, case_id, QUALITY_MEMBER, Remedy(
        RemedyKind.COMPENSATION, "Refund and a voucher.", "1500", "CNY"))
    return case_id


async def test_overdue_lists_past_and_near_deadlines_most_urgent_first_in_pages(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    first = await file_and_assign(database, rules)  # Monday 10:00: solution due Thu 17:00
    clock.set(at(3, 10))
    second = await file_and_assign(database, rules)  # Tuesday: due Fri 17:00
    clock.set(at(4, 10))
    await file_and_assign(database, rules)  # Wednesday: due Mon 17:00, not yet near
    paused = await file_and_assign(database, rules)
    await handling.accept(database.uow(), rules, paused, QUALITY_MEMBER)
    await handling.ask_customer(database.uow(), rules, paused, QUALITY_MEMBER, "Which batch?")

    assert await desk.overdue(database, rules, at(5, 14)) == ([], 0)
    items, total = await desk.overdue(database, rules, at(6, 16))  # Fri 16:00
    assert total == 2
    assert [i.case_id for i in items] == [first, second]  # one late, one due within 2 h
    assert items[0].clock is Deadline.DEPARTMENT_SOLUTION and items[0].due == at(5, 17)
    assert items[0].department == "quality" and items[0].owner is None

    page, total = await desk.overdue(database, rules, at(6, 16), offset=1, limit=1)
    assert total == 2 and [i.case_id for i in page] == [second]


async def test_a_case_history_is_paged_with_who_did_what(
    database: Database, rules: Rules
) -> None:
    case_id = await file_and_assign(database, rules)
    for n in range(12):
        await handling.add_note(database.uow(), rules, case_id, SPECIALIST, f"note {n}")
    page = await desk.history(database, case_id, offset=0, limit=5)
    assert page.total == 14 and [e.action for e in page.events][:2] == [Action.FILE,
                                                                     Action.ASSIGN]
    assert page.names[SPECIALIST.person_id] == "specialist"
    last = await desk.history(database, case_id, offset=10, limit=5)
    assert [e.note for e in last.events] == ["note 8", "note 9", "note 10", "note 11"]
    beyond = await desk.history(database, case_id, offset=500, limit=5)
    assert beyond.offset == 10  # a stale page shows the last one
    number = str(page.case.number)
    assert await desk.case_id_of(database, number) == case_id
    with pytest.raises(DomainError) as unknown:
        await desk.case_id_of(database, "2611-9999")
    assert unknown.value.code == "case_not_found"
    with pytest.raises(DomainError) as bad:
        await desk.case_id_of(database, "drop table")
    assert bad.value.code == "bad_case_number"


async def test_find_by_phone_number_or_words(database: Database, rules: Rules) -> None:
    milk = await file_and_assign(database, rules)
    await file_and_assign(database, rules, description="The 100% juice was 50_50 water.",
                          contact_phone="13900139000", contact_name="Han Mei")
    found, total = await desk.find(database, "13800138000")  # stored as +8613800138000
    assert total == 1 and found[0].case_id == milk
    number = found[0].number
    assert [f.case_id for f in (await desk.find(database, number))[0]] == [milk]
    assert [f.contact_name for f in (await desk.find(database, "SOUR"))[0]] == ["Li Lei"]
    assert (await desk.find(database, "100%"))[1] == 1
    assert (await desk.find(database, "0%"))[1] == 1  # "%" is a character, not a wildcard
    assert (await desk.find(database, "0_5"))[1] == 1
    assert (await desk.find(database, "nothing like it"))[1] == 0
    with pytest.raises(DomainError) as short:
        await desk.find(database, "x")
    assert short.value.code == "search_too_short"


async def test_week_stats_count_new_closed_overdue_and_satisfaction(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 10, 28, 10, 0, tzinfo=SHANGHAI))  # the week before
    late = await file_and_assign(database, rules)
    clock.set(at(2, 10))
    done = await file_and_assign(database, rules)
    await handling.accept(database.uow(), rules, done, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, done, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXPLANATION, "It was the fridge."))
    await handling.customer_accepts(database.uow(), rules, done, CUSTOMER)
    await handling.mark_implemented(database.uow(), rules, done, QUALITY_MEMBER)
    await handling.record_revisit(database.uow(), rules, done, CUSTOMER, Rating.SATISFIED)
    await file_and_assign(database, rules)
    stats = await desk.week_stats(database, rules, at(4, 12))
    assert stats.since == datetime(2026, 11, 2, 0, 0, tzinfo=SHANGHAI)
    assert (stats.new, stats.closed) == (2, 1)
    assert stats.overdue == 1  # filed last week, its department's time ran out
    assert stats.ratings == {"satisfied": 1} and stats.satisfied == stats.answered == 1
    assert late


async def test_reassign_to_a_colleague_in_the_department_takes_the_case(
    database: Database, rules: Rules
) -> None:
    case_id = await file_and_assign(database, rules)
    changed = await supervision.reassign(database.uow(), rules, case_id, VICE_PRESIDENT,
                                         QUALITY_OTHER.person_id, "quality")
    assert changed.case.state is CaseState.ACCEPTED
    assert changed.case.owner_id == QUALITY_OTHER.person_id
    with pytest.raises(DomainError) as elsewhere:
        await supervision.reassign(database.uow(), rules, case_id, VICE_PRESIDENT,
                                   QUALITY_MEMBER.person_id, "logistics")
    assert elsewhere.value.code == "not_in_department"
    with pytest.raises(DomainError) as not_allowed:
        await supervision.reassign(database.uow(), rules, case_id, SPECIALIST,
                                   QUALITY_MEMBER.person_id, "quality")
    assert not_allowed.value.code == "role_not_allowed"
    cards = await cards_of(database, case_id)
    assert cards[-1].address == "quality"
    assert cards[-1].payload["events"][0]["event"] == "reassign"
    _case, events = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert [e.action for e in events].count(Action.REASSIGN) == 1


async def test_an_instruction_stays_on_the_department_card(
    database: Database, rules: Rules
) -> None:
    case_id = await file_and_assign(database, rules)
    await supervision.instruct(database.uow(), rules, case_id, VICE_PRESIDENT,
                               "Call the customer today, please.")
    case, events = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.instruction == "Call the customer today, please."
    assert events[-1].action is Action.INSTRUCT
    card = (await cards_of(database, case_id))[-1]
    assert card.address == "quality" and card.payload["events"][0]["note"] == case.instruction
    with pytest.raises(DomainError):
        await supervision.instruct(database.uow(), rules, case_id, QUALITY_MEMBER, "No.")


async def test_approval_and_refusal_carry_the_supervisors_comment_to_the_department(
    database: Database, rules: Rules
) -> None:
    refused = await awaiting_approval(database, rules)
    await handling.refuse_approval(database.uow(), rules, refused, VICE_PRESIDENT,
                                   "Too much: offer a replacement instead.")
    case, events = await queries.case_with_history(database.uow(), refused, SPECIALIST)
    assert case.state is CaseState.ACCEPTED and case.remedy is None
    assert events[-1].note == "Too much: offer a replacement instead."
    department_card = [c for c in await cards_of(database, refused)
                       if c.address == "quality"][-1]
    assert department_card.payload["events"][-1]["note"] == events[-1].note

    approved = await awaiting_approval(database, rules)
    await handling.approve(database.uow(), rules, approved, VICE_PRESIDENT, "Fine this once.")
    case, events = await queries.case_with_history(database.uow(), approved, SPECIALIST)
    assert case.state is CaseState.AWAITING_CUSTOMER and events[-1].note == "Fine this once."


async def test_severity_escalation_and_closing_as_settled_outside(
    database: Database, rules: Rules
) -> None:
    case_id = await file_and_assign(database, rules)
    await handling.set_severity(database.uow(), rules, case_id, VICE_PRESIDENT, Severity.SERIOUS)
    await handling.escalate(database.uow(), rules, case_id, VICE_PRESIDENT, "Media asked.")
    await handling.de_escalate(database.uow(), rules, case_id, VICE_PRESIDENT, "Calm again.")
    with pytest.raises(DomainError) as bad_route:
        await supervision.close_externally(database.uow(), rules, case_id, VICE_PRESIDENT,
                                           "duel", "Won.")
    assert bad_route.value.code == "bad_choice"
    closed = await supervision.close_externally(
        database.uow(), rules, case_id, VICE_PRESIDENT, "consumer_association",
        "12315 mediated: a 300 yuan refund, accepted by both.")
    assert closed.case.state is CaseState.CLOSED
    assert closed.case.closure == "external_consumer_association"
    _case, events = await queries.case_with_history(database.uow(), case_id, SYSTEM)
    assert [e.action for e in events][-4:] == [Action.SET_SEVERITY, Action.ESCALATE,
                                               Action.DE_ESCALATE, Action.CLOSE]
    assert events[-1].note.startswith("12315 mediated")
    assert await desk.overdue(database, rules, at(30, 10)) == ([], 0)  # closed: never due
    assert (await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)).case_id


async def test_internal_supervisor_steps_leave_the_first_response_clock_running(
    database: Database, rules: Rules
) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    case_id = filed.case_id
    await supervision.instruct(database.uow(), rules, case_id, VICE_PRESIDENT,
                               "Call the customer today, please.")
    await handling.set_severity(database.uow(), rules, case_id, VICE_PRESIDENT, Severity.SERIOUS)
    await handling.escalate(database.uow(), rules, case_id, VICE_PRESIDENT, "Media asked.")
    await handling.de_escalate(database.uow(), rules, case_id, VICE_PRESIDENT, "Calm again.")
    case, _events = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    # Nobody has answered the customer yet: the deadline still stands and can be missed.
    assert case.first_response_at is None
    assert Deadline.FIRST_RESPONSE in case.deadlines
    await handling.assign(database.uow(), rules, case_id, SPECIALIST)
    case, _events = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.first_response_at is not None and Deadline.FIRST_RESPONSE not in case.deadlines
