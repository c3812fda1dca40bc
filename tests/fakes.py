"""An in-memory unit of work and database implementing ``core.ports``, for service tests
that test decisions, not SQL: no migrations, no files, microseconds per test.

Committed state lives in a ``FakeStore``; a unit of work works on a deep copy and puts it
back on ``commit()``, so an exception (or no commit) leaves nothing behind — the same
promise the SQL unit of work makes. Locks and concurrency are not modelled: races stay
with the real-database tests.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.domain import Case, CaseEvent, CaseNumber, NotFound
from core.notices import Notice
from core.ports import (
    CardRecord,
    Conflict,
    DueCase,
    EventMark,
    FoundCase,
    GroupRecord,
    Job,
    JobToSchedule,
    OpenCase,
    Person,
    ReadOnlyError,
    WeekFigures,
)


@dataclass
class QueuedNotice:
    notice: Notice
    due_at: datetime
    created_at: datetime
    key: str


@dataclass
class FakeStore:
    cases: dict[int, Case] = field(default_factory=dict)
    history: dict[int, list[CaseEvent]] = field(default_factory=dict)
    alerts: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)
    notices: list[QueuedNotice] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)  # by key
    groups: dict[int, GroupRecord] = field(default_factory=dict)
    cards: dict[tuple[int, int], CardRecord] = field(default_factory=dict)
    events_written: int = 0  # audit row ids


class FakeCases:
    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.last_event_id = 0

    async def next_serial(self, period: str) -> int:
        self.store.serials[period] = self.store.serials.get(period, 0) + 1
        return self.store.serials[period]

    async def add(self, case: Case) -> Case:
        if case.intake_key and await self.by_intake_key(case.intake_key) is not None:
            raise Conflict(f"intake key {case.intake_key}")
        case.id = max(self.store.cases, default=0) + 1
        self.store.history[case.id] = []
        await self.save(case)
        return case

    async def get(self, case_id: int, *, lock: bool = True) -> Case:
        if case_id not in self.store.cases:
            raise NotFound("case_not_found", case=str(case_id))
        return copy.deepcopy(self.store.cases[case_id])

    async def by_intake_key(self, intake_key: str) -> Case | None:
        found = [c for c in self.store.cases.values() if c.intake_key == intake_key]
        return copy.deepcopy(found[0]) if found else None

    async def save(self, case: Case) -> None:
        assert case.id is not None
        case.version += 1
        self.store.history[case.id].extend(case.events)
        if case.events:
            self.store.events_written += len(case.events)
            self.last_event_id = self.store.events_written
        case.events.clear()
        self.store.cases[case.id] = copy.deepcopy(case)

    async def history(self, case_id: int, *, offset: int = 0, limit: int = 100
                      ) -> list[CaseEvent]:
        return list(self.store.history.get(case_id, [])[offset:offset + limit])

    async def for_customer(self, customer_id: int, *, limit: int = 50) -> list[Case]:
        mine = [c for c in self.store.cases.values() if c.customer_id == customer_id]
        return copy.deepcopy(sorted(mine, key=lambda c: c.filed_at, reverse=True)[:limit])

    async def alerts_said(self, case_id: int) -> dict[str, Any] | None:
        return self.store.alerts.get(case_id)

    async def note_alerts(self, case_id: int, said: dict[str, Any] | None) -> None:
        self.store.alerts[case_id] = said

    async def touch(self, case_id: int) -> int:
        self.store.cases[case_id].version += 1
        return self.store.cases[case_id].version

    async def last_event(self, case_id: int, actions: Sequence[str]) -> EventMark | None:
        for event in reversed(self.store.history.get(case_id, [])):
            if event.action.value in actions:
                return EventMark(event.action.value, dict(event.data), event.at)
        return None


class FakePeople:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def get(self, person_id: int) -> Person:
        if person_id not in self.store.people:
            raise NotFound("person_not_found", person=person_id)
        return self.store.people[person_id]

    async def by_telegram(self, telegram_id: int) -> Person | None:
        return next((p for p in self.store.people.values() if p.telegram_id == telegram_id),
                    None)

    async def by_phone(self, phone: str) -> Person | None:
        return next((p for p in self.store.people.values() if p.phone == phone), None)

    async def add(self, now: datetime, *, telegram_id: int | None = None,
                  name: str | None = None, phone: str | None = None,
                  language: str | None = None) -> Person:
        person = Person(max(self.store.people, default=0) + 1, telegram_id, name, language,
                        phone)
        self.store.people[person.id] = person
        return person

    async def update(self, person_id: int, *, name: str | None = None,
                     phone: str | None = None, language: str | None = None) -> Person:
        old = await self.get(person_id)
        new = replace(old, name=name or old.name, phone=phone or old.phone,
                      language=language or old.language)
        self.store.people[person_id] = new
        return new


class FakeOutbox:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def add(self, notices: Iterable[Notice], now: datetime, anchor: int, *,
                  created_at: datetime | None = None) -> None:
        for index, notice in enumerate(notices):
            key = f"{notice.case_id}-{anchor}-{index}-{notice.kind}-{notice.audience}"
            if any(queued.key == key for queued in self.store.notices):
                raise Conflict(key)
            self.store.notices.append(QueuedNotice(notice, now, created_at or now, key))

    async def said_since(self, case_id: int, kind: str, since: datetime) -> bool:
        return any(q.notice.case_id == case_id and q.notice.kind == kind
                   and q.created_at >= since for q in self.store.notices)

    async def redeliver_cards(self, audience: str, address: str, now: datetime) -> int:
        raise NotImplementedError("delivery outcomes are the SQL outbox's; use a real database")


class FakeJobs:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def schedule(self, kind: str, key: str, due_at: datetime, payload: dict[str, Any],
                       now: datetime) -> None:
        self.store.jobs[key] = {"kind": kind, "due_at": due_at, "payload": dict(payload),
                                "status": "pending"}

    async def cancel(self, key: str, now: datetime) -> None:
        if key in self.store.jobs and self.store.jobs[key]["status"] == "pending":
            self.store.jobs[key]["status"] = "cancelled"

    async def exists(self, key: str) -> bool:
        return key in self.store.jobs

    async def record_done(self, key: str, kind: str, payload: dict[str, Any],
                          now: datetime) -> None:
        if key in self.store.jobs:
            raise Conflict(key)
        self.store.jobs[key] = {"kind": kind, "due_at": now, "payload": dict(payload),
                                "status": "done"}


class FakeGroups:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def get(self, chat_id: int) -> GroupRecord | None:
        return self.store.groups.get(chat_id)

    async def newest(self, binding: str) -> GroupRecord | None:
        found = [g for g in self.store.groups.values() if g.binding == binding]
        return found[-1] if found else None

    async def bind(self, chat_id: int, binding: str, by_telegram_id: int, now: datetime, *,
                   is_forum: bool, language: str | None) -> GroupRecord:
        self.store.groups[chat_id] = GroupRecord(chat_id, binding, language, is_forum, True)
        return self.store.groups[chat_id]

    async def unbind(self, chat_id: int) -> None:
        self.store.groups.pop(chat_id, None)

    async def set_active(self, chat_id: int, active: bool) -> GroupRecord | None:
        group = self.store.groups.get(chat_id)
        if group is None or group.active == active:
            return None
        self.store.groups[chat_id] = replace(group, active=active)
        return self.store.groups[chat_id]

    async def absent(self, chat_id: int, binding: str, now: datetime, *, is_forum: bool,
                     language: str | None) -> GroupRecord | None:
        if chat_id in self.store.groups:
            return None
        self.store.groups[chat_id] = GroupRecord(chat_id, binding, language, is_forum, False)
        return self.store.groups[chat_id]

    async def card(self, case_id: int, chat_id: int) -> CardRecord | None:
        return self.store.cards.get((case_id, chat_id))

    async def remember_card(self, card: CardRecord) -> None:
        self.store.cards[(card.case_id, card.chat_id)] = card

    async def note_rendered(self, case_id: int, chat_id: int, rendered: str) -> None:
        card = self.store.cards[(case_id, chat_id)]
        self.store.cards[(case_id, chat_id)] = replace(card, rendered=rendered)


class FakeQueries:
    """The cross-case reads are SQL's business (tested on real databases); the few a fake
    test needs answer from memory, the rest say so."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def due(self, until: datetime, after: tuple[datetime, int] | None, limit: int
                  ) -> list[DueCase]:
        raise NotImplementedError("use a real database for the deadline sweep")

    async def overdue(self, until: datetime, offset: int, limit: int
                      ) -> tuple[list[DueCase], int]:
        raise NotImplementedError("use a real database for the desk's queries")

    async def upcoming(self, limit: int) -> list[DueCase]:
        raise NotImplementedError("use a real database for the desk's queries")

    async def case_id(self, number: CaseNumber) -> int | None:
        return next((i for i, c in self.store.cases.items() if c.number == number), None)

    async def count_events(self, case_id: int) -> int:
        return len(self.store.history.get(case_id, []))

    async def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        return {i: p.name for i in person_ids
                if (p := self.store.people.get(i)) is not None and p.name}

    async def find(self, text: str, limit: int) -> tuple[list[FoundCase], int]:
        raise NotImplementedError("use a real database for searches")

    async def week(self, since: datetime, now: datetime) -> WeekFigures:
        raise NotImplementedError("use a real database for the week's figures")

    async def open_cases(self) -> list[OpenCase]:
        raise NotImplementedError("use a real database for the digest")

    async def any_filed_before(self, moment: datetime) -> bool:
        return any(c.filed_at < moment for c in self.store.cases.values())


class FakeUnitOfWork:
    def __init__(self, store: FakeStore, *, read_only: bool = False) -> None:
        self.committed_to = store
        self.read_only = read_only

    async def __aenter__(self) -> FakeUnitOfWork:
        self.store = copy.deepcopy(self.committed_to)
        self.cases = FakeCases(self.store)
        self.people = FakePeople(self.store)
        self.outbox = FakeOutbox(self.store)
        self.jobs = FakeJobs(self.store)
        self.groups = FakeGroups(self.store)
        self.queries = FakeQueries(self.store)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.store = FakeStore()  # what was not committed is gone

    async def commit(self) -> None:
        if self.read_only:
            raise ReadOnlyError("commit() in a read-only unit of work")
        self.committed_to.__dict__.update(copy.deepcopy(self.store).__dict__)


class FakeJobQueue:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    async def claim(self, now: datetime, limit: int = 20, *,
                    kinds: Iterable[str] | None = None) -> list[Job]:
        raise NotImplementedError("use a real database for claims")

    async def done(self, job_id: int, now: datetime) -> None:
        raise NotImplementedError("use a real database for claims")

    async def retry(self, job: Job, due_at: datetime, error: str) -> None:
        raise NotImplementedError("use a real database for claims")

    async def schedule(self, job: JobToSchedule) -> None:
        await FakeJobs(self.store).schedule(job.kind, job.key, job.due_at, job.payload,
                                            job.now)


class FakeDatabase:
    def __init__(self) -> None:
        self.store = FakeStore()
        self.jobs = FakeJobQueue(self.store)

    def uow(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, read_only=read_only)

    async def person_by_telegram(self, telegram_id: int) -> Person | None:
        return next((p for p in self.store.people.values() if p.telegram_id == telegram_id),
                    None)
