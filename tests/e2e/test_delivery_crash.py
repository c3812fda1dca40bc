"""A kill -9 of the bot while it delivers the outbox, then a restart: every notice once.

The emulator lets twelve messages through and then swallows the next request on the
"network" (it never reaches Telegram), which is where the bot is killed. Notices already
sent must not come again; the one in flight and the ones claimed but not yet sent must
arrive after the restart, once each.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from core.db.models import NotificationRow, PersonRow
from core.db.uow import Database
from tests.e2e.conftest import REPLY_TIMEOUT, Desk

CUSTOMERS = (1001, 1002, 1003)  # the demo world's customers
NOTICES = 30
LET_THROUGH = 12


async def _queue_notices(db: Database, now: datetime) -> None:
    async with db.sessions() as session, session.begin():
        session.add_all(PersonRow(id=80_000 + chat, telegram_id=chat, name=f"c{chat}",
                                  language="en", created_at=now) for chat in CUSTOMERS)
        session.add_all(
            NotificationRow(idempotency_key=f"crash-{index}", case_id=None, kind="implemented",
                            audience="customer", address=str(80_000 + CUSTOMERS[index % 3]),
                            payload={"number": f"2611-{index:04d}", "note": ""},
                            status="pending", attempts=0, due_at=now, created_at=now)
            for index in range(NOTICES))


def _numbers_delivered(desk: Desk) -> Counter[str]:
    numbers: Counter[str] = Counter()
    for chat in CUSTOMERS:
        for message in desk.state.bot_messages(chat):
            numbers.update(word for word in message.get("text", "").split()
                           if word.startswith("2611-"))
    return numbers


async def _until(condition: object, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _statuses(db: Database) -> Counter[str]:
    """Of this test's notices (the bot may queue its own, e.g. a digest)."""
    async with db.sessions() as session:
        return Counter((await session.execute(
            select(NotificationRow.status)
            .where(NotificationRow.idempotency_key.startswith("crash-")))).scalars())


async def test_a_kill_during_delivery_loses_nothing_and_repeats_nothing(desk: Desk) -> None:
    desk.start_bot(DELIVERY_LEASE_SECONDS="2")
    await desk.wait_until_started()
    for chat in CUSTOMERS:  # customers who pressed Start long ago, known to the desk
        desk.state.primary_bot().started.add(chat)
    desk.state.hold_after("sendMessage", LET_THROUGH)
    db = Database(desk.database_url)
    try:
        await _queue_notices(db, desk.clock.now())
        await _until(lambda: desk.state.limits.held >= 1, "a send in flight")
        assert desk.process is not None
        desk.process.send_signal(signal.SIGKILL)
        desk.process.wait()
        desk.process = None
        desk.state.release_held()  # the swallowed request never reached Telegram
        # Killed midway: some were delivered, not all. (Fewer than LET_THROUGH when the
        # bot had something else to say too, e.g. the 17:00 digest in the afternoon.)
        assert 0 < sum(_numbers_delivered(desk).values()) <= LET_THROUGH

        desk.start_bot(DELIVERY_LEASE_SECONDS="2")
        await desk.wait_until_started()
        await _until(lambda: len(_numbers_delivered(desk)) == NOTICES, "every notice")
        for _ in range(int(REPLY_TIMEOUT / 0.05)):  # the last "sent" marks may still commit
            statuses = await _statuses(db)
            if statuses["sent"] == NOTICES:
                break
            await asyncio.sleep(0.05)
    finally:
        await db.dispose()

    delivered = _numbers_delivered(desk)
    assert set(delivered) == {f"2611-{index:04d}" for index in range(NOTICES)}
    assert max(delivered.values()) == 1, "a notice reached its customer twice"
    assert statuses == Counter({"sent": NOTICES})
