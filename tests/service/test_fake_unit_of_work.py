"""Service decisions on the in-memory unit of work (``tests.fakes``): what a use case
stores, says and schedules, without SQL. Races and queries stay on real databases."""

from __future__ import annotations

import pytest

from core.domain import CaseState, DomainError, Remedy, RemedyKind
from core.domain.states import Action
from core.ports import Database, ReadOnlyError, UnitOfWork
from core.services import filing, handling, people, queries, revisits
from core.services.rules import Rules
from tests.factories import CUSTOMER, LOGISTICS_MEMBER, QUALITY_MEMBER, SPECIALIST, make_intake
from tests.fakes import FakeDatabase

CUSTOMER_ID = CUSTOMER.person_id or 0


@pytest.fixture
def fake() -> FakeDatabase:
    return FakeDatabase()


def test_the_fakes_implement_the_ports(fake: FakeDatabase) -> None:
    database: Database = fake  # checked by mypy: the fake keeps to the Protocol
    uow: UnitOfWork = fake.uow()
    assert database is fake and uow is not None


async def test_filing_numbers_the_case_and_queues_what_must_be_said(
        fake: FakeDatabase, rules: Rules) -> None:
    first = await filing.file_case(fake.uow(), rules, make_intake(), CUSTOMER_ID,
                                   CUSTOMER)
    second = await filing.file_case(fake.uow(), rules, make_intake(), CUSTOMER_ID,
                                    CUSTOMER)
    assert str(second.number).endswith("0002") and str(first.number).endswith("0001")
    assert first.promised_answer is not None
    assert first.events[0].action is Action.FILE
    assert {q.notice.case_id for q in fake.store.notices} == {first.case_id, second.case_id}


async def test_the_same_intake_confirmed_twice_files_one_case(
        fake: FakeDatabase, rules: Rules) -> None:
    filed = [await filing.file_case(fake.uow(), rules, make_intake(), CUSTOMER_ID,
                                    CUSTOMER, intake_key="intake-1") for _ in range(2)]
    assert filed[0].case_id == filed[1].case_id and len(fake.store.cases) == 1


async def test_a_refused_command_stores_and_says_nothing(
        fake: FakeDatabase, rules: Rules) -> None:
    filed = await filing.file_case(fake.uow(), rules, make_intake(), CUSTOMER_ID,
                                   CUSTOMER)
    await handling.assign(fake.uow(), rules, filed.case_id, SPECIALIST)
    said, kept = len(fake.store.notices), len(fake.store.history[filed.case_id])
    with pytest.raises(DomainError) as refused:
        await handling.accept(fake.uow(), rules, filed.case_id, LOGISTICS_MEMBER)
    assert refused.value.code == "not_your_department"
    assert len(fake.store.notices) == said
    assert len(fake.store.history[filed.case_id]) == kept


async def test_implementation_schedules_the_first_survey_and_the_survey_its_reminders(
        fake: FakeDatabase, rules: Rules) -> None:
    case_id = (await filing.file_case(fake.uow(), rules, make_intake(), CUSTOMER_ID,
                                      CUSTOMER)).case_id
    await handling.assign(fake.uow(), rules, case_id, SPECIALIST)
    await handling.accept(fake.uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(fake.uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A fresh bottle tomorrow."))
    await handling.customer_accepts(fake.uow(), rules, case_id, CUSTOMER)
    await handling.mark_implemented(fake.uow(), rules, case_id, QUALITY_MEMBER, "Delivered.")
    assert set(fake.store.jobs) == {revisits.revisit_key(case_id, 1)}

    await handling.start_revisit(fake.uow(), rules, case_id, SPECIALIST)
    assert {revisits.reminder_key(case_id, 1), revisits.no_answer_key(case_id, 1)} <= set(
        fake.store.jobs)
    case, history = await queries.case_with_history(fake.uow(read_only=True), case_id,
                                                    SPECIALIST)
    assert case.state is CaseState.REVISITING and history[-1].action is Action.START_REVISIT


async def test_a_customer_is_created_once_and_keeps_a_name_not_given_again(
        fake: FakeDatabase, rules: Rules) -> None:
    person_id = await people.customer_for_telegram(fake.uow(), rules, 42, "Wang Fang")
    assert await people.customer_for_telegram(fake.uow(), rules, 42, "Other") == person_id
    await people.remember_contact(fake.uow(), person_id, None, "+8613800138000")
    found = await people.find_by_telegram(fake, 42)
    assert found is not None and (found.name, found.phone) == ("Wang Fang", "+8613800138000")


async def test_a_read_only_fake_refuses_to_commit(fake: FakeDatabase, rules: Rules) -> None:
    with pytest.raises(ReadOnlyError):
        await people.customer_for_telegram(fake.uow(read_only=True), rules, 7, "Li")
    assert fake.store.people == {}
