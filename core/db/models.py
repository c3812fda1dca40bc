"""SQLAlchemy tables. Rows only: the domain objects live in ``core.domain``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, MetaData, Numeric, String, Table, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from core.db.types import UTCDateTime

# Explicit names so migrations can alter constraints on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Read once by SQLAlchemy from the class, never per instance.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


def table_of(row: type[Base]) -> Table:
    """A row class's ``Table``, for Core statements (SQLAlchemy types ``__table__`` as any
    ``FromClause``, which ``update``/``delete`` do not accept)."""
    table = row.__table__
    assert isinstance(table, Table)
    return table


class PersonRow(Base):
    """Anyone the desk knows: customers and staff. Telegram id when we have one."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime]


class CaseCounterRow(Base):
    """The last serial handed out per ``YYMM`` period."""

    __tablename__ = "case_counters"
    period: Mapped[str] = mapped_column(String(4), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[str] = mapped_column(String(24), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    department: Mapped[str | None] = mapped_column(String(32), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    escalation_level: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    # what intake collected
    description: Mapped[str] = mapped_column(Text)
    demand: Mapped[str] = mapped_column(String(200))
    demand_text: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    product: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    occurred: Mapped[str | None] = mapped_column(String(200))
    delivered: Mapped[str | None] = mapped_column(String(200))
    claimed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    complainants: Mapped[int] = mapped_column(default=1)
    batch_units: Mapped[int | None]
    triggers: Mapped[list[Any]] = mapped_column(default=list)
    # the solution
    remedy_kind: Mapped[str | None] = mapped_column(String(16))
    remedy_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    remedy_currency: Mapped[str | None] = mapped_column(String(3))
    remedy_text: Mapped[str | None] = mapped_column(Text)
    approval_level: Mapped[int | None]
    pending_question: Mapped[str | None] = mapped_column(Text)
    objection: Mapped[str | None] = mapped_column(Text)  # against an invalid finding, unanswered
    revisits_required: Mapped[int] = mapped_column(default=1)
    revisits_done: Mapped[int] = mapped_column(default=0)
    last_rating: Mapped[str | None] = mapped_column(String(20))
    closure: Mapped[str | None] = mapped_column(String(40))
    instruction: Mapped[str | None] = mapped_column(Text)  # the supervisors' word, on the card
    # time
    filed_at: Mapped[datetime] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    paused_since: Mapped[datetime | None]
    major_unacknowledged_since: Mapped[datetime | None]
    extension_request: Mapped[str | None] = mapped_column(Text)
    extended_until: Mapped[datetime | None]
    first_approver_id: Mapped[int | None]
    agreed_until: Mapped[datetime | None]
    done_reported_by: Mapped[int | None]
    visited_at: Mapped[datetime | None]
    due_first_response: Mapped[datetime | None]
    due_handover: Mapped[datetime | None]
    due_department_solution: Mapped[datetime | None]
    due_customer_answer: Mapped[datetime | None]
    due_revisit: Mapped[datetime | None]
    due_whole_case: Mapped[datetime | None]
    due_progress: Mapped[datetime | None]
    due_visit: Mapped[datetime | None]
    next_due: Mapped[datetime | None] = mapped_column(index=True)  # earliest running clock
    # What the deadline sweep already said, per clock and due instant (see core.alerts).
    deadline_alerts: Mapped[dict[str, Any] | None]
    intake_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (declarative reads it from the class)


class CaseEventRow(Base):
    """The append-only audit trail: nothing ever updates or deletes these rows."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_case_events_case_id_id", "case_id", "id"),)


class EvidenceRow(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    file_ref: Mapped[str] = mapped_column(String(512))
    caption: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime]
    added_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


@event.listens_for(Session, "before_flush")
def _audit_trail_is_append_only(session: Session, _context: Any, _instances: Any) -> None:
    """History is evidence: a bug that tries to rewrite it fails loudly instead."""
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, CaseEventRow) and (row in session.deleted or session.is_modified(row)):
            raise RuntimeError("case_events is append-only: rows are never changed or removed")


class ConversationRow(Base):
    """Where a person is in a conversation and what they said so far (bot FSM storage).

    Kept in the database so a customer halfway through a complaint loses nothing when the
    bot restarts. ``key`` is opaque to the core.
    """

    __tablename__ = "conversations"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class NotificationRow(Base):
    """The outbox: what must be said, written with the change; sent, retried, never lost."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending sent failed unreachable
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    message_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_notifications_status_due_at", "status", "due_at"),)


class JobRow(Base):
    """A durable job: something to do at ``due_at`` (reminders, surveys, deadline checks).

    ``key`` names the job's purpose so scheduling the same thing again moves it instead
    of adding a second one.
    """

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending running done failed
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_jobs_status_due_at", "status", "due_at"),)


class ProcessedUpdateRow(Base):
    """A Telegram update_id a webhook instance took on, or polling recorded (see
    ``core.db.updates``).

    ``finished_at`` empty means "being handled since ``claimed_at``": a redelivery waits
    until that claim is older than the lease, so a crash mid-update loses nothing.
    """

    __tablename__ = "processed_updates"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    # Polling mode keeps the update itself until it is handled (``UpdateInbox``).
    payload: Mapped[dict[str, Any] | None]
