"""The outbox table's two sides: services add notices inside their transaction; a
sender claims due ones (as a lease, see ``core.db.leases``), delivers them and records
the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.leases import LEASE, LeaseQueue
from core.db.models import NotificationRow
from core.notices import Notice

__all__ = ["LEASE", "MAX_ATTEMPTS", "OutboxQueue", "OutboxWriter", "Outgoing", "add_notices"]
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
                anchor: int, *, created_at: datetime | None = None) -> None:
    """Within the caller's transaction. ``anchor`` (the change's newest audit row) makes
    each notice's key unique, so a replayed change can never queue the same words twice.
    ``now`` is when they are due; ``created_at`` (default: the same) when they were made."""
    for index, notice in enumerate(notices):
        key = f"{notice.case_id}-{anchor}-{index}-{notice.kind}-{notice.audience}"
        session.add(NotificationRow(
            idempotency_key=key[:120], case_id=notice.case_id, kind=notice.kind,
            audience=notice.audience, address=notice.address, payload=dict(notice.payload),
            status="pending", attempts=0, due_at=now, created_at=created_at or now))


class OutboxWriter:
    """The unit of work's outbox: notices written in its transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, notices: Iterable[Notice], now: datetime, anchor: int, *,
                  created_at: datetime | None = None) -> None:
        add_notices(self.session, notices, now, anchor, created_at=created_at)

    async def said_since(self, case_id: int, kind: str, since: datetime) -> bool:
        found = await self.session.execute(
            select(NotificationRow.id).where(NotificationRow.case_id == case_id,
                                             NotificationRow.kind == kind,
                                             NotificationRow.created_at >= since).limit(1))
        return found.first() is not None


class OutboxQueue(LeaseQueue):
    """The sender's side: claim, then exactly one of sent / retry / unreachable / failed."""

    model = NotificationRow
    taken = "sending"

    async def claim(self, now: datetime, limit: int = 20) -> list[Outgoing]:
        rows = await self._claim_rows(now, limit)
        return [Outgoing(r.id, r.kind, r.audience, r.address, r.case_id, dict(r.payload),
                         r.attempts) for r in rows]

    async def sent(self, notice_id: int, now: datetime, message_id: int | None) -> None:
        await self._set(notice_id, status="sent", sent_at=now, message_id=message_id,
                        last_error=None)

    async def retry(self, item: Outgoing, due_at: datetime, error: str) -> None:
        status = "failed" if item.attempts >= MAX_ATTEMPTS else "pending"
        await self._set(item.id, status=status, due_at=due_at, last_error=error[:300])

    async def postpone(self, item: Outgoing, due_at: datetime) -> None:
        """Not sent yet, by our own pacing: back in line, the attempt not counted."""
        await self._set(item.id, status="pending", due_at=due_at,
                        attempts=max(0, item.attempts - 1))

    async def unreachable(self, notice_id: int, error: str) -> None:
        await self._set(notice_id, status="unreachable", last_error=error[:300])
