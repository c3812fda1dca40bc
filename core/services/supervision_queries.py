"""What the supervisor's desk reads: overdue cases, one case's whole history, a search,
the week in figures. Read-only; each query is bounded (pages, limits), never a scan of
every case into Python."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select

from core import alerts
from core.db.models import CaseEventRow, CaseRow, PersonRow
from core.db.uow import Database
from core.domain import Action, Case, CaseEvent, CaseNumber, DomainError, Rating
from core.domain.states import CLOSED_STATES
from core.policy import Clock
from core.services.deadlines import _DUE_COLUMNS, _deadlines
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
    clock: Clock
    due: datetime


async def overdue(db: Database, rules: Rules, now: datetime, *, offset: int = 0,
                  limit: int = PAGE) -> tuple[list[Urgent], int]:
    """Most urgent first (earliest deadline); ``(page, total)``.

    Uses the same index and warning horizon as the deadline sweep; paused and closed
    cases have no ``next_due`` and so never appear.
    """
    until = alerts.horizon(rules.policy, rules.calendar, now)
    where = CaseRow.next_due <= until
    async with db.sessions() as session:
        total = int((await session.execute(
            select(func.count(CaseRow.id)).where(where))).scalar_one())
        rows = (await session.execute(
            select(CaseRow.id, CaseRow.number, CaseRow.state, CaseRow.severity,
                   CaseRow.department, CaseRow.escalation_level, PersonRow.name,
                   *_DUE_COLUMNS.values())
            .outerjoin(PersonRow, PersonRow.id == CaseRow.owner_id)
            .where(where).order_by(CaseRow.next_due, CaseRow.id)
            .offset(max(offset, 0)).limit(limit))).all()
    page = []
    for row in rows:
        clock, due = min(_deadlines(row).items(), key=lambda item: item[1])
        page.append(Urgent(row.id, row.number, row.state, row.severity, row.department,
                           row.name, row.escalation_level, clock, due))
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
    async with db.sessions() as session:
        found = (await session.execute(
            select(CaseRow.id).where(CaseRow.number == str(number)))).scalar_one_or_none()
    if found is None:
        raise DomainError("case_not_found", case=str(number))
    return int(found)


async def history(db: Database, case_id: int, *, offset: int = 0, limit: int = PAGE
                  ) -> HistoryPage:
    """One page of the full audit trail (oldest first), with the names of who acted."""
    async with db.uow() as uow:
        case = await uow.cases.get(case_id, lock=False)
        total = int((await uow.session.execute(
            select(func.count(CaseEventRow.id)).where(CaseEventRow.case_id == case_id)
        )).scalar_one())
        # A page past the end (a forged or stale button) shows the last page instead.
        offset = min(max(offset, 0), max(total - 1, 0) // limit * limit)
        events = await uow.cases.history(case_id, offset=offset, limit=limit)
        ids = {e.actor.person_id for e in events if e.actor.person_id is not None}
        ids |= {case.customer_id} | ({case.owner_id} if case.owner_id else set())
        rows = await uow.session.execute(
            select(PersonRow.id, PersonRow.name).where(PersonRow.id.in_(ids)))
        names = {row.id: row.name for row in rows if row.name}
    return HistoryPage(case, events, offset, total, names)


@dataclass(frozen=True)
class Found:
    case_id: int
    number: str
    state: str
    filed_at: datetime
    contact_name: str | None
    description: str


def _search(text: str) -> Select:
    """Cases by number, by customer phone (the digits, at the end of the stored number,
    so "13800138000" finds "+8613800138000"), or by words in the complaint."""
    text = text.strip()
    try:
        return select(CaseRow).where(CaseRow.number == str(CaseNumber.parse(text)))
    except DomainError:
        pass
    digits = re.sub(r"\D", "", text)
    if re.fullmatch(r"\+?[\d\s\-()]+", text) and len(digits) >= 6:
        customers = select(PersonRow.id).where(PersonRow.phone.like(f"%{digits}"))
        return select(CaseRow).where(or_(CaseRow.contact_phone.like(f"%{digits}"),
                                         CaseRow.customer_id.in_(customers)))
    if len(text) < 2:
        raise DomainError("search_too_short")
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text[:100]) + "%"
    return select(CaseRow).where(or_(*(column.ilike(pattern, escape="\\") for column in (
        CaseRow.description, CaseRow.product, CaseRow.contact_name, CaseRow.demand_text,
        CaseRow.place))))


async def find(db: Database, text: str, *, limit: int = FIND_LIMIT) -> tuple[list[Found], int]:
    """Newest first; ``(first matches, how many in all)``."""
    statement = _search(text)
    async with db.sessions() as session:
        total = int((await session.execute(
            select(func.count()).select_from(statement.subquery()))).scalar_one())
        rows = (await session.execute(
            statement.order_by(CaseRow.filed_at.desc(), CaseRow.id.desc()).limit(limit)
        )).scalars().all()
    return [Found(row.id, row.number, row.state, row.filed_at, row.contact_name,
                  row.description) for row in rows], total


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
    closed_states = [state.value for state in CLOSED_STATES]
    async with db.sessions() as session:
        new = (await session.execute(select(func.count(CaseRow.id)).where(
            CaseRow.filed_at >= since, CaseRow.filed_at <= now))).scalar_one()
        closed = (await session.execute(select(func.count(CaseRow.id)).where(
            CaseRow.closed_at >= since, CaseRow.closed_at <= now,
            CaseRow.state.in_(closed_states)))).scalar_one()
        late = (await session.execute(select(func.count(CaseRow.id)).where(
            CaseRow.next_due < now))).scalar_one()
        # A week's survey answers are few; their rating sits in the event's JSON data.
        answers = (await session.execute(select(CaseEventRow.data).where(
            CaseEventRow.action == Action.RECORD_REVISIT.value, CaseEventRow.at >= since,
            CaseEventRow.at <= now))).scalars().all()
    ratings: dict[str, int] = {}
    for data in answers:
        rating = (data or {}).get("rating")
        if rating and rating != Rating.NO_ANSWER.value:
            ratings[rating] = ratings.get(rating, 0) + 1
    return WeekStats(since, int(new), int(closed), int(late), ratings)
