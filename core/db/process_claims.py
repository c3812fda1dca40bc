"""Claims on updates kept in the process, for a webhook that is the only instance.

A claim in the database is for a fleet: it keeps a second instance off an update the
first is handling. Without ``REDIS_URL`` a webhook runs alone (its conversations live in
its own cache, ``bot.runtime.storage.SqlStorage``), so there is nobody to keep off, and
the claim's write — a third of an update's write transactions, on SQLite each queueing
for its one writer — bought nothing. Here an update being handled is remembered in memory; its row
is written once, with its "handled" mark, in the update's closing transaction
(``mark_finished`` inserts it). Killed midway, nothing was written: Telegram delivers the
update again and it is handled then, as a stale claim would have been taken over, but
at once instead of a lease later.

Whether an update was handled already is known without a query for a new one: Telegram
numbers updates in increasing order, so an update numbered above every one this process
has seen or the database holds has never been handled. Only an older number (a
redelivery, or updates arriving out of order) is looked up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.db.models import ProcessedUpdateRow
from core.db.uow import Database
from core.db.updates import Claim, UpdateClaims


class ProcessClaims(UpdateClaims):
    lapses = False  # nobody else could take one over: no heartbeat to keep it

    def __init__(self, db: Database, lease: timedelta) -> None:
        super().__init__(db, lease)
        self._taken: set[int] = set()  # being handled now
        self._newest: int | None = None  # the highest update id seen or recorded

    async def claim(self, update_id: int, now: datetime) -> Claim:
        taken = self._taken
        if update_id in taken:
            return Claim.BUSY  # a second delivery while the first is handled
        if self._newest is None:
            async with self.db.autocommit.connect() as connection:
                newest = (await connection.execute(
                    select(func.max(ProcessedUpdateRow.update_id)))).scalar()
            self._newest = -1 if newest is None else int(newest)
        if update_id <= self._newest and await self._finished(update_id):
            return Claim.DONE
        if update_id in taken:  # delivered again while we looked
            return Claim.BUSY
        self._newest = max(self._newest, update_id)
        taken.add(update_id)
        return Claim.TAKEN

    async def _finished(self, update_id: int) -> bool:
        async with self.db.autocommit.connect() as connection:
            finished = (await connection.execute(
                select(ProcessedUpdateRow.finished_at)
                .where(ProcessedUpdateRow.update_id == update_id))).scalar()
        return finished is not None

    async def renew(self, update_id: int, now: datetime) -> None:
        """Nobody else could take it over: nothing to renew."""

    async def release(self, update_id: int) -> None:
        self.settle(update_id)

    def settle(self, update_id: int) -> None:
        self._taken.discard(update_id)
