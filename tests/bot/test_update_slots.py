"""Updates past the connection pool wait for a slot instead of opening connections
(``bot.runtime.update_slots``), and everyone is still answered."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery
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
                         pool_size: int) -> tuple[Database, Chatter, list[int]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'slots.db'}"
    await upgrade(url)
    db = Database(url, pool_size=pool_size)
    out = [0, 0]  # connections checked out now, and at most

    def checked_out(*_: object) -> None:
        out[0] += 1
        out[1] = max(out)

    def checked_in(*_: object) -> None:
        out[0] -= 1

    event.listen(db.engine.sync_engine, "checkout", checked_out)
    event.listen(db.engine.sync_engine, "checkin", checked_in)
    clock = ManualClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    dispatcher = build_dispatcher(db=db, rules=Rules.build(organisation.policy, clock),
                                  organisation=organisation, storage=SqlStorage(db),
                                  i18n=make_i18n(organisation.default_language))
    return db, Chatter(dispatcher, bot), out


def answered(session: RecordingSession) -> list[int]:
    return [m.chat_id for m in session.requests  # type: ignore[attr-defined]
            if getattr(m, "text", None) and (getattr(m, "chat_id", 0) or 0) > 0]


async def test_a_burst_past_the_pool_holds_no_more_connections_and_everyone_is_answered(
        tmp_path: Path, organisation: Organisation, session: RecordingSession,
        bot: Bot) -> None:
    db, chat, out = await desk_with_pool(tmp_path, organisation, bot, pool_size=5)  # 2 slots
    customers = [person(9100 + index) for index in range(24)]
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(chat.say(customer, WORDS) for customer in customers))
    finally:
        await db.dispose()
    assert sorted(set(answered(session))) == [customer.id for customer in customers]
    # Two for the updates at once; at most one more, for the replies' sent marks, written
    # after the updates' commits. (Each of 24 at once held one, or waited in the pool.)
    assert out[1] <= 3


async def test_with_one_slot_a_persons_queued_words_and_others_all_get_through(
        tmp_path: Path, organisation: Organisation, session: RecordingSession,
        bot: Bot) -> None:
    db, chat, _out = await desk_with_pool(tmp_path, organisation, bot, pool_size=4)  # 1 slot
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


async def test_an_update_waiting_on_telegram_lets_others_use_its_slot(
        tmp_path: Path, organisation: Organisation, session: RecordingSession,
        bot: Bot) -> None:
    db, chat, _out = await desk_with_pool(tmp_path, organisation, bot, pool_size=4)  # 1 slot
    telegram_back, press_asked = asyncio.Event(), asyncio.Event()
    answer_as_telegram = session.make_request

    async def slow_to_answer_presses(bot_: Bot, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, AnswerCallbackQuery):
            press_asked.set()
            await telegram_back.wait()
        return await answer_as_telegram(bot_, method, timeout)

    session.make_request = slow_to_answer_presses  # type: ignore[method-assign]
    presser, writer = person(9300), person(9301)
    try:
        async with asyncio.timeout(60):
            press = asyncio.create_task(chat.press(presser, "no:such:button"))
            await press_asked.wait()  # the press's update is waiting on Telegram
            await chat.say(writer, WORDS)  # and another's goes through meanwhile
            assert writer.id in answered(session)
            telegram_back.set()
            await press
    finally:
        telegram_back.set()
        await db.dispose()
    assert any(isinstance(request, AnswerCallbackQuery) for request in session.requests)
