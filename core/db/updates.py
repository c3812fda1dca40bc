"""Each Telegram update handled once, however many times and to whichever instance it
is delivered (webhook fleets: Telegram retries, a front may send one update twice).

An instance *claims* an ``update_id`` before handling it and marks it finished after.
A claim is a lease, not a tombstone: while the claimant lives it renews the claim (a slow
update, e.g. one waiting for the person's lock, keeps it); if the claimant dies between
claim and finish, the update is redelivered (its webhook request never got a 2xx) and the
first instance to see it once the claim is ``lease`` old takes it over. So a crash costs a
delay of up to one lease, never the update; the price is that an update which crashed
*midway* may be handled again, which the services tolerate (case filing is keyed by the
intake, notices by their change).

Rows are only needed while Telegram may still redeliver (it keeps updates 24 hours), so
``prune`` removes older ones.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Executable, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import dialect
from core.db.dialect import HasDialect
from core.db.models import ProcessedUpdateRow, table_of
from core.db.one_statement import Write
from core.db.uninterrupted import uninterrupted
from core.db.uow import Database

KEEP = timedelta(hours=25)  # Telegram gives up on an update after 24 hours
PRUNE_EVERY = 600.0  # seconds between removals of records Telegram can no longer redeliver
log = logging.getLogger(__name__)


class Claim(enum.Enum):
    TAKEN = "taken"  # ours: handle it, then ``finish``
    DONE = "done"  # handled already: acknowledge, do nothing
    BUSY = "busy"  # another instance is on it right now: ask to be asked again later


TABLE = table_of(ProcessedUpdateRow)


@dialect.built_once
def _claim(insert: Any) -> Any:
    return (insert(TABLE).values(update_id=bindparam("claimed_id"), claimed_at=bindparam("claimed"))
            .on_conflict_do_update(
                index_elements=[TABLE.c.update_id], set_={"claimed_at": bindparam("claimed")},
                where=TABLE.c.finished_at.is_(None) & (TABLE.c.claimed_at < bindparam("stale_before")))
            .returning(TABLE.c.update_id))


_finished_at = select(TABLE.c.finished_at).where(TABLE.c.update_id == bindparam("update_id"))


@dialect.built_once
def _mark_finished(insert: Any) -> Any:
    # Inserted when nothing claimed it in the database (``core.db.process_claims``).
    return (insert(TABLE).values(update_id=bindparam("done_id"), claimed_at=bindparam("done_at"),
                                 finished_at=bindparam("done_at"))
            .on_conflict_do_update(index_elements=[TABLE.c.update_id],
                                   set_={"finished_at": bindparam("done_at")}))


class UpdateClaims:
    # A claim others can see lapses after its lease unless renewed while handling goes on.
    lapses = True

    def __init__(self, db: Database, lease: timedelta) -> None:
        self.db = db
        self.lease = lease

    async def claim(self, update_id: int, now: datetime) -> Claim:
        async with self.db.autocommit.connect() as connection:
            # One statement: insert, or take over a stale unfinished claim; no race.
            taken = (await connection.execute(_claim(connection), {
                "claimed_id": update_id, "claimed": now, "stale_before": now - self.lease})
                     ).first()
            if taken is not None:
                return Claim.TAKEN
            finished = (await connection.execute(_finished_at, {"update_id": update_id})).scalar()
        return Claim.DONE if finished is not None else Claim.BUSY

    async def renew(self, update_id: int, now: datetime) -> None:
        """Still at it: push the takeover moment out by another lease."""
        await self._run(update(ProcessedUpdateRow)
                        .where(ProcessedUpdateRow.update_id == update_id)
                        .where(ProcessedUpdateRow.finished_at.is_(None))
                        .values(claimed_at=now))

    async def finish(self, update_id: int, now: datetime) -> None:
        async with self.db.autocommit.connect() as connection:
            await mark_finished(connection, update_id, now)

    def settle(self, update_id: int) -> None:
        """Handling is over, finished or released (for claims kept in the process)."""

    async def release(self, update_id: int) -> None:
        """Handling failed outright: let a redelivery try again at once."""
        await self._run(delete(ProcessedUpdateRow)
                        .where(ProcessedUpdateRow.update_id == update_id)
                        .where(ProcessedUpdateRow.finished_at.is_(None)))

    async def prune(self, now: datetime) -> int:
        async with self.db.sessions() as session, session.begin():
            result = await session.execute(delete(ProcessedUpdateRow)
                                           .where(ProcessedUpdateRow.claimed_at < now - KEEP))
            return int(result.rowcount or 0)

    async def prune_forever(self, every: float = PRUNE_EVERY) -> None:
        """Until cancelled: remove, now and then, what Telegram can no longer redeliver."""
        while True:
            try:
                removed = await uninterrupted(self.prune(datetime.now(UTC)))
                if removed:
                    log.info("pruned %d old update record(s)", removed)
            except Exception:  # a passing database fault; try again next round
                log.exception("pruning update records failed")
            await asyncio.sleep(every)

    async def _run(self, statement: Executable) -> None:
        async with self.db.autocommit.connect() as connection:
            await connection.execute(statement)


async def mark_finished(connection: AsyncConnection, update_id: int, now: datetime) -> None:
    """In the caller's transaction: with what handling the update wrote, ideally."""
    await connection.execute(*finishing(connection, update_id, now))


def finishing(database: HasDialect, update_id: int, now: datetime) -> Write:
    """The statement of ``mark_finished`` (an update's closing write)."""
    return _mark_finished(database), {"done_id": update_id, "done_at": now}


@dialect.built_once
def _record(insert: Any) -> Any:
    # New: recorded and ours. Known and unfinished from before this run: ours again (a
    # poller has no rival: Telegram gives a second one 409). Finished, or taken in this
    # run already (replayed from the inbox): not again.
    return (insert(TABLE).values(update_id=bindparam("record_id"), claimed_at=bindparam("now"),
                                 payload=bindparam("payload"))
            .on_conflict_do_update(
                index_elements=[TABLE.c.update_id], set_={"claimed_at": bindparam("now")},
                where=TABLE.c.finished_at.is_(None) & (TABLE.c.claimed_at < bindparam("run")))
            .returning(TABLE.c.update_id))


class UpdateInbox:
    """Polling mode's inbox: each update is recorded before Telegram is told it arrived.

    aiogram confirms an update (the next ``getUpdates`` offset) as soon as it has handed it
    to a handler task, so a crash mid-update used to lose it. Recorded first, an update
    cut off by a crash is handled when the bot starts again (``unfinished``), exactly once:
    its "handled" mark commits with what handling it wrote (``mark_finished``).
    """

    def __init__(self, db: Database, started: datetime) -> None:
        self.db = db
        self.started = started  # this run: claims older than it belong to a dead process

    async def record(self, update_id: int, payload: dict[str, Any], now: datetime) -> bool:
        """True when this run should handle the update."""
        async with self.db.autocommit.connect() as connection:
            taken = (await connection.execute(_record(connection), {
                "record_id": update_id, "now": now, "payload": payload,
                "run": self.started})).first()
        return taken is not None

    async def unfinished(self, now: datetime) -> list[dict[str, Any]]:
        """Updates a previous run recorded and never finished, oldest first, now claimed
        by this run."""
        async with self.db.sessions() as session, session.begin():
            rows = (await session.execute(
                select(ProcessedUpdateRow.update_id, ProcessedUpdateRow.payload)
                .where(ProcessedUpdateRow.finished_at.is_(None),
                       ProcessedUpdateRow.payload.is_not(None),
                       ProcessedUpdateRow.claimed_at < self.started)
                .order_by(ProcessedUpdateRow.update_id))).all()
            if rows:
                await session.execute(update(ProcessedUpdateRow)
                                      .where(ProcessedUpdateRow.update_id.in_(
                                          [row.update_id for row in rows]))
                                      .values(claimed_at=now))
        return [dict(row.payload) for row in rows]

    async def finish(self, update_id: int, now: datetime) -> None:
        """Handling failed and was answered: nothing to replay."""
        async with self.db.autocommit.connect() as connection:
            await mark_finished(connection, update_id, now)
