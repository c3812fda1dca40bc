"""Plain records the ports return (never ORM rows), and the errors they raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.policy import Deadline


class Conflict(Exception):
    """A write met a unique key another transaction took first (a race, or a replay)."""


class ReadOnlyError(RuntimeError):
    """A write was attempted in a read-only unit of work."""


@dataclass(frozen=True)
class StaffRecord:
    """A staff member as added or changed in chat; wins over the organisation file."""

    telegram_id: int
    name: str
    role: str  # specialist | department | supervisor
    department: str | None
    level: str | None
    active: bool = True  # False: removed (even if the organisation file lists them)


@dataclass(frozen=True)
class Invitation:
    """An invitation to join as staff (its token is never stored, only its hash)."""

    id: int
    role: str
    department: str | None
    level: str | None
    created_by: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class Person:
    id: int
    telegram_id: int | None
    name: str | None
    language: str | None
    phone: str | None = None
    # Their row in staff_members, read with the person on every update (None: none).
    staff: StaffRecord | None = None


@dataclass(frozen=True)
class GroupRecord:
    """A group bound in chat (``/bind``)."""

    chat_id: int
    binding: str
    language: str | None
    is_forum: bool
    active: bool


@dataclass(frozen=True)
class CardRecord:
    """Where a case's card lives in a group, so it can be edited in place."""

    case_id: int
    chat_id: int
    message_id: int
    thread_id: int | None
    created_at: datetime
    rendered: str | None = None  # digest of the text and buttons last sent (None: unknown)


@dataclass(frozen=True)
class DueCase:
    """A case with a running deadline, as the sweep, the desk and ``upcoming`` read it."""

    id: int
    number: str
    state: str
    severity: str
    department: str | None
    level: int  # escalation level
    next_due: datetime
    deadlines: dict[Deadline, datetime]
    alerts_said: dict[str, Any] | None = None
    owner_name: str | None = None

    def earliest(self) -> tuple[Deadline, datetime]:
        return min(self.deadlines.items(), key=lambda item: item[1])


@dataclass(frozen=True)
class EventMark:
    """One audit event, briefly: what was done, with what data, when."""

    action: str
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class FoundCase:
    case_id: int
    number: str
    state: str
    filed_at: datetime
    contact_name: str | None
    description: str


@dataclass(frozen=True)
class WeekFigures:
    new: int
    closed: int
    overdue: int
    answers: list[dict[str, Any]] = field(default_factory=list)  # survey events' data


@dataclass(frozen=True)
class OpenCase:
    number: str
    state: str
    department: str | None
    next_due: datetime | None
    owner: str | None
    deadlines: dict[Deadline, datetime] = field(default_factory=dict)  # the running ones
    level: int = 0  # escalation level; 1 and up: the supervisors hear of the case
    paused: bool = False  # waiting on the customer: the clocks stand still

    def earliest(self) -> tuple[Deadline, datetime] | None:
        if not self.deadlines:
            return None
        return min(self.deadlines.items(), key=lambda item: item[1])


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class JobToSchedule:
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    now: datetime
