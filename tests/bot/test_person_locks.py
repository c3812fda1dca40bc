"""One update at a time per person, and no lock kept once nobody holds or waits for it
(``bot.runtime.person_locks``): a lone instance's memory no longer grows with every new
customer."""

from __future__ import annotations

import asyncio

from aiogram import Dispatcher
from aiogram.fsm.storage.base import StorageKey

from bot.runtime.person_locks import PersonLocks
from tests.bot.conftest import Chatter, RecordingSession, person

WORDS = "The parcel arrived with the lid broken open."


async def test_customers_served_leave_no_lock_behind(
        dispatcher: Dispatcher, chat: Chatter, session: RecordingSession) -> None:
    talkative, others = person(9300), [person(9301 + index) for index in range(20)]
    async with asyncio.timeout(60):
        await asyncio.gather(*(chat.say(talkative, f"{WORDS} ({index})") for index in range(3)),
                             *(chat.say(other, WORDS) for other in others))
    answered = {m.chat_id for m in session.requests  # type: ignore[attr-defined]
                if getattr(m, "text", None)}
    assert answered == {talkative.id, *(other.id for other in others)}
    locks = dispatcher.fsm.events_isolation
    assert isinstance(locks, PersonLocks) and locks.kept() == 0


async def test_one_at_a_time_per_person_and_a_given_up_wait_keeps_nothing() -> None:
    locks = PersonLocks()
    key, other = (StorageKey(bot_id=1, chat_id=n, user_id=n) for n in (5, 6))
    order: list[str] = []
    first_in, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with locks.lock(key):
            order.append("first in")
            first_in.set()
            await release.wait()
            order.append("first out")

    async def follow() -> None:
        async with locks.lock(key):
            order.append("second in")

    holder = asyncio.create_task(hold())
    await first_in.wait()
    follower, gives_up = asyncio.create_task(follow()), asyncio.create_task(follow())
    async with asyncio.timeout(5), locks.lock(other):  # someone else is not kept waiting
        order.append("other")
    await asyncio.sleep(0)
    gives_up.cancel()
    assert locks.kept() == 1
    release.set()
    await asyncio.gather(holder, follower, gives_up, return_exceptions=True)
    assert order == ["first in", "other", "first out", "second in"]
    assert gives_up.cancelled() and locks.kept() == 0
