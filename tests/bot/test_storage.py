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
