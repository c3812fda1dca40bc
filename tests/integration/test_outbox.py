"""The outbox: notices commit with the change, are claimed once, and end in one state."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import NotificationRow
from core.db.outbox import LEASE, OutboxQueue, Outgoing
from core.db.uow import Database
from core.domain import DomainError, Remedy, RemedyKind
from core.services import filing, handling
from core.services.rules import Rules
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, make_intake


def for_customer(items: list[Outgoing]) -> list[Outgoing]:
    """Only what the customer will read (staff cards are queued beside it)."""
    return [item for item in items if item.audience == "customer"]


async def proposed_case(database: Database, rules: Rules) -> int:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    await handling.accept(database.uow(), rules, filed.case_id, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, filed.case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A fresh bottle today."))
    return filed.case_id


async def test_a_proposed_solution_is_queued_for_the_customer_in_the_same_commit(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    case_id = await proposed_case(database, rules)
    [item] = for_customer(await OutboxQueue(database).claim(clock.now()))
    assert (item.kind, item.audience, item.address) == (
        "solution_proposed", "customer", str(CUSTOMER.person_id))
    assert item.case_id == case_id and item.payload["text"] == "A fresh bottle today."
    assert item.payload["remedy"] == "exchange" and item.payload["department"] == "quality"


async def test_a_refused_change_queues_nothing(database: Database, rules: Rules,
                                               clock: ManualClock) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    queued = await OutboxQueue(database).counts()
    with pytest.raises(DomainError):
        await handling.decide_invalid(database.uow(), rules, filed.case_id, CUSTOMER, "no")
    assert await OutboxQueue(database).counts() == queued


async def test_a_claim_is_a_lease_taken_again_only_after_it_runs_out(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    await proposed_case(database, rules)
    queue = OutboxQueue(database)
    first = await queue.claim(clock.now())
    assert await queue.claim(clock.now()) == []  # all held by the first sender
    again = await queue.claim(clock.now() + LEASE + timedelta(seconds=1))  # sender died
    assert [i.id for i in again] == [i.id for i in first]
    assert {i.attempts for i in again} == {2}
    for item in again:
        await queue.sent(item.id, clock.now(), 77)
    assert await queue.claim(clock.now() + 10 * LEASE) == []
    assert (await queue.counts()) == {"sent": len(first)}


async def test_concurrent_senders_never_take_the_same_notice(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    for _ in range(6):
        await proposed_case(database, rules)
    queue = OutboxQueue(database)
    total = sum((await queue.counts()).values())
    batches = await asyncio.gather(*(queue.claim(clock.now(), limit=5)
                                     for _ in range(total // 5 + 2)))
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == total


async def test_retries_end_as_failed_and_blocked_recipients_as_unreachable(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    await proposed_case(database, rules)
    await proposed_case(database, rules)
    queue = OutboxQueue(database)
    first, second = for_customer(await queue.claim(clock.now(), limit=100))
    await queue.unreachable(first.id, "Forbidden: bot was blocked by the user")
    await queue.retry(second, clock.now() + timedelta(seconds=5), "Bad Gateway")
    assert await queue.claim(clock.now()) == []
    [later] = for_customer(await queue.claim(clock.now() + LEASE * 2, limit=100))
    assert later.id == second.id
    assert (await queue.counts(audience="customer")) == {"unreachable": 1, "sending": 1}


async def test_a_row_no_notice_kind_can_read_is_marked_failed_and_the_rest_delivered(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    await proposed_case(database, rules)
    async with database.sessions() as session, session.begin():
        now = clock.now()
        session.add_all([
            NotificationRow(idempotency_key="gone", case_id=None, kind="no_such_kind",
                            audience="supervisors", address="", payload={}, status="pending",
                            attempts=0, due_at=now, created_at=now),
            NotificationRow(idempotency_key="bent", case_id=None, kind="group_lost",
                            audience="supervisors", address="", payload={"chat_id": 5},
                            status="pending", attempts=0, due_at=now, created_at=now)])
    queue = OutboxQueue(database)
    claimed = await queue.claim(clock.now(), limit=100)
    assert [i.kind for i in for_customer(claimed)] == ["solution_proposed"]
    assert {i.kind for i in claimed} <= {"solution_proposed", "card"}
    assert await bad_rows(database) == {"gone": "failed", "bent": "failed"}
    again = await queue.claim(clock.now() + LEASE * 2, limit=100)  # a failed row stays so
    assert {i.id for i in again} == {i.id for i in claimed}
    assert await bad_rows(database) == {"gone": "failed", "bent": "failed"}


async def bad_rows(database: Database) -> dict[str, str]:
    """The status of the two unreadable rows (the supervisors also get the case's card)."""
    async with database.sessions() as session:
        rows = await session.execute(
            select(NotificationRow.idempotency_key, NotificationRow.status)
            .where(NotificationRow.idempotency_key.in_(["gone", "bent"])))
        return {key: status for key, status in rows}


async def test_a_restarted_process_learns_when_anything_was_last_said(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    queue = OutboxQueue(database)
    assert await queue.last_sent(clock.now()) is None  # a fresh desk: nothing to wait for
    await proposed_case(database, rules)
    [first, second, *_] = await queue.claim(clock.now())
    await queue.sent(first.id, clock.now(), 1)
    await queue.sent(second.id, clock.now() + timedelta(seconds=2), 2)
    assert await queue.last_sent(clock.now() + timedelta(seconds=3)) == (
        clock.now() + timedelta(seconds=2))
