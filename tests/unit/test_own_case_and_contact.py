"""Nobody works their own complaint as staff; contact lines are parsed cheaply, and only
up to a few hundred characters (issue 18)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.domain import Case, CaseNumber, DomainError, Remedy, RemedyKind
from core.domain.values import MAX_CONTACT, check_phone, split_contact
from tests.factories import (
    CUSTOMER,
    QUALITY_MEMBER,
    SPECIALIST,
    VICE_PRESIDENT,
    make_intake,
    make_policy,
)

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POLICY = make_policy()
# The customer of the case below, who is also listed as staff of each kind.
HER = CUSTOMER.person_id


def code_of(call: object) -> str:
    with pytest.raises(DomainError) as error:
        call()  # type: ignore[operator]
    return error.value.code


def her_case() -> Case:
    return Case.file(make_intake(), CUSTOMER.person_id, CUSTOMER, NOW, POLICY)


def test_a_customer_listed_as_department_staff_cannot_accept_or_propose_on_her_case() -> None:
    case = her_case()
    case.assign(SPECIALIST, NOW, "quality", POLICY)
    herself = replace(QUALITY_MEMBER, person_id=HER)
    assert code_of(lambda: case.accept(herself, NOW)) == "own_case"
    case.accept(QUALITY_MEMBER, NOW)
    case.owner_id = HER  # even were she the owner, she proposes nothing to herself
    remedy = Remedy(RemedyKind.EXPLANATION, "full refund and a gift hamper")
    assert code_of(lambda: case.propose(herself, NOW, remedy, POLICY)) == "own_case"
    assert code_of(lambda: case.ask_customer(herself, NOW, "Why?")) == "own_case"


def test_a_customer_listed_at_the_desk_or_as_supervisor_cannot_act_on_her_case() -> None:
    case = her_case()
    desk = replace(SPECIALIST, person_id=HER)
    supervisor = replace(VICE_PRESIDENT, person_id=HER)
    assert code_of(lambda: case.assign(desk, NOW, "quality", POLICY)) == "own_case"
    assert code_of(lambda: case.close(supervisor, NOW, "court", "settled")) == "own_case"
    assert code_of(lambda: Case.file(make_intake(), HER, desk, NOW, POLICY)) == "own_case"
    case.assign(SPECIALIST, NOW, "quality", POLICY)
    assert code_of(lambda: case.reassign(VICE_PRESIDENT, NOW, HER, "quality")) == "own_case"
    assert [event.action.value for event in case.events] == ["file", "assign"]


def test_a_customer_still_acts_on_her_own_case_as_its_customer() -> None:
    case = her_case()
    case.assign(SPECIALIST, NOW, "quality", POLICY)
    case.accept(QUALITY_MEMBER, NOW)
    case.ask_customer(QUALITY_MEMBER, NOW, "Which batch?")
    case.answer_question(CUSTOMER, NOW, "20261031A")
    assert case.pending_question is None


# What the contact step parsed before issue 18, as the reference for the linear parser.
_OLD = re.compile(r"^(?P<name>.*?)[\s,;:]*(?P<phone>\+?\d[\d\s\-()]{5,})\s*$")


@pytest.mark.parametrize("text", [
    "Li Lei 13800138000", "13800138000", "Li Lei, +86 (138) 0013-8000", "Room 12 13800138000",
    "Li: 138", "call me maybe", "Li\n13800138000", "a\nb 13800138000", "+ 13800138000",
    "Li (13800138000", "１２３ 13800138000", "", "   ", "Li 1380013800x",
])
def test_contact_lines_split_as_they_always_did(text: str) -> None:
    match = _OLD.match(text.strip())
    expected = (match.group("name").strip(), match.group("phone")) if match else None
    assert split_contact(text) == expected


def test_a_contact_line_longer_than_a_few_hundred_characters_is_not_parsed() -> None:
    assert split_contact("Li " + "1" * (MAX_CONTACT - 3)) == ("Li", "1" * (MAX_CONTACT - 3))
    assert split_contact("Li " + "1" * (MAX_CONTACT - 2)) is None
    assert split_contact("1" * 20_000 + "x") is None  # the flood that held everyone up
    assert split_contact("1 " * 10_000) is None
    assert code_of(lambda: check_phone("1" * 20_000)) == "bad_phone"


def test_a_case_number_too_large_for_the_database_is_a_bad_case_number() -> None:
    assert CaseNumber.parse("2611-123456789").serial == 123456789
    assert code_of(lambda: CaseNumber.parse("2611-100000000000000000000")) == "bad_case_number"
