"""SIGTERM while the poller starts or records: the database step finishes, then it stops.

A statement cancelled half-way left SQLAlchemy to reset its connection inside the
cancelled task, logged by the pool as an error with a traceback (CI, once in a few
hundred stops: SIGTERM 30 ms after polling began).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from core.db import replies
from core.db.uninterrupted import uninterrupted
from core.db.uow import Database
from core.db.updates import UpdateClaims, UpdateInbox

NOW = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
UPDATE = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "hello",
                                      "chat": {"id": 7, "type": "private"}}}


async def test_a_cancelled_record_still_records_the_update(database: Database) -> None:
    inbox = UpdateInbox(database, started=NOW)
    recording = asyncio.create_task(uninterrupted(inbox.record(1, UPDATE, NOW)))
    await asyncio.sleep(0)  # the statement is under way
    recording.cancel()
    with pytest.raises(asyncio.CancelledError):
        await recording
    assert not await inbox.record(1, UPDATE, NOW)  # already there: the step finished


async def test_cancelling_start_up_steps_at_any_moment_logs_no_error(
        database: Database, caplog: pytest.LogCaptureFixture) -> None:
    inbox = UpdateInbox(database, started=NOW)
    steps = (lambda: replies.release_held(database, NOW),
             lambda: inbox.unfinished(NOW),
             lambda: UpdateClaims(database, timedelta(minutes=1)).prune(NOW))
    caplog.set_level(logging.ERROR, logger="sqlalchemy")
    for delay in range(60):  # tenths of a millisecond: before, during and after the query
        for step in steps:
            task = asyncio.create_task(uninterrupted(step()))
            await asyncio.sleep(delay / 10_000)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0.05)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert await inbox.unfinished(NOW) == []  # the connections still work
