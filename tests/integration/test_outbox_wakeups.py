"""Notices leave when they are committed: the sender is woken by the commit, in this
process and — through Redis — in the other instances of a fleet."""

from __future__ import annotations

import asyncio
import os

import pytest

from bot.delivery.wakeups import OutboxWakeups
from core.db.uow import Database
from core.domain import DomainError
from core.services import filing, handling
from core.services.rules import Rules
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, make_intake


async def test_a_commit_with_notices_wakes_the_sender_and_one_without_does_not(
        database: Database, rules: Rules) -> None:
    woken: list[str] = []
    database.notices_committed.append(lambda: woken.append("wake"))
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    assert woken == ["wake"]  # the desk's card, the customer's confirmation
    with pytest.raises(DomainError):  # refused: nothing written, nothing to send
        await handling.accept(database.uow(), rules, filed.case_id, QUALITY_MEMBER)
    assert woken == ["wake"]
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    assert woken == ["wake", "wake"]


async def test_a_commit_on_one_instance_wakes_the_others_through_redis() -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    here, there = asyncio.Event(), asyncio.Event()
    this_instance = OutboxWakeups(here.set, url)
    other_instance = OutboxWakeups(there.set, url)
    listeners = [asyncio.create_task(w.listen()) for w in (this_instance, other_instance)]
    try:
        while this_instance._redis is None or other_instance._redis is None:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # both subscribed
        this_instance.committed()
        assert here.is_set()  # at once, in-process
        await asyncio.wait_for(there.wait(), 5)
        there.clear()
        await asyncio.sleep(0.2)
        assert not there.is_set()  # once per commit
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
