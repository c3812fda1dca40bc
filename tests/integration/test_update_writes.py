"""An update's closing write (``core.db.update_writes``): its conversations, reminders,
replies and "handled" mark are kept together or not at all — on PostgreSQL as one
statement (``core.db.one_statement``), on SQLite as one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from core.db import conversations
from core.db.models import ConversationRow, JobRow, NotificationRow, ProcessedUpdateRow
from core.db.uow import Database
from core.db.update_writes import UpdateWrites
from core.notices import Reply
from core.records import JobToSchedule

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


@pytest.fixture
def db(database: Database) -> Database:
    return database


def _reply(chat_id: int, text: str) -> Reply:
    return Reply(chat_id=chat_id, method="SendMessage", params={"chat_id": chat_id,
                                                                "text": text})


def _writes(update_id: int, reminder_kind: Any = "quiet_customer") -> UpdateWrites:
    writes = UpdateWrites(finished_update=update_id)
    writes.conversations = {"ann": ("intake:listen", {"words": ["The lid was mouldy."]}),
                            "old": (None, {})}  # an ended conversation is removed
    writes.schedule(JobToSchedule(reminder_kind, "remind:ann", LATER, {"chat": 1003}, NOW))
    writes.schedule(JobToSchedule("quiet_customer", "remind:bob", LATER, {"chat": 1004}, NOW))
    writes.replies = (update_id, [_reply(1003, "Tell me more."), _reply(1003, "I'm listening.")],
                      NOW, NOW + timedelta(minutes=1))
    return writes


async def _kept(db: Database) -> dict[str, Any]:
    async with db.sessions() as session:
        return {
            "conversations": dict((await session.execute(
                select(ConversationRow.key, ConversationRow.state))).all()),
            "jobs": dict((await session.execute(select(JobRow.key, JobRow.kind))).all()),
            "replies": sorted((await session.execute(
                select(NotificationRow.idempotency_key))).scalars()),
            "finished": sorted((await session.execute(
                select(ProcessedUpdateRow.update_id)
                .where(ProcessedUpdateRow.finished_at.is_not(None)))).scalars()),
        }


async def test_the_closing_write_keeps_everything_the_update_leaves(db: Database) -> None:
    await conversations.ConversationStore(db).put("old", "intake:listen", {"words": ["Hi"]})
    statements: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    await _writes(7).commit(db)
    sent = list(statements)
    kept = await _kept(db)
    assert kept == {"conversations": {"ann": "intake:listen"},
                    "jobs": {"remind:ann": "quiet_customer", "remind:bob": "quiet_customer"},
                    "replies": ["update-7-0", "update-7-1"], "finished": [7]}
    if db.engine.dialect.name == "postgresql":  # one round trip, not BEGIN, six and COMMIT
        assert len(sent) == 1 and sent[0].startswith("WITH ")
    # Handled again (a redelivery after a crash between commit and acknowledgement):
    # nothing is doubled, and the same statement serves other values.
    await _writes(7).commit(db)
    await _writes(8).commit(db)
    kept = await _kept(db)
    assert kept["replies"] == ["update-7-0", "update-7-1", "update-8-0", "update-8-1"]
    assert kept["finished"] == [7, 8] and len(kept["jobs"]) == 2


async def test_a_failing_write_keeps_nothing_and_the_caches_forget(db: Database) -> None:
    forgotten: list[str] = []
    writes = _writes(9, reminder_kind=None)  # a job without a kind: the database refuses it
    writes.on_failure.append(lambda: forgotten.append("ann"))
    with pytest.raises(Exception, match=r"(?i)null"):
        await writes.commit(db)
    assert forgotten == ["ann"]
    assert await _kept(db) == {"conversations": {}, "jobs": {}, "replies": [], "finished": []}


async def test_a_conversation_ended_beside_one_begun_with_nothing_else(db: Database) -> None:
    """The last write is the one the others ride on: here a removal, on the same table."""
    store = conversations.ConversationStore(db)
    await store.put("old", "intake:confirm", {"words": ["Hi"]})
    writes = UpdateWrites()
    writes.conversations = {"ann": ("intake:listen", {"words": ["Late again."]}),
                            "old": (None, {})}
    await writes.commit(db)
    assert await store.get("ann") == ("intake:listen", {"words": ["Late again."]})
    assert await store.get("old") == (None, {})
