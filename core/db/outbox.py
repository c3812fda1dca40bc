"""The outbox table's two sides: services add notices inside their transaction; a
sender claims due ones, delivers them and records the outcome.

A claim is a lease: the row becomes ``sending`` with ``due_at`` pushed out by the lease,
so a sender that dies mid-delivery leaves a row another sender takes up once the lease
runs out. Several senders never take the same row (``SKIP LOCKED`` on PostgreSQL; one
writer at a time on SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import dialect
from core.db.models import NotificationRow
from core.db.uow import Database
from core.notices import Notice

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: str
    audience: str
    address: str
    case_id: int | None
    payload: dict[str, Any]
    attempts: int


def add_notices(session: AsyncSession, notices: Iterable[Notice], now: datetime,
                version: int) -> None:
    """Within the caller's transaction; the key makes a retried commit add nothing twice."""
    for index, notice in enumerate(notices):
        key = f"{notice.case_id}-{version}-{index}-{notice.kind}-{notice.audience}"
        session.add(NotificationRow(
            idempotency_key=key[:120], case_id=notice.case_id, kind=notice.kind,
            audience=notice.audience, address=notice.address, payload=dict(notice.payload),
            status="pending", attempts=0, due_at=now, created_at=now))


class OutboxQueue:
    """The sender's side: claim, then exactly one of sent / retry / unreachable / failed."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, now: datetime, limit: int = 20) -> list[Outgoing]:
        async with self.db.sessions() as session, session.begin():
            claimable = (select(NotificationRow)
                         .where(or_(NotificationRow.status == "pending",
                                    NotificationRow.status == "sending"))
                         .where(NotificationRow.due_at <= now)
                         .order_by(NotificationRow.due_at, NotificationRow.id).limit(limit))
            rows = (await session.execute(dialect.claim_rows(claimable, session))).scalars().all()
            for row in rows:
                row.status, row.attempts, row.due_at = "sending", row.attempts + 1, now + LEASE
            return [Outgoing(r.id, r.kind, r.audience, r.address, r.case_id, dict(r.payload),
                             r.attempts) for r in rows]

    async def _set(self, notice_id: int, **values: Any) -> None:
        async with self.db.sessions() as session, session.begin():
            await session.execute(update(NotificationRow)
                                  .where(NotificationRow.id == notice_id).values(**values))

    async def sent(self, notice_id: int, now: datetime, message_id: int | None) -> None:
        await self._set(notice_id, status="sent", sent_at=now, message_id=message_id,
                        last_error=None)

    async def retry(self, item: Outgoing, due_at: datetime, error: str) -> None:
        status = "failed" if item.attempts >= MAX_ATTEMPTS else "pending"
        await self._set(item.id, status=status, due_at=due_at, last_error=error[:300])

    async def unreachable(self, notice_id: int, error: str) -> None:
        await self._set(notice_id, status="unreachable", last_error=error[:300])

    async def counts(self) -> dict[str, int]:
        from sqlalchemy import func

        async with self.db.sessions() as session:
            rows = await session.execute(select(NotificationRow.status,
                                                func.count(NotificationRow.id))
                                         .group_by(NotificationRow.status))
            return {status: count for status, count in rows.all()}
