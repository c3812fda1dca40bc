"""What the supervisor's desk reads: overdue cases, one case's whole history, a search,
the week in figures. Read-only; each query is bounded (pages, limits), never a scan of
every case into Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core import alerts
from core.domain import Case, CaseEvent, CaseNumber, DomainError, Rating
from core.policy import Deadline
from core.ports import Database, FoundCase
from core.services.rules import Rules

PAGE = 8  # cases or events per page: fits one Telegram message with room to spare
FIND_LIMIT = 20


@dataclass(frozen=True)
class Urgent:
    """An open case whose earliest deadline has passed or is inside the warning window."""

    case_id: int
    number: str
    state: str
    severity: str
    department: str | None
    owner: str | None
    level: int
    clock: Deadline
    due: datetime


async def overdue(db: Database, rules: Rules, now: datetime, *, offset: int = 0,
                  limit: int = PAGE) -> tuple[list[Urgent], int]:
    """Most urgent first (earliest deadline); ``(page, total)``.

    Uses the same index and warning horizon as the deadline sweep; paused and closed
    cases have no ``next_due`` and so never appear.
    """
    until = alerts.horizon(rules.policy, rules.calendar, now)
    async with db.uow(read_only=True) as uow:
        rows, total = await uow.queries.overdue(until, offset, limit)
    page = []
    for row in rows:
        clock, due = row.earliest()
        page.append(Urgent(row.id, row.number, row.state, row.severity, row.department,
                           row.owner_name, row.level, clock, due))
    return page, total


@dataclass(frozen=True)
class HistoryPage:
    case: Case
    events: list[CaseEvent]
    offset: int
    total: int  # events in the whole history
    names: dict[int, str] = field(default_factory=dict)  # person id -> name, for "who"


async def case_id_of(db: Database, text: str) -> int:
    """The id of the case numbered ``text``; a clear refusal for a bad or unknown one."""
    number = CaseNumber.parse(text)
    async with db.uow(read_only=True) as uow:
        found = await uow.queries.case_id(number)
    if found is None:
        raise DomainError("case_not_found", case=str(number))
    return found


async def history(db: Database, case_id: int, *, offset: int = 0, limit: int = PAGE
                  ) -> HistoryPage:
    """One page of the full audit trail (oldest first), with the names of who acted."""
    async with db.uow(read_only=True) as uow:
        case = await uow.cases.get(case_id, lock=False)
        total = await uow.queries.count_events(case_id)
        # A page past the end (a forged or stale button) shows the last page instead.
        offset = min(max(offset, 0), max(total - 1, 0) // limit * limit)
        events = await uow.cases.history(case_id, offset=offset, limit=limit)
        ids = {e.actor.person_id for e in events if e.actor.person_id is not None}
        ids |= {case.customer_id} | ({case.owner_id} if case.owner_id else set())
        names = await uow.queries.names(ids)
    return HistoryPage(case, events, offset, total, names)


Found = FoundCase  # a case a search found (number, state, filed, contact, words)


async def find(db: Database, text: str, *, limit: int = FIND_LIMIT) -> tuple[list[Found], int]:
    """Cases by number, by customer phone (its trailing digits), or by words in the
    complaint; newest first; ``(first matches, how many in all)``."""
    async with db.uow(read_only=True) as uow:
        return await uow.queries.find(text, limit)


@dataclass(frozen=True)
class WeekStats:
    since: datetime  # Monday 00:00 this week, in the organisation's time zone
    new: int
    closed: int
    overdue: int  # open now with a deadline already passed
    ratings: dict[str, int]  # survey answers this week, by rating (no answer excluded)

    @property
    def answered(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfied(self) -> int:
        return self.ratings.get(Rating.VERY_SATISFIED.value, 0) + self.ratings.get(
            Rating.SATISFIED.value, 0)


def week_start(rules: Rules, now: datetime) -> datetime:
    local = now.astimezone(rules.calendar.tz)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


async def week_stats(db: Database, rules: Rules, now: datetime) -> WeekStats:
    since = week_start(rules, now)
    async with db.uow(read_only=True) as uow:
        figures = await uow.queries.week(since, now)
    ratings: dict[str, int] = {}
    for data in figures.answers:
        rating = data.get("rating")
        if rating and rating != Rating.NO_ANSWER.value:
            ratings[rating] = ratings.get(rating, 0) + 1
    return WeekStats(since, figures.new, figures.closed, figures.overdue, ratings)
