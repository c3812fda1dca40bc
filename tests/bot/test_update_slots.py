"""Updates past the connection pool wait for a slot instead of opening connections
(``bot.runtime.update_slots``), and everyone is still answered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from sqlalchemy import event

from bot.runtime.app import build_dispatcher
from bot.runtime.i18n import make_i18n
from bot.runtime.storage import SqlStorage
from core.clock import ManualClock
from core.db.migrate import upgrade
from core.db.uow import Database
from core.organisation import Organisation
from core.services.rules import Rules
from tests.bot.conftest import Chatter, RecordingSession, person

WORDS = "The parcel arrived with the lid broken open."


async def desk_with_pool(tmp_path: Path, organisation: Organisation, bot: Bot,
                         pool_size: int) -> tuple[Database, Chatter, list[object]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'slots.db'}"
    await upgrade(url)
    db = Database(url, pool_size=pool_size)
    opened: list[object] = []
    event.listen(db.engine.sync_engine, "connect",
                 lambda connection, _record: opened.append(connection))
    clock = ManualClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    dispatcher = build_dispatcher(db=db, rules=Rules.build(organisation.policy, clock),
                                  organisation=organisation, storage=SqlStorage(db),
                                  i18n=make_i18n(organisation.default_language))
    return db, Chatter(dispatcher, bot), opened


def answered(session: RecordingSession) -> list[int]:
    return [m.chat_id for m in session.requests  # type: ignore[attr-defined]
            if getattr(m, "text", None) and (getattr(m, "chat_id", 0) or 0) > 0]


async def test_a_burst_past_the_pool_opens_no_connections_and_everyone_is_answered(
        tmp_path: Path, organisation: Organisation, session: RecordingSession,
        bot: Bot) -> None:
    db, chat, opened = await desk_with_pool(tmp_path, organisation, bot, pool_size=2)
    customers = [person(9100 + index) for index in range(12)]
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(chat.say(customer, WORDS) for customer in customers))
    finally:
        await db.dispose()
    assert sorted(set(answered(session))) == [customer.id for customer in customers]
    # Two for the updates; at most one more, for the replies' sent marks after a commit.
    assert len(opened) <= 3


async def test_with_one_slot_a_persons_queued_words_and_others_all_get_through(
        tmp_path: Path, organisation: Organisation, session: RecordingSession,
        bot: Bot) -> None:
    db, chat, _opened = await desk_with_pool(tmp_path, organisation, bot, pool_size=1)
    talkative, others = person(9200), [person(9201 + index) for index in range(3)]
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(chat.say(talkative, f"{WORDS} ({index})")
                                   for index in range(3)),
                                 *(chat.say(other, WORDS) for other in others))
    finally:
        await db.dispose()
    # Nobody waited forever (the timeout), and all four were answered.
    assert sorted(set(answered(session))) == [talkative.id] + [other.id for other in others]
