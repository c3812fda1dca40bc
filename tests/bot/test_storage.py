"""Conversation state is durable: a restarted bot picks up where the customer was."""

from __future__ import annotations

import os

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.storage import SqlStorage, make_storage
from core.db.uow import Database

KEY = StorageKey(bot_id=4242, chat_id=11, user_id=11)


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


async def _stored(db: Database) -> tuple[str | None, dict[str, object]]:
    """What a restarted process would read."""
    fresh = SqlStorage(db)
    return await fresh.get_state(KEY), await fresh.get_data(KEY)


async def test_an_updates_writes_reach_the_database_together_when_it_is_done(
        bot_db: Database) -> None:
    storage = SqlStorage(bot_db)
    seen_midway: list[tuple[str | None, dict[str, object]]] = []

    async def handler(_event: object, _data: dict[str, object]) -> str:
        await storage.set_state(KEY, "Intake:listening")
        await storage.update_data(KEY, {"story": ["The milk was sour."]})
        await storage.update_data(KEY, {"photos": 1})
        seen_midway.append(await _stored(bot_db))
        return "handled"

    assert await storage.write_once_per_update(handler, None, {}) == "handled"
    assert seen_midway == [(None, {})]
    assert await _stored(bot_db) == ("Intake:listening",
                                     {"story": ["The milk was sour."], "photos": 1})


async def test_a_failing_update_still_keeps_what_it_wrote(bot_db: Database) -> None:
    storage = SqlStorage(bot_db)

    async def handler(_event: object, _data: dict[str, object]) -> None:
        await storage.set_state(KEY, "Intake:listening")
        raise RuntimeError("the handler broke")

    with pytest.raises(RuntimeError):
        await storage.write_once_per_update(handler, None, {})
    assert (await _stored(bot_db))[0] == "Intake:listening"


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
