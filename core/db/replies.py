"""An update's replies in the outbox: written with the update, sent by its handler.

They are written held by the process that handles the update (pending, but due only when
its hold ends), so the outbox sender leaves them alone while the handler sends them in
order; if the handler cannot (an outage, a 429 longer than it waits) it hands them over at
once, and if it dies, the hold runs out — or, polling, the next start releases them: a
poller has no rival (Telegram refuses a second one), so nobody else can be sending them. Keyed by the update: handled a
second time, an update cannot queue its words twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update

from core.db import dialect
from core.db.dialect import HasDialect
from core.db.models import NotificationRow, table_of
from core.db.one_statement import Write
from core.db.uow import Database
from core.notices import Reply

TABLE = table_of(NotificationRow)


def reply_key(update_id: int, index: int) -> str:
    return f"update-{update_id}-{index}"


def writes(database: HasDialect, update_id: int, replies: Sequence[Reply], now: datetime,
           lease_until: datetime) -> list[Write]:
    """The statements that keep the update's replies (the update's closing write)."""
    return [(_insert(database), {
        "reply_key": reply_key(update_id, index), "reply_kind": reply.kind,
        "reply_audience": reply.audience, "reply_address": reply.address,
        "reply_payload": reply.payload, "lease_until": lease_until, "now": now})
        for index, reply in enumerate(replies)]


@dialect.built_once
def _insert(insert: Any) -> Any:
    return insert(TABLE).values(
        idempotency_key=bindparam("reply_key"), kind=bindparam("reply_kind"),
        audience=bindparam("reply_audience"), address=bindparam("reply_address"),
        payload=bindparam("reply_payload"), status="pending", attempts=0,
        due_at=bindparam("lease_until"), created_at=bindparam("now"),
    ).on_conflict_do_nothing(index_elements=[TABLE.c.idempotency_key])


_sent = (update(TABLE).where(TABLE.c.idempotency_key == bindparam("reply_key"))
         .values(status="sent", sent_at=bindparam("at"), message_id=bindparam("message")))
_hand_over = (update(TABLE).where(TABLE.c.idempotency_key == bindparam("reply_key"),
                                  TABLE.c.status == "pending")
              .values(due_at=bindparam("at"), last_error=bindparam("error")))


class SentMarks:
    """Marks replies sent, the marks of every update that finished sending meanwhile in
    one transaction (a group commit).

    A mark each was a write transaction each, a third of an update's (``bench/
    intake_throughput.py``). Each caller still waits until its own mark is committed, so
    the window in which a kill makes a reply be said again is no wider: under load the
    marks waited for the database's writer anyway, now they wait together.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def mark(self, update_id: int, index: int, message_id: int | None,
                   now: datetime) -> None:
        """The update's ``index``-th reply went out (as ``message_id``, for a new message)."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append(({"reply_key": reply_key(update_id, index), "at": now,
                               "message": message_id}, done))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_while_waiting())
        await asyncio.shield(done)  # a cancelled caller's mark is still written

    async def _write_while_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.db.blind_writes.begin() as connection:  # one trip on SQLite
                    await connection.execute(_sent, [params for params, _ in batch])
            except Exception as exc:  # each caller hears of it, as alone it would have
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)


async def hand_over(db: Database, update_id: int, indexes: Sequence[int], now: datetime,
                    error: str) -> None:
    """The handler could not send these: the outbox sender says them now, in order."""
    if not indexes:
        return
    async with db.engine.begin() as connection:
        await connection.execute(_hand_over, [
            {"reply_key": reply_key(update_id, index), "at": now, "error": error[:300]}
            for index in indexes])
    db.tell_notices_committed()


async def release_held(db: Database, now: datetime) -> int:
    """On a poller's start: what the last run held and never sent goes out now."""
    async with db.engine.begin() as connection:
        done = await connection.execute(
            update(TABLE).where(TABLE.c.kind == Reply.kind, TABLE.c.status == "pending",
                                TABLE.c.due_at > now).values(due_at=now))
    count = int(getattr(done, "rowcount", 0) or 0)
    if count:
        db.tell_notices_committed()
    return count
