"""A fleet's flood budget in Redis: what two instances reserve together keeps to one bot's
limits (three in any three seconds per private chat, one message every 1/30 s overall)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from bot.delivery.pacing import Pacer
from bot.delivery.shared_budget import SharedFloodBudget

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


def _instances(pacer: Pacer | None = None) -> tuple[SharedFloodBudget, SharedFloodBudget]:
    bot = f"test-{uuid.uuid4().hex}"  # a bot of its own: no other test's schedule
    assert REDIS_URL
    return SharedFloodBudget(REDIS_URL, bot, pacer), SharedFloodBudget(REDIS_URL, bot, pacer)


@pytest.fixture
async def fleet() -> AsyncIterator[tuple[SharedFloodBudget, SharedFloodBudget]]:
    first, second = _instances()
    yield first, second
    await first.redis.delete(*[key async for key in first.redis.scan_iter(f"*{first.prefix}*")])
    await first.close()
    await second.close()


async def _schedule(budget: SharedFloodBudget, chat: str) -> list[float]:
    scored = await budget.redis.zrange(f"{budget.prefix}:{chat}", 0, -1, withscores=True)
    return [score for _, score in scored]


async def test_two_instances_keep_one_chat_to_three_in_three_seconds(fleet: tuple[
        SharedFloodBudget, SharedFloodBudget]) -> None:
    first, second = fleet
    waits = [(await budget.reserve(42)).first for budget in (first, second, first, second)]
    assert waits[:3] == pytest.approx([0, 0.034, 0.068], abs=0.02)  # a burst, spaced overall
    assert waits[3] >= 3.0  # the fourth, whoever sends it, waits for the window
    moments = await _schedule(first, "chat:42")
    assert moments[3] - moments[0] >= 3000


async def test_the_overall_schedule_is_shared_and_evenly_spaced(fleet: tuple[
        SharedFloodBudget, SharedFloodBudget]) -> None:
    first, second = fleet
    # Sixty chats, sixty messages at once: two seconds at thirty a second.
    await asyncio.gather(*((first if chat % 2 else second).reserve(chat) for chat in range(1, 61)))
    moments = await _schedule(first, "all")
    assert len(moments) == 60
    gaps = [later - earlier for earlier, later in pairwise(moments)]
    assert min(gaps) >= 1000 / 30
    assert moments[-1] - moments[0] < 2100  # and no slot wasted


async def test_a_chat_reserved_ahead_does_not_hold_up_the_others(fleet: tuple[
        SharedFloodBudget, SharedFloodBudget]) -> None:
    first, second = fleet
    assert (await first.reserve(7, messages=4)).last >= 3.0  # one message three s ahead
    assert (await second.reserve(8)).first < 0.5  # the gap before it is used


async def test_the_outbox_passes_over_a_chat_at_its_limit_without_reserving(fleet: tuple[
        SharedFloodBudget, SharedFloodBudget]) -> None:
    first, second = fleet
    await first.reserve(9, messages=3)
    grant = await second.reserve(9, longest_wait=0.0)
    assert not grant.reserved and grant.first >= 2.9
    assert len(await _schedule(first, "chat:9")) == 3


async def test_groups_are_spaced_three_seconds_apart(fleet: tuple[
        SharedFloodBudget, SharedFloodBudget]) -> None:
    first, second = fleet
    assert (await first.reserve(-100)).first == pytest.approx(0, abs=0.02)
    assert (await second.reserve(-100)).first >= 3.0  # twenty a minute


async def test_a_request_late_on_the_way_holds_its_place_until_a_window_after_its_answer(
        ) -> None:
    """The 31st of a second once arrived inside the first's second (CI, three instances):
    a place in the send window is held from just before a request leaves until a window's
    length after its answer, whichever instance sends the next."""
    first, second = _instances(Pacer(private=(3, 0.3)))  # three in any 0.3 s
    answer = asyncio.Event()
    answered_at: list[float] = []

    async def slow_request() -> None:
        async with first.sending(42):
            await answer.wait()  # still on its way: it may arrive at any moment until now
            answered_at.append(time.monotonic())  # the answer, before its place is let go

    on_the_way = [asyncio.create_task(slow_request()) for _ in range(3)]
    await asyncio.sleep(0.05)

    async def fourth() -> float:
        async with second.sending(42):
            return time.monotonic()

    entered = asyncio.create_task(fourth())
    await asyncio.sleep(0.4)  # longer than the window: only the answers free it
    assert not entered.done()
    answer.set()
    await asyncio.gather(*on_the_way)
    # The scripts count whole milliseconds (Redis's clock, a wait rounded down).
    assert await entered >= min(answered_at) + 0.3 - 0.002
    await first.redis.delete(*[key async for key in first.redis.scan_iter(f"*{first.prefix}*")])
    await first.close()
    await second.close()


async def test_redis_away_paces_the_instance_alone_and_says_so(
        caplog: pytest.LogCaptureFixture) -> None:
    budget = SharedFloodBudget("redis://127.0.0.1:1/0", "nowhere")
    grants = [await budget.reserve(5) for _ in range(3)]
    assert all(grant.reserved for grant in grants)
    assert grants[2].first > grants[1].first > 0  # still spaced, by this process
    async with budget.sending(5):  # nothing to enter: the message still goes, unheld
        pass
    assert sum("did not answer" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING) == 1
    await budget.close()
