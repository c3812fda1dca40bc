"""The outbox table's two sides: services add notices inside their transaction; a
sender claims due ones (as a lease, see ``core.db.leases``), delivers them and records
the outcome.

A row is read back as its typed notice (``core.notices.load``). One no kind of ours can
read — a kind since removed, a payload that does not fit — is logged and marked failed at
the claim: retrying cannot make it readable, and it must not hold up the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.leases import LEASE, LeaseQueue
from core.db.models import CaseRow, NotificationRow
from core.domain.states import OPEN_STATES
from core.notices import Notice, Route, UnreadableNotice, load

__all__ = ["LEASE", "MAX_ATTEMPTS", "OutboxQueue", "OutboxWriter", "Outgoing", "add_notices"]
MAX_ATTEMPTS = 8
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """A claimed notice: the row's id and attempts, and the notice it holds."""

    id: int
    notice: Notice
    attempts: int

    @property
    def kind(self) -> str:
        return self.notice.kind

    @property
    def audience(self) -> str:
        return self.notice.audience

    @property
    def address(self) -> str:
        return self.notice.address

    @property
    def case_id(self) -> int | None:
        return self.notice.case_id

    @property
    def payload(self) -> dict[str, Any]:
        return self.notice.payload


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
        self.queued = False  # something for the sender, once the transaction commits

    async def add(self, notices: Iterable[Notice], now: datetime, anchor: int, *,
                  created_at: datetime | None = None) -> None:
        notices = list(notices)
        add_notices(self.session, notices, now, anchor, created_at=created_at)
        self.queued = self.queued or bool(notices)

    async def said_since(self, case_id: int, kind: str, since: datetime) -> bool:
        found = await self.session.execute(
            select(NotificationRow.id).where(NotificationRow.case_id == case_id,
                                             NotificationRow.kind == kind,
                                             NotificationRow.created_at >= since).limit(1))
        return found.first() is not None

    async def redeliver_cards(self, audience: str, address: str, now: datetime) -> int:
        """Cards a group missed (it was unbound or the bot was out of it) go out again,
        in the order they were made; a closed case's card has nothing left to act on."""
        open_cases = select(CaseRow.id).where(CaseRow.state.in_(sorted(s.value for s in OPEN_STATES)))
        done = await self.session.execute(
            update(NotificationRow)
            .where(NotificationRow.kind == "card", NotificationRow.status == "unreachable",
                   NotificationRow.audience == audience, NotificationRow.address == address,
                   NotificationRow.case_id.in_(open_cases))
            .values(status="pending", attempts=0, due_at=now)
            .execution_options(synchronize_session=False))
        count = int(getattr(done, "rowcount", 0) or 0)
        self.queued = self.queued or count > 0
        return count


class OutboxQueue(LeaseQueue):
    """The sender's side: claim, then exactly one of sent / retry / unreachable / failed."""

    model = NotificationRow
    taken = "sending"

    async def claim(self, now: datetime, limit: int = 20) -> list[Outgoing]:
        claimed: list[Outgoing] = []
        for row in await self._claim_rows(now, limit):
            try:
                notice = load(row.kind, Route(row.audience, row.address), row.case_id,
                              dict(row.payload))
            except UnreadableNotice as exc:
                log.error("notice %s cannot be read, marked failed: %s", row.id, exc)
                await self._set(row.id, status="failed", last_error=str(exc)[:300])
                continue
            claimed.append(Outgoing(row.id, notice, row.attempts))
        return claimed

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

    async def last_sent(self, now: datetime) -> datetime | None:
        """When anything was last said, by this process or one killed a moment ago (its
        sends still count in Telegram's windows). Looked for among notices due in the
        last ten minutes, so the status-and-due index answers it at any size; one due
        longer ago but sent just now (a backlog after an outage) is not seen."""
        async with self.db.sessions() as session:
            return (await session.execute(
                select(func.max(NotificationRow.sent_at))
                .where(NotificationRow.status == "sent",
                       NotificationRow.due_at > now - timedelta(minutes=10)))).scalar_one()
