"""The Case aggregate on its own: transitions, roles, guards, severity, remedies."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.domain import (
    Action,
    Case,
    CaseNumber,
    CaseState,
    DomainError,
    Evidence,
    Rating,
    Remedy,
    RemedyKind,
    Severity,
)
from core.domain.states import TRANSITIONS
from core.domain.values import MAX_DESCRIPTION, check_phone, money
from core.notices import notices_for
from core.policy import MajorTrigger
from tests.factories import (
    CUSTOMER,
    LOGISTICS_MEMBER,
    QUALITY_HEAD,
    QUALITY_MEMBER,
    QUALITY_OTHER,
    SPECIALIST,
    STRANGER,
    SYSTEM,
    VICE_PRESIDENT,
    make_intake,
    make_policy,
)

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POLICY = make_policy()


def filed(**intake: object) -> Case:
    return Case.file(make_intake(**intake), CUSTOMER.person_id, CUSTOMER, NOW, POLICY)


def accepted() -> Case:
    case = filed()
    case.assign(SPECIALIST, NOW, "quality", POLICY)
    case.accept(QUALITY_MEMBER, NOW)
    return case


def code_of(call: object) -> str:
    with pytest.raises(DomainError) as error:
        call()  # type: ignore[operator]
    return error.value.code


def test_every_action_names_the_roles_allowed_to_take_it() -> None:
    for action in Action:
        if action is Action.FILE:
            continue
        sources, _target, roles = TRANSITIONS[action]
        assert sources and roles, action


def test_a_filed_case_is_received_and_records_who_filed_it() -> None:
    case = filed()
    assert case.state is CaseState.RECEIVED
    assert [e.action for e in case.events] == [Action.FILE]
    assert case.events[0].actor == CUSTOMER


def test_accepting_before_assignment_is_an_invalid_transition() -> None:
    assert code_of(lambda: filed().accept(QUALITY_MEMBER, NOW)) == "invalid_transition"


def test_a_customer_cannot_decide_validity() -> None:
    assert code_of(lambda: filed().invalidate(CUSTOMER, NOW, "no")) == "role_not_allowed"


def test_a_member_of_another_department_cannot_accept() -> None:
    case = filed()
    case.assign(SPECIALIST, NOW, "quality", POLICY)
    assert code_of(lambda: case.accept(LOGISTICS_MEMBER, NOW)) == "not_your_department"
    assert case.state is CaseState.ASSIGNED and case.owner_id is None


def test_the_person_who_accepts_owns_the_case_and_only_they_propose() -> None:
    case = accepted()
    assert case.owner_id == QUALITY_MEMBER.person_id
    remedy = Remedy(RemedyKind.EXCHANGE, "A fresh bottle delivered today.")
    assert code_of(lambda: case.propose(QUALITY_OTHER, NOW, remedy, POLICY)) == "not_the_owner"


def test_a_step_from_a_menu_made_for_an_older_version_of_the_case_is_refused() -> None:
    case = accepted()
    case.version = 7
    remedy = Remedy(RemedyKind.EXPLANATION, "It was fine.")
    stale = QUALITY_MEMBER.seeing(6)
    assert code_of(lambda: case.propose(stale, NOW, remedy, POLICY)) == "moved_on"
    assert case.state is CaseState.ACCEPTED and case.remedy is None
    case.propose(QUALITY_MEMBER.seeing(7), NOW, remedy, POLICY)  # as it is: taken
    assert case.state is not CaseState.ACCEPTED


def test_a_customer_cannot_answer_for_someone_elses_case() -> None:
    case = accepted()
    case.propose(QUALITY_MEMBER, NOW, Remedy(RemedyKind.EXPLANATION, "It was fine."), POLICY)
    assert code_of(lambda: case.customer_accept(STRANGER, NOW)) == "not_your_case"


def test_a_solution_within_authority_goes_straight_to_the_customer() -> None:
    case = accepted()
    remedy = Remedy(RemedyKind.COMPENSATION, "Refund of the bottle.", Decimal("12.50"), "CNY")
    case.propose(QUALITY_MEMBER, NOW, remedy, POLICY)
    assert case.state is CaseState.AWAITING_CUSTOMER


def test_a_solution_beyond_authority_waits_for_the_level_that_holds_it() -> None:
    case = accepted()
    remedy = Remedy(RemedyKind.COMPENSATION, "Medical costs.", Decimal("1500"), "CNY")
    case.propose(QUALITY_MEMBER, NOW, remedy, POLICY)
    assert case.state is CaseState.AWAITING_APPROVAL
    assert POLICY.escalation[case.approval_level or 0].code == "vice_president"
    with pytest.raises(DomainError) as error:
        case.approve(QUALITY_HEAD, NOW, POLICY)
    assert error.value.code == "beyond_your_authority"
    case.approve(VICE_PRESIDENT, NOW, POLICY, "Agreed.")
    assert case.state is CaseState.AWAITING_CUSTOMER


def test_a_refused_approval_returns_the_case_to_the_department() -> None:
    case = accepted()
    case.propose(QUALITY_MEMBER, NOW,
                 Remedy(RemedyKind.COMPENSATION, "Costs.", Decimal("900"), "CNY"), POLICY)
    case.refuse_approval(QUALITY_HEAD, NOW, POLICY, "Too much for a bottle of milk.")
    assert case.state is CaseState.ACCEPTED and case.remedy is None


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1e12", "10.001", "NaN", "Infinity"])
def test_negative_or_absurd_amounts_are_refused(amount: str) -> None:
    assert code_of(lambda: money(amount)) == "bad_amount"


def test_compensation_needs_an_amount_and_a_currency() -> None:
    assert code_of(lambda: Remedy(RemedyKind.COMPENSATION, "x")) == "amount_required"
    assert code_of(lambda: Remedy(RemedyKind.COMPENSATION, "x", Decimal(5), "yuan")) == (
        "bad_currency")


def test_over_long_text_is_refused_and_nothing_changes() -> None:
    case = accepted()
    assert code_of(lambda: case.hand_back(QUALITY_MEMBER, NOW, "x" * 5000)) == "text_too_long"
    assert case.state is CaseState.ACCEPTED
    assert code_of(lambda: filed(description="y" * (MAX_DESCRIPTION + 1))) == "text_too_long"


def test_empty_reason_is_refused() -> None:
    assert code_of(lambda: accepted().hand_back(QUALITY_MEMBER, NOW, "   ")) == "text_required"


def test_handing_back_returns_the_case_to_investigation_without_owner() -> None:
    case = accepted()
    case.hand_back(QUALITY_MEMBER, NOW, "Packaging damage: logistics, not quality.")
    assert case.state is CaseState.INVESTIGATING
    assert case.department is None and case.owner_id is None


def test_major_triggers_of_the_policy_make_a_complaint_major() -> None:
    assert filed().severity is Severity.MINOR
    assert filed(triggers=frozenset({MajorTrigger.MEDIA})).severity is Severity.MAJOR
    assert filed(complainants=5).severity is Severity.MAJOR
    assert filed(batch_units=150).severity is Severity.MAJOR
    assert filed(claimed_amount=Decimal("2500")).severity is Severity.MAJOR
    assert filed(claimed_amount=Decimal("2000")).severity is Severity.MINOR


def test_escalation_climbs_the_chain_and_stops_at_the_top() -> None:
    case = filed()
    assert case.escalate(SYSTEM, NOW, POLICY, "handover late")
    assert case.escalate(SYSTEM, NOW, POLICY, "still late")
    assert case.escalation_level == 2
    assert not case.escalate(SYSTEM, NOW, POLICY, "top already")
    assert code_of(lambda: case.escalate(VICE_PRESIDENT, NOW, POLICY, "more")) == (
        "already_top_level")


def test_two_revisits_for_engineering_quality_before_closing() -> None:
    case = filed(category="engineering_quality")
    assert case.revisits_required == 2
    case.assign(SPECIALIST, NOW, "quality", POLICY)
    case.accept(QUALITY_MEMBER, NOW)
    case.propose(QUALITY_MEMBER, NOW, Remedy(RemedyKind.REPAIR, "Fix the leak."), POLICY)
    case.customer_accept(CUSTOMER, NOW)
    case.mark_implemented(QUALITY_MEMBER, NOW)
    case.record_revisit(CUSTOMER, NOW, Rating.SATISFIED)
    assert case.state is CaseState.REVISITING
    case.record_revisit(CUSTOMER, NOW, Rating.VERY_SATISFIED)
    assert case.state is CaseState.CLOSED_SATISFIED and case.closure == "satisfied"


def test_a_customer_cannot_record_no_answer() -> None:
    case = accepted()
    case.propose(QUALITY_MEMBER, NOW, Remedy(RemedyKind.EXPLANATION, "Explained."), POLICY)
    case.customer_accept(CUSTOMER, NOW)
    case.mark_implemented(QUALITY_MEMBER, NOW)
    assert code_of(lambda: case.record_revisit(CUSTOMER, NOW, Rating.NO_ANSWER)) == "bad_rating"


def unanswered() -> Case:
    """Carried out, surveyed, and closed when the survey went unanswered."""
    case = accepted()
    case.propose(QUALITY_MEMBER, NOW, Remedy(RemedyKind.EXPLANATION, "Explained."), POLICY)
    case.customer_accept(CUSTOMER, NOW)
    case.mark_implemented(QUALITY_MEMBER, NOW)
    case.start_revisit(SYSTEM, NOW)
    case.record_revisit(SYSTEM, NOW, Rating.NO_ANSWER)
    assert case.state is CaseState.CLOSED and case.closure == "no_answer"
    return case


def test_a_late_survey_answer_is_recorded_and_reopens_only_within_the_window() -> None:
    policy = POLICY.model_copy(update={"late_survey_reopen_days": 30})
    case = unanswered()
    case.record_revisit(CUSTOMER, NOW + timedelta(days=2), Rating.SATISFIED, policy=policy)
    assert case.state is CaseState.CLOSED_SATISFIED and case.last_rating is Rating.SATISFIED
    case = unanswered()
    case.record_revisit(CUSTOMER, NOW + timedelta(days=30), Rating.DISSATISFIED, policy=policy)
    assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
    case = unanswered()
    case.record_revisit(CUSTOMER, NOW + timedelta(days=31), Rating.DISSATISFIED, policy=policy)
    assert case.state is CaseState.CLOSED and case.last_rating is Rating.DISSATISFIED
    assert code_of(lambda: case.record_revisit(CUSTOMER, NOW, Rating.SATISFIED,
                                               policy=policy)) == "invalid_transition"
    case = unanswered()  # a policy without a window never reopens late
    case.record_revisit(CUSTOMER, NOW, Rating.VERY_DISSATISFIED, policy=POLICY)
    assert case.state is CaseState.CLOSED


def test_a_case_closed_otherwise_takes_no_survey_answer() -> None:
    case = filed()
    case.close(VICE_PRESIDENT, NOW, "external_court", "Settled in court.")
    assert code_of(lambda: case.record_revisit(CUSTOMER, NOW, Rating.SATISFIED)) == (
        "invalid_transition")


def test_a_question_pauses_until_answered() -> None:
    case = accepted()
    case.ask_customer(QUALITY_MEMBER, NOW, "What is the batch code on the cap?")
    assert case.is_waiting_on_customer
    case.answer_question(CUSTOMER, NOW, "20261031A")
    assert not case.is_waiting_on_customer
    assert code_of(lambda: case.answer_question(CUSTOMER, NOW, "again")) == "no_question_pending"


def test_evidence_is_kept_with_who_added_it() -> None:
    case = filed()
    case.add_evidence(CUSTOMER, NOW, Evidence("photo", "AgACAgQAAxkB"))
    assert case.evidence[0].added_by == CUSTOMER.person_id


def test_closed_cases_accept_no_more_work_but_can_be_reopened() -> None:
    case = filed()
    case.invalidate(SPECIALIST, NOW, "The product was bought 2 years ago.")
    assert code_of(lambda: case.assign(SPECIALIST, NOW, "quality", POLICY)) == (
        "invalid_transition")
    case.reopen(VICE_PRESIDENT, NOW, "New evidence.")
    assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1


def test_an_objection_to_an_invalid_finding_waits_for_the_desk_to_answer() -> None:
    case = filed()
    case.invalidate(SPECIALIST, NOW, "The product was bought 2 years ago.")
    photo = Evidence("photo", "AgACAgQAAxkB")
    assert code_of(lambda: case.add_evidence(CUSTOMER, NOW, photo)) == "invalid_transition"
    assert code_of(lambda: case.confirm_finding(SPECIALIST, NOW, "It stands.")) == (
        "no_objection_pending")
    assert code_of(lambda: case.object_to_finding(STRANGER, NOW, "No!")) == "not_your_case"
    case.object_to_finding(CUSTOMER, NOW, "The receipt says last week.")
    case.add_evidence(CUSTOMER, NOW, photo)  # files come with the objection
    assert case.objection == "The receipt says last week." and len(case.evidence) == 1
    case.confirm_finding(SPECIALIST, NOW, "The receipt is for another product.")
    assert case.state is CaseState.CLOSED_INVALID and case.objection is None
    case.object_to_finding(CUSTOMER, NOW, "Still no.")
    case.reopen(SPECIALIST, NOW, "Check the receipt again.")
    assert case.state is CaseState.INVESTIGATING and case.objection is None


def test_the_customer_hears_of_a_reopening_only_when_they_had_objected() -> None:
    def told(case: Case) -> list[str]:
        case.id, case.number = 1, CaseNumber.for_month(NOW, 1)
        case.events.clear()
        case.reopen(SPECIALIST, NOW, "Check the receipt again.")
        return [n.kind for n in notices_for(case, case.events) if n.kind != "card"]

    case = filed()
    case.invalidate(SPECIALIST, NOW, "The product was bought 2 years ago.")
    assert told(case) == []  # the desk's own second thoughts: nothing to thank them for
    case = filed()
    case.invalidate(SPECIALIST, NOW, "The product was bought 2 years ago.")
    case.object_to_finding(CUSTOMER, NOW, "The receipt says last week.")
    assert told(case) == ["finding_reopened"]


def test_case_numbers_are_year_month_serial_and_grow_past_9999() -> None:
    assert str(CaseNumber.for_month(NOW, 7)) == "2611-0007"
    assert str(CaseNumber.for_month(NOW, 12345)) == "2611-12345"
    assert CaseNumber.parse("2611-12345").serial == 12345
    assert code_of(lambda: CaseNumber.parse("2613-0001")) == "bad_case_number"


@pytest.mark.parametrize("phone", ["12", "call me", "+86 138 0013 8000 9999 9999", "😀"])
def test_invalid_phones_are_refused(phone: str) -> None:
    assert code_of(lambda: check_phone(phone)) == "bad_phone"


def test_phones_are_normalised_to_digits() -> None:
    assert check_phone(" +86 (138) 0013-8000 ") == "+8613800138000"
