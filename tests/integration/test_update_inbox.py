"""Polling's inbox on both databases: recorded before confirmed, replayed once after a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.uow import Database
from core.db.updates import UpdateInbox, mark_finished

RUN_1 = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
RUN_2 = RUN_1 + timedelta(minutes=5)  # the bot started again after a crash


def _update(update_id: int) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": 1, "date": 0,
                                                 "chat": {"id": 7, "type": "private"},
                                                 "text": f"words {update_id}"}}


async def _finish(db: Database, update_id: int, now: datetime) -> None:
    async with db.engine.begin() as connection:
        assert isinstance(connection, AsyncConnection)
        await mark_finished(connection, update_id, now)


async def test_an_update_is_handled_once_however_often_it_comes(database: Database) -> None:
    first_run = UpdateInbox(database, started=RUN_1)
    assert await first_run.record(1, _update(1), RUN_1)
    assert not await first_run.record(1, _update(1), RUN_1)  # Telegram sent it again
    await _finish(database, 1, RUN_1)
    second_run = UpdateInbox(database, started=RUN_2)
    assert not await second_run.record(1, _update(1), RUN_2)  # handled: never again
    assert await second_run.unfinished(RUN_2) == []


async def test_what_a_crashed_run_left_unfinished_is_replayed_once_in_order(
        database: Database) -> None:
    first_run = UpdateInbox(database, started=RUN_1)
    for update_id in (5, 3, 4):
        assert await first_run.record(update_id, _update(update_id), RUN_1)
    await _finish(database, 4, RUN_1)
    # crash: 3 and 5 were recorded (so confirmed to Telegram) and never finished
    second_run = UpdateInbox(database, started=RUN_2)
    replayed = await second_run.unfinished(RUN_2)
    assert [u["update_id"] for u in replayed] == [3, 5]
    assert replayed[0] == _update(3)
    # Telegram also sends 5 again (its offset was never confirmed): not a second time.
    assert not await second_run.record(5, _update(5), RUN_2)
    assert await second_run.unfinished(RUN_2) == []
    # A failed handling that was answered is finished too: nothing to replay.
    await second_run.finish(3, RUN_2)
    await _finish(database, 5, RUN_2)
    assert await UpdateInbox(database, started=RUN_2 + timedelta(minutes=1)).unfinished(
        RUN_2) == []
