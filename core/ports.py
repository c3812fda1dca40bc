"""Ports the services depend on; adapters (SQL, system clock, test clocks, the in-memory
fake in ``tests/fakes.py``) implement them.

Services and the bot outside its composition root see only these: a ``Database`` that
opens units of work, and the repositories a ``UnitOfWork`` exposes. The records they
return are plain frozen dataclasses (``core.records``), never ORM rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from core.domain import Case, CaseEvent, CaseNumber
from core.notices import Notice
from core.records import (
    CardRecord,
    Conflict,
    DueCase,
    EventMark,
    FoundCase,
    GroupRecord,
    Invitation,
    Job,
    JobToSchedule,
    OpenCase,
    Person,
    ReadOnlyError,
    StaffRecord,
    WeekFigures,
)

__all__ = [
    "CardRecord",
    "CaseQueries",
    "CaseRepository",
    "Clock",
    "Conflict",
    "Database",
    "DueCase",
    "EventMark",
    "FoundCase",
    "GroupRecord",
    "GroupRepository",
    "Invitation",
    "Job",
    "JobQueue",
    "JobToSchedule",
    "Jobs",
    "OpenCase",
    "Outbox",
    "Person",
    "PersonRepository",
    "ReadOnlyError",
    "StaffRecord",
    "StaffRepository",
    "UnitOfWork",
    "WeekFigures",
]


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class CaseRepository(Protocol):
    # The newest audit row the last add/save wrote: it anchors that change's outbox keys.
    last_event_id: int

    async def next_serial(self, period: str) -> int: ...
    async def add(self, case: Case) -> Case: ...
    async def get(self, case_id: int, *, lock: bool = True) -> Case: ...
    async def by_intake_key(self, intake_key: str) -> Case | None: ...
    async def save(self, case: Case) -> None: ...
    async def history(self, case_id: int, *, offset: int = 0, limit: int = 100
                      ) -> list[CaseEvent]: ...
    async def for_customer(self, customer_id: int, *, limit: int = 50) -> list[Case]: ...
    async def alerts_said(self, case_id: int) -> dict[str, Any] | None:
        """What deadline alerts were already sent for a case loaded in this unit of work."""
        ...
    async def note_alerts(self, case_id: int, said: dict[str, Any] | None) -> None:
        """Remember ``said``; written with the next ``save`` or ``touch``."""
        ...
    async def touch(self, case_id: int) -> int:
        """Write what was noted without a domain change; the case's new version."""
        ...
    async def last_event(self, case_id: int, actions: Sequence[str]) -> EventMark | None: ...


class PersonRepository(Protocol):
    async def get(self, person_id: int) -> Person: ...
    async def by_telegram(self, telegram_id: int) -> Person | None: ...
    async def by_phone(self, phone: str) -> Person | None: ...
    async def add(self, now: datetime, *, telegram_id: int | None = None,
                  name: str | None = None, phone: str | None = None,
                  language: str | None = None) -> Person: ...
    async def update(self, person_id: int, *, name: str | None = None,
                     phone: str | None = None, language: str | None = None) -> Person:
        """Set the fields given (``None`` leaves a field as it is)."""
        ...


class Outbox(Protocol):
    """Notices written in the change's transaction (delivered later by the sender)."""

    async def add(self, notices: Iterable[Notice], now: datetime, anchor: int, *,
                  created_at: datetime | None = None) -> None: ...
    async def said_since(self, case_id: int, kind: str, since: datetime) -> bool: ...
    async def redeliver_cards(self, audience: str, address: str, now: datetime) -> int:
        """Cards of open cases that could not reach this recipient, due again ``now``;
        how many."""
        ...


class Jobs(Protocol):
    """Durable jobs written in the change's transaction."""

    async def schedule(self, kind: str, key: str, due_at: datetime, payload: dict[str, Any],
                       now: datetime) -> None: ...
    async def cancel(self, key: str, now: datetime) -> None: ...
    async def exists(self, key: str) -> bool: ...
    async def record_done(self, key: str, kind: str, payload: dict[str, Any],
                          now: datetime) -> None:
        """A ledger row (digest, monthly report): raises ``Conflict`` if the key exists."""
        ...


class GroupRepository(Protocol):
    async def get(self, chat_id: int) -> GroupRecord | None: ...
    async def newest(self, binding: str) -> GroupRecord | None: ...
    async def bind(self, chat_id: int, binding: str, by_telegram_id: int, now: datetime, *,
                   is_forum: bool, language: str | None) -> GroupRecord: ...
    async def unbind(self, chat_id: int) -> None: ...
    async def set_active(self, chat_id: int, active: bool) -> GroupRecord | None:
        """The binding with ``active`` set; ``None`` if absent or already so."""
        ...
    async def absent(self, chat_id: int, binding: str, now: datetime, *, is_forum: bool,
                     language: str | None) -> GroupRecord | None:
        """A group of the organisation file the bot is out of: asleep until ``set_active``
        wakes it (which leaves the file in charge again); ``None`` if already recorded."""
        ...
    async def card(self, case_id: int, chat_id: int) -> CardRecord | None: ...
    async def remember_card(self, card: CardRecord) -> None: ...
    async def note_rendered(self, case_id: int, chat_id: int, rendered: str) -> None:
        """What the card shows now (a digest), after an edit went through."""
        ...


class StaffRepository(Protocol):
    """Staff added or changed in chat, and the invitations to join."""

    async def get(self, telegram_id: int) -> StaffRecord | None: ...
    async def all(self) -> list[StaffRecord]: ...
    async def put(self, member: StaffRecord, by_telegram_id: int, now: datetime) -> None: ...
    async def invite(self, token_hash: str, role: str, department: str | None,
                     level: str | None, by_telegram_id: int, now: datetime,
                     expires_at: datetime) -> Invitation: ...
    async def invitation(self, token_hash: str) -> Invitation | None: ...
    async def use(self, invitation_id: int, by_telegram_id: int, now: datetime) -> bool:
        """Spend an invitation; False if it was spent meanwhile."""
        ...


class CaseQueries(Protocol):
    """Bounded reads across cases (pages, limits, indexed ranges) for the desk and jobs."""

    async def due(self, until: datetime, after: tuple[datetime, int] | None, limit: int
                  ) -> list[DueCase]: ...
    async def overdue(self, until: datetime, offset: int, limit: int
                      ) -> tuple[list[DueCase], int]: ...
    async def upcoming(self, limit: int) -> list[DueCase]: ...
    async def case_id(self, number: CaseNumber) -> int | None: ...
    async def count_events(self, case_id: int) -> int: ...
    async def names(self, person_ids: Iterable[int]) -> dict[int, str]: ...
    async def find(self, text: str, limit: int) -> tuple[list[FoundCase], int]: ...
    async def week(self, since: datetime, now: datetime) -> WeekFigures: ...
    async def open_cases(self) -> list[OpenCase]: ...
    async def any_filed_before(self, moment: datetime) -> bool: ...


class UnitOfWork(Protocol):
    """One transaction; rolls back unless ``commit()`` was called. A read-only one never
    takes the write lock and refuses to write (``ReadOnlyError``)."""

    # Read-only properties: an adapter's own repository classes then satisfy them.
    @property
    def cases(self) -> CaseRepository: ...
    @property
    def people(self) -> PersonRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def jobs(self) -> Jobs: ...
    @property
    def groups(self) -> GroupRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def queries(self) -> CaseQueries: ...

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: Any) -> None: ...
    async def commit(self) -> None:
        """Raises ``Conflict`` when a unique key was taken meanwhile."""
        ...


class JobQueue(Protocol):
    """The runner's side of durable jobs: claimed as leases, each outcome recorded."""

    async def claim(self, now: datetime, limit: int = 20, *,
                    kinds: Iterable[str] | None = None) -> list[Job]: ...
    async def done(self, job_id: int, now: datetime) -> None: ...
    async def retry(self, job: Job, due_at: datetime, error: str) -> None: ...
    async def schedule(self, job: JobToSchedule) -> None:
        """One job, in a transaction of its own (outside any unit of work)."""
        ...


class Database(Protocol):
    """The process's database as services and bot modules see it."""

    @property
    def jobs(self) -> JobQueue: ...

    def uow(self, *, read_only: bool = False) -> UnitOfWork: ...
    async def person_by_telegram(self, telegram_id: int) -> Person | None:
        """The bot asks this for nearly every update: one statement, no transaction."""
        ...

    async def person_and_conversation(
            self, telegram_id: int, conversation_key: str,
    ) -> tuple[Person | None, tuple[str | None, dict[str, Any]]]:
        """The person and the stored (state, data) of a conversation the bot does not hold:
        an update's two first reads, in one statement."""
        ...


