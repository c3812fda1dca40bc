"""The whole procedure through the services on a real database (PROCEDURE.md §1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from core.clock import ManualClock
from core.db.uow import Database
from core.domain import Action, CaseState, Rating, Remedy, RemedyKind
from core.policy import Deadline
from core.services import filing, handling, people, queries
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import (
    CUSTOMER,
    QUALITY_MEMBER,
    SPECIALIST,
    SYSTEM,
    VICE_PRESIDENT,
    make_intake,
)


async def test_a_complaint_walks_all_seven_steps_with_a_rejection_and_a_reopening(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    uow = database.uow
    customer = await people.customer_for_telegram(uow(), rules, 1001, "Li Lei", "zh_Hans")
    customer_actor = CUSTOMER.__class__(customer, CUSTOMER.role)

    # Step 1 — accept: a number and a promise of an answer within 5 working days.
    filed = await filing.file_case(uow(), rules, make_intake(), customer, customer_actor)
    assert str(filed.number) == "2611-0001"
    # Filed Monday 2 Nov 10:00; day 1 is Tuesday, so the 5th working day is Monday 9 Nov.
    assert filed.promised_answer == datetime(2026, 11, 9, 17, 0, tzinfo=SHANGHAI)
    case_id = filed.case_id

    # Step 2 — investigate: valid; the category's department is the default.
    clock.advance(hours=1)
    changed = await handling.assign(uow(), rules, case_id, SPECIALIST)
    assert changed.case.department == "quality"
    assert Deadline.DEPARTMENT_SOLUTION in changed.case.deadlines

    # Step 3 — the department accepts and proposes.
    await handling.accept(uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXPLANATION, "Milk was stored too warm."))

    # Step 4 — the customer rejects: back to the department, with the reason.
    changed = await handling.customer_rejects(uow(), rules, case_id, customer_actor,
                                              "I want a replacement, not an explanation.")
    assert changed.case.state is CaseState.ACCEPTED
    proposal = Remedy(RemedyKind.COMPENSATION, "Refund and a voucher.", Decimal("1500"), "CNY")
    changed = await handling.propose_solution(uow(), rules, case_id, QUALITY_MEMBER, proposal)
    assert changed.case.state is CaseState.AWAITING_APPROVAL  # beyond the specialist's 500
    await handling.approve(uow(), rules, case_id, VICE_PRESIDENT, "Agreed, keep the customer.")
    changed = await handling.customer_accepts(uow(), rules, case_id, customer_actor)
    assert changed.case.state is CaseState.IMPLEMENTING

    # Step 5 and 6 — implemented, revisited: dissatisfied restarts at step 2.
    await handling.mark_implemented(uow(), rules, case_id, QUALITY_MEMBER, "Refund paid.")
    await handling.start_revisit(uow(), rules, case_id, SYSTEM)  # the survey goes out
    changed = await handling.record_revisit(uow(), rules, case_id, customer_actor,
                                            Rating.DISSATISFIED, "The voucher never arrived.")
    assert changed.case.state is CaseState.INVESTIGATING
    assert changed.case.reopen_count == 1

    # Round two, then step 7: satisfied closes the case.
    await handling.assign(uow(), rules, case_id, SPECIALIST)
    await handling.accept(uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "Voucher re-sent by courier."))
    await handling.customer_accepts(uow(), rules, case_id, customer_actor)
    await handling.mark_implemented(uow(), rules, case_id, QUALITY_MEMBER)
    await handling.start_revisit(uow(), rules, case_id, SYSTEM)
    changed = await handling.record_revisit(uow(), rules, case_id, customer_actor,
                                            Rating.VERY_SATISFIED)
    assert changed.case.state is CaseState.CLOSED_SATISFIED
    assert changed.case.deadlines == {}

    # The audit trail holds every step, in order, from state to state.
    _case, history = await queries.case_with_history(uow(), case_id, customer_actor)
    assert [event.action for event in history][:4] == [
        Action.FILE, Action.ASSIGN, Action.ACCEPT, Action.PROPOSE]
    assert history[-1].from_state is CaseState.REVISITING
    assert history[-1].to_state is CaseState.CLOSED_SATISFIED
    assert sum(1 for e in history if e.action is Action.CUSTOMER_REJECT) == 1


async def test_an_invalid_complaint_is_closed_with_the_finding_for_the_customer(
    database: Database, rules: Rules
) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                    CUSTOMER)
    changed = await handling.decide_invalid(
        database.uow(), rules, filed.case_id, SPECIALIST,
        "Our records show the milk was bought after its best-before date.")
    assert changed.case.state is CaseState.CLOSED_INVALID
    invalidated = changed.events[-1]
    assert invalidated.action is Action.INVALIDATE
    assert "best-before" in (invalidated.note or "")
    assert changed.case.deadlines == {}
