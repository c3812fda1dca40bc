"""Work claimed as a lease: rows that several workers share without taking one twice.

A claim marks due rows as taken and pushes ``due_at`` out by the lease, in one short
transaction (``SKIP LOCKED`` on PostgreSQL; one writer at a time on SQLite). A worker that
dies mid-task leaves rows that become claimable again when the lease runs out. The
outbox and the job queue are both built on this.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from core.db import dialect

if TYPE_CHECKING:  # the Database builds its job queue from this module
    from core.db.uow import Database

LEASE = timedelta(seconds=60)


class LeaseQueue:
    model: Any  # a mapped class with id, status, attempts, due_at
    waiting = "pending"
    taken = "running"

    def __init__(self, db: Database, lease: timedelta = LEASE) -> None:
        self.db = db
        self.lease = lease  # how long a claim is held before others may take the row

    async def _claim_rows(self, now: datetime, limit: int, *where: Any) -> list[Any]:
        model = self.model
        async with self.db.sessions() as session, session.begin():
            claimable = (select(model)
                         .where(model.status.in_((self.waiting, self.taken)), *where)
                         .where(model.due_at <= now)
                         .order_by(model.due_at, model.id).limit(limit))
            rows = list((await session.execute(dialect.claim_rows(claimable, session)))
                        .scalars())
            for row in rows:
                row.status, row.attempts, row.due_at = self.taken, row.attempts + 1, now + self.lease
            return rows

    async def _set(self, row_id: int, **values: Any) -> None:
        async with self.db.sessions() as session, session.begin():
            await session.execute(update(self.model).where(self.model.id == row_id)
                                  .values(**values))

    async def counts(self, **where: Any) -> dict[str, int]:
        """How many rows are in each status (``where``: column filters, e.g. audience=)."""
        model = self.model
        async with self.db.sessions() as session:
            filters = [getattr(model, column) == value for column, value in where.items()]
            rows = await session.execute(select(model.status, func.count(model.id))
                                         .where(*filters).group_by(model.status))
            return {status: count for status, count in rows.all()}
