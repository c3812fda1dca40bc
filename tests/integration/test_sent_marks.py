"""An update's replies are marked sent by a group commit (``core.db.replies.SentMarks``):
the marks of replies sent meanwhile go in one transaction, and each caller returns only
once its own mark is committed — or hears why it was not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from core.db import one_statement, replies
from core.db.models import NotificationRow
from core.db.uow import Database
from core.notices import Reply

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(database: Database) -> Database:
    """Twenty updates' replies, written and not yet sent."""
    async with database.engine.begin() as connection:
        for update_id in range(1, 21):
            said = [Reply(chat_id=1000 + update_id, method="SendMessage",
                          params={"chat_id": 1000 + update_id, "text": "Noted."})]
            await one_statement.run(connection, replies.writes(
                connection, update_id, said, NOW, NOW + timedelta(minutes=1)))
    return database


async def _statuses(db: Database) -> dict[str, tuple[str, int | None]]:
    async with db.sessions() as session:
        rows = (await session.execute(select(NotificationRow.idempotency_key,
                                             NotificationRow.status,
                                             NotificationRow.message_id))).all()
    return {key: (status, message) for key, status, message in rows}


async def test_marks_made_together_commit_together_and_each_is_kept(db: Database) -> None:
    commits: list[int] = []
    event.listen(db.engine.sync_engine, "commit", lambda _connection: commits.append(1))
    marks = replies.SentMarks(db)
    await asyncio.gather(*(marks.mark(update_id, 0, 500 + update_id, NOW)
                           for update_id in range(1, 21)))
    statuses = await _statuses(db)
    assert statuses == {replies.reply_key(u, 0): ("sent", 500 + u) for u in range(1, 21)}
    assert 1 <= len(commits) <= 2  # twenty marks, not twenty transactions


async def test_every_caller_hears_that_its_mark_failed(db: Database) -> None:
    marks = replies.SentMarks(db)

    def refuse(*_args: object) -> None:
        raise RuntimeError("the disk is full")

    event.listen(db.engine.sync_engine, "before_cursor_execute", refuse)
    outcomes = await asyncio.gather(*(marks.mark(u, 0, 1, NOW) for u in (1, 2, 3)),
                                    return_exceptions=True)
    assert [str(outcome) for outcome in outcomes] == ["the disk is full"] * 3
    event.remove(db.engine.sync_engine, "before_cursor_execute", refuse)
    await marks.mark(1, 0, 7, NOW)  # and the next mark is written again
    assert (await _statuses(db))[replies.reply_key(1, 0)] == ("sent", 7)
