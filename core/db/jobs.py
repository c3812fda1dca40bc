"""Durable jobs: work due at a time, scheduled in the transaction that calls for it and
run by whichever worker claims it (see ``core.db.leases``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.db import dialect
from core.db.conflicts import as_conflict
from core.db.dialect import HasDialect
from core.db.leases import LeaseQueue
from core.db.models import JobRow
from core.db.one_statement import Write
from core.records import Job, JobToSchedule

__all__ = ["MAX_ATTEMPTS", "Job", "JobQueue", "JobWriter", "cancel", "schedule", "schedule_on",
           "scheduling"]
MAX_ATTEMPTS = 5


async def schedule(session: AsyncSession, kind: str, key: str, due_at: datetime,
                   payload: dict[str, Any], now: datetime) -> None:
    """Within the caller's transaction; the same ``key`` again moves the job, never doubles it."""
    row = (await session.execute(select(JobRow).where(JobRow.key == key))).scalar_one_or_none()
    if row is None:
        session.add(JobRow(key=key, kind=kind, payload=dict(payload), status="pending",
                           attempts=0, due_at=due_at, created_at=now))
        return
    row.kind, row.payload, row.due_at = kind, dict(payload), due_at
    row.status, row.attempts, row.finished_at, row.last_error = "pending", 0, None, None


async def schedule_on(connection: AsyncConnection, kind: str, key: str, due_at: datetime,
                      payload: dict[str, Any], now: datetime) -> None:
    """``schedule`` as one statement on a bare connection."""
    await connection.execute(*scheduling(connection, kind, key, due_at, payload, now))


def scheduling(database: HasDialect, kind: str, key: str, due_at: datetime,
               payload: dict[str, Any], now: datetime) -> Write:
    """``schedule`` as one statement (an update's closing write)."""
    return _upsert(database), {"job_key": key, "job_kind": kind, "job_payload": dict(payload),
                               "due": due_at, "now": now}


@dialect.built_once
def _upsert(insert: Any) -> Any:
    table = JobRow.__table__
    return insert(table).values(
        key=bindparam("job_key"), kind=bindparam("job_kind"), payload=bindparam("job_payload"),
        status="pending", attempts=0, due_at=bindparam("due"), created_at=bindparam("now"),
    ).on_conflict_do_update(index_elements=[table.c.key], set_={
        "kind": bindparam("job_kind"), "payload": bindparam("job_payload"),
        "due_at": bindparam("due"), "status": "pending", "attempts": 0,
        "finished_at": None, "last_error": None})


async def cancel(session: AsyncSession, key: str, now: datetime) -> None:
    row = (await session.execute(select(JobRow).where(JobRow.key == key))).scalar_one_or_none()
    if row is not None and row.status in ("pending", "running"):
        row.status, row.finished_at = "cancelled", now


class JobWriter:
    """The unit of work's jobs: scheduled, cancelled or recorded in its transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def schedule(self, kind: str, key: str, due_at: datetime, payload: dict[str, Any],
                       now: datetime) -> None:
        await schedule(self.session, kind, key, due_at, payload, now)

    async def cancel(self, key: str, now: datetime) -> None:
        await cancel(self.session, key, now)

    async def exists(self, key: str) -> bool:
        found = await self.session.execute(select(JobRow.id).where(JobRow.key == key))
        return found.first() is not None

    async def record_done(self, key: str, kind: str, payload: dict[str, Any],
                          now: datetime) -> None:
        self.session.add(JobRow(key=key, kind=kind, payload=dict(payload), status="done",
                                attempts=1, due_at=now, created_at=now, finished_at=now))
        with as_conflict():  # the key is the ledger: a second writer is refused here
            await self.session.flush()


class JobQueue(LeaseQueue):
    model = JobRow

    async def claim(self, now: datetime, limit: int = 20, *,
                    kinds: Iterable[str] | None = None) -> list[Job]:
        """Due jobs, leased; ``kinds`` limits them (the command line runs core's only)."""
        where = () if kinds is None else (JobRow.kind.in_(tuple(kinds)),)
        rows = await self._claim_rows(now, limit, *where)
        return [Job(r.id, r.kind, r.key, dict(r.payload), r.attempts) for r in rows]

    async def schedule(self, job: JobToSchedule) -> None:
        async with self.db.engine.begin() as connection:
            await schedule_on(connection, job.kind, job.key, job.due_at, job.payload, job.now)

    async def done(self, job_id: int, now: datetime) -> None:
        await self._set(job_id, status="done", finished_at=now, last_error=None)

    async def retry(self, job: Job, due_at: datetime, error: str) -> None:
        status = "failed" if job.attempts >= MAX_ATTEMPTS else "pending"
        await self._set(job.id, status=status, due_at=due_at, last_error=error[:300])

    async def pending(self, limit: int = 100) -> list[tuple[str, str, datetime]]:
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(JobRow.kind, JobRow.key, JobRow.due_at)
                .where(JobRow.status.in_(("pending", "running")))
                .order_by(JobRow.due_at).limit(limit))
            return [(kind, key, due) for kind, key, due in rows.all()]
