"""Conversation state is durable: a restarted bot picks up where the customer was."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import Update
from sqlalchemy import event, select

from bot.delivery.reminders import IntakeReminder
from bot.flows.intake_steps import IntakeForm
from bot.runtime.storage import SqlStorage, make_isolation, make_storage
from bot.runtime.update_work import FinishMark, UpdateWork, UpdateWorkMiddleware
from core.db import update_writes
from core.db.models import JobRow, ProcessedUpdateRow
from core.db.uow import Database
from core.db.updates import UpdateClaims
from core.services.rules import Rules
from tests.bot.conftest import BOT_ID, Chatter, person

KEY = StorageKey(bot_id=4242, chat_id=11, user_id=11)


UPDATE = Update(update_id=77)


def _middleware(db: Database) -> UpdateWorkMiddleware:
    return UpdateWorkMiddleware(db, lambda: datetime.now(UTC))


def _update_data(storage: BaseStorage, key: StorageKey = KEY, **extra: object
                 ) -> dict[str, object]:
    """What aiogram's FSM middleware hands ours: the bot, the store and the person's
    conversation."""
    return {"bot": Bot("42:TEST"), "fsm_storage": storage,
            "state": FSMContext(storage=storage, key=key), **extra}


async def test_state_and_answers_survive_a_new_process(bot_db: Database) -> None:
    before = SqlStorage(bot_db)
    await before.set_state(KEY, "Intake:listening")
    await before.update_data(KEY, {"story": ["The milk was sour."], "photos": 2})
    after_restart = SqlStorage(Database(bot_db.url))
    assert await after_restart.get_state(KEY) == "Intake:listening"
    assert await after_restart.get_data(KEY) == {"story": ["The milk was sour."], "photos": 2}
    await after_restart.store.db.dispose()


async def test_clearing_a_conversation_leaves_no_row(bot_db: Database) -> None:
    storage = SqlStorage(bot_db)
    await storage.set_state(KEY, "Intake:listening")
    await storage.set_data(KEY, {"x": 1})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    async with bot_db.uow() as uow:
        from sqlalchemy import func, select

        from core.db.models import ConversationRow

        assert (await uow.session.execute(select(func.count()).select_from(ConversationRow))
                ).scalar_one() == 0


def _state(data: dict[str, object]) -> FSMContext:
    state = data["state"]
    assert isinstance(state, FSMContext)
    return state


async def _stored(db: Database) -> tuple[str | None, dict[str, object]]:
    """What a restarted process would read."""
    fresh = SqlStorage(db)
    return await fresh.get_state(KEY), await fresh.get_data(KEY)


async def test_an_updates_writes_reach_the_database_together_when_it_is_done(
        bot_db: Database) -> None:
    storage = SqlStorage(bot_db)
    seen_midway: list[tuple[str | None, dict[str, object]]] = []

    async def handler(_event: object, data: dict[str, object]) -> str:
        state = data["state"]
        assert isinstance(state, FSMContext)
        await state.set_state("Intake:listening")
        await state.update_data({"story": ["The milk was sour."]})
        await state.update_data({"photos": 1})
        seen_midway.append(await _stored(bot_db))
        return "handled"

    assert await _middleware(bot_db)(handler, UPDATE, _update_data(storage)) == "handled"
    assert seen_midway == [(None, {})]
    assert await _stored(bot_db) == ("Intake:listening",
                                     {"story": ["The milk was sour."], "photos": 1})


async def test_a_failing_update_still_keeps_what_it_wrote(bot_db: Database) -> None:
    storage = SqlStorage(bot_db)

    async def handler(_event: object, data: dict[str, object]) -> None:
        await _state(data).set_state("Intake:listening")
        raise RuntimeError("the handler broke")

    with pytest.raises(RuntimeError):
        await _middleware(bot_db)(handler, UPDATE, _update_data(storage))
    assert (await _stored(bot_db))[0] == "Intake:listening"


async def test_the_conversation_its_reminder_and_the_handled_mark_commit_together(
        bot_db: Database, rules: Rules) -> None:
    storage = SqlStorage(bot_db)
    reminder = IntakeReminder(bot_db, rules, timedelta(minutes=30))
    claims = UpdateClaims(bot_db, timedelta(seconds=60))
    await claims.claim(901, rules.now())

    async def handler(_event: object, data: dict[str, object]) -> None:
        await _state(data).set_state("Intake:listening")
        work = data["work"]
        assert isinstance(work, UpdateWork)
        work.schedule(reminder.job(KEY.bot_id, KEY.chat_id, KEY.user_id, "intake-1", "en"))
        async with bot_db.uow() as uow:  # nothing of it is visible before the end
            assert await uow.session.get(ProcessedUpdateRow, 901) is not None
            assert (await uow.session.execute(select(JobRow))).first() is None

    mark = FinishMark(901)
    await _middleware(bot_db)(handler, UPDATE, _update_data(storage, finish_mark=mark))
    assert mark.done
    assert (await _stored(bot_db))[0] == "Intake:listening"
    async with bot_db.uow() as uow:
        job = (await uow.session.execute(select(JobRow))).scalar_one()
        assert job.payload["intake_id"] == "intake-1" and job.status == "pending"
        assert (await uow.session.get(ProcessedUpdateRow, 901)).finished_at is not None


async def test_a_closing_write_that_fails_leaves_nothing_cached(
        bot_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = SqlStorage(bot_db)

    async def database_down(*_args: object) -> None:
        raise ConnectionError("database went away")

    async def handler(_event: object, data: dict[str, object]) -> None:
        await _state(data).set_state("Intake:listening")

    monkeypatch.setattr(update_writes.one_statement, "run", database_down)
    with pytest.raises(ConnectionError):
        await _middleware(bot_db)(handler, UPDATE, _update_data(storage))
    monkeypatch.undo()
    assert await storage.get_state(KEY) is None  # read again: it never got stored


async def test_changing_what_was_read_does_not_change_the_conversation(
        bot_db: Database) -> None:
    storage = SqlStorage(bot_db)
    await storage.set_data(KEY, {"story": ["first"]})
    story = (await storage.get_data(KEY))["story"]
    story.append("second")  # a handler appends, then forgets to save
    assert await storage.get_data(KEY) == {"story": ["first"]}
    # Saving the appended list is a real change, so it is written.
    await storage.update_data(KEY, {"story": story})
    assert (await _stored(bot_db))[1] == {"story": ["first", "second"]}


async def test_redis_is_used_when_configured(bot_db: Database) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    storage = make_storage(bot_db, url)
    try:
        await storage.set_state(KEY, "Intake:confirming")
        assert await storage.get_state(KEY) == "Intake:confirming"
        await storage.set_state(KEY, None)
    finally:
        await storage.close()


async def test_in_redis_an_updates_writes_wait_for_its_end(bot_db: Database) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    storage, other_instance = make_storage(bot_db, url), make_storage(bot_db, url)
    key = StorageKey(bot_id=4242, chat_id=9911, user_id=9911)
    seen_midway: list[object] = []

    async def handler(_event: object, data: dict[str, object]) -> None:
        state = _state(data)
        await state.set_state("IntakeForm:asking")
        await state.update_data({"story": ["The milk was sour."]})
        seen_midway.append((await state.get_state(), await state.get_data()))
        seen_midway.append(await other_instance.get_state(key))  # a crash now loses nothing

    try:
        await storage.set_state(key, "IntakeForm:listening")  # outside an update: at once
        assert await other_instance.get_state(key) == "IntakeForm:listening"
        await _middleware(bot_db)(handler, UPDATE, _update_data(storage, key))
        assert seen_midway == [("IntakeForm:asking", {"story": ["The milk was sour."]}),
                               "IntakeForm:listening"]
        assert await other_instance.get_state(key) == "IntakeForm:asking"
        assert await other_instance.get_data(key) == {"story": ["The milk was sour."]}
    finally:
        await storage.set_state(key, None)
        await storage.set_data(key, {})
        await storage.close()
        await other_instance.close()


async def test_a_lock_that_expired_mid_update_is_logged_not_shown(
        bot_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """The per-person lock outlived (a long wait on Telegram): the update's work stands;
    aiogram's own lock raised, and the customer was told "Sorry"."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    storage = make_storage(bot_db, url)
    isolation = make_isolation(storage, lock_seconds=0.2)
    key = StorageKey(bot_id=4242, chat_id=9912, user_id=9912)
    try:
        async with isolation.lock(key):
            await asyncio.sleep(0.4)  # longer than the lease
        assert "expired before update handling ended" in caplog.text
        order: list[str] = []

        async def person(name: str, hold: float) -> None:
            async with isolation.lock(key):
                order.append(f"{name} in")
                await asyncio.sleep(hold)
                order.append(f"{name} out")

        await asyncio.gather(person("first", 0.1), person("second", 0))
        assert order in (["first in", "first out", "second in", "second out"],
                         ["second in", "second out", "first in", "first out"])  # one at a time
    finally:
        await storage.close()


async def test_a_story_picked_up_after_a_restart_costs_one_read(
        bot_db: Database, chat: Chatter) -> None:
    """A conversation this process does not hold yet is read with the person, in one
    statement (``bot.runtime.middlewares.ConversationReads``), and goes on where it was."""
    customer = person(5151, "en")
    key = StorageKey(bot_id=BOT_ID, chat_id=customer.id, user_id=customer.id)
    before_restart = SqlStorage(bot_db)
    await before_restart.set_state(key, IntakeForm.listening)
    await before_restart.set_data(key, {"intake_id": "i1", "story": ["The milk was sour."],
                                        "evidence": [], "albums": []})
    reads: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    # On SQLite the read is made on the event loop's thread (``core.db.loop_reads``).
    engines = [bot_db.engine.sync_engine, *([bot_db.loop_reads] if bot_db.loop_reads else [])]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        await chat.say(customer, "And the carton leaked.")
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    assert len(reads) == 1, reads
    assert (await SqlStorage(bot_db).get_data(key))["story"] == [
        "The milk was sour.", "And the carton leaked."]
