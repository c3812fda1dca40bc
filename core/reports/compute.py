"""The monthly summary (投诉汇总表, PROCEDURE.md §6) computed by the database.

Every figure is a ``GROUP BY`` over the cases **filed in the period** (local midnights in
the organisation's time zone), whatever happened to them since: the same cases the raw
list in the workbook shows, so every table adds up to the list. Python only receives
the grouped rows (a few hundred at most), never the cases.

- **Validity**: ``closed_invalid`` is invalid; a case still at the desk (received or
  investigating) that was never reopened is not yet judged; every other case is valid.
- **On time**, per clock (``core.domain.deadlines``). A clock's deadline is stored on the
  case only while it runs, so a stopped clock is judged by the deadline sweep's record:
  the sweep queues a ``deadline_breach`` notice (outbox, kept) the moment a running clock
  passes its deadline. A clock is *late* if such a breach was recorded for it, or if it
  is running now (not paused for the customer) past its deadline; *still running* if it
  runs and is not yet due (or is paused) and never breached; otherwise *on time*. A clock
  counts for a case when it ran at all: customer answer and whole case always; first
  response and hand-over when the policy has a desk step (else only if they ever ran);
  the department's solution once the case was assigned; the revisit once the solution
  was carried out. The rate is on time / (on time + late), judged ``as_of`` the report.
- **Satisfaction**: every survey answer (``record_revisit``, each round) on those cases,
  per the department that handled the case when the answer came (the latest assign or
  transfer before it: a dissatisfied answer reopens the case and clears its department).
  The satisfied rate is (very) satisfied among the answers given; "no answer" is shown
  but left out of the rate.
- **Repeat complaints**: a customer, or a product (same text, case and spaces ignored),
  with two or more cases in the period.
- **Compensation**: proposals are every ``propose`` event with an amount; approved are
  the cases whose current solution has an amount and needs no (more) approval.
- **Root causes**: ``add_capa`` events, grouped by the root cause's text (case and
  spaces ignored); recurring when recorded on two or more cases.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, and_, case, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.alerts import KIND_BREACH
from core.db.models import CaseEventRow, CaseRow, NotificationRow
from core.db.uow import Database
from core.domain import Action, CaseState
from core.policy import Deadline, Policy
from core.reports.model import ClockTally, Money, Repeat, RootCause, Summary
from core.reports.period import Period

LISTED = 50  # repeat groups and root causes listed by name (all are counted)
NUMBERS = 10  # case numbers shown per repeat group
_EARLY = (CaseState.RECEIVED.value, CaseState.INVESTIGATING.value)


def _in_period(start: datetime, end: datetime) -> Any:
    return and_(CaseRow.filed_at >= start, CaseRow.filed_at < end)


def validity_expression() -> Any:
    return case((CaseRow.state == CaseState.CLOSED_INVALID.value, literal("invalid")),
                (and_(CaseRow.state.in_(_EARLY), CaseRow.reopen_count == 0),
                 literal("pending")), else_=literal("valid"))


async def compute(db: Database, policy: Policy, period: Period, tz: Any,
                  as_of: datetime) -> Summary:
    start, end = period.bounds(tz)
    summary = Summary(period, str(getattr(tz, "key", tz)), as_of, policy.currency)
    ids = select(CaseRow.id).where(_in_period(start, end)).scalar_subquery()
    async with db.sessions() as session:
        await _counts(session, summary, start, end)
        if summary.empty:
            return summary
        await _on_time(session, summary, policy, period, tz, start, end, ids)
        await _satisfaction(session, summary, ids)
        await _repeats(session, summary, start, end)
        await _money(session, summary, start, end, ids)
        await _root_causes(session, summary, ids)
    return summary


async def _counts(session: AsyncSession, summary: Summary, start: datetime,
                  end: datetime) -> None:
    inner = select(func.coalesce(CaseRow.category, "").label("category"),
                   func.coalesce(CaseRow.department, "").label("department"),
                   CaseRow.severity.label("severity"),
                   validity_expression().label("validity")
                   ).where(_in_period(start, end)).subquery()
    rows = await session.execute(
        select(inner.c.category, inner.c.department, inner.c.severity, inner.c.validity,
               func.count()).group_by(inner.c.category, inner.c.department,
                                      inner.c.severity, inner.c.validity))
    for category, department, severity, validity, count in rows:
        summary.cells[category, department, severity, validity] = int(count)
    summary.total = sum(summary.cells.values())


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


async def _on_time(session: AsyncSession, summary: Summary, policy: Policy, period: Period,
                   tz: Any, start: datetime, end: datetime, ids: Any) -> None:
    clocks = [clock for clock in Deadline if policy.sla.get(clock) is not None]
    started = (select(CaseEventRow.case_id,
                      func.max(_flag(CaseEventRow.action.in_(
                          (Action.ASSIGN.value, Action.TRANSFER.value)))).label("assigned"),
                      func.max(_flag(CaseEventRow.action == Action.MARK_IMPLEMENTED.value)
                               ).label("implemented"))
               .where(CaseEventRow.case_id.in_(ids),
                      CaseEventRow.action.in_((Action.ASSIGN.value, Action.TRANSFER.value,
                                               Action.MARK_IMPLEMENTED.value)))
               .group_by(CaseEventRow.case_id).subquery())
    clock_of = NotificationRow.payload["clock"].as_string()
    breached = (select(NotificationRow.case_id,
                       *[func.max(_flag(clock_of == clock.value)).label(clock.value)
                         for clock in clocks])
                .where(NotificationRow.kind == KIND_BREACH, NotificationRow.case_id.in_(ids))
                .group_by(NotificationRow.case_id).subquery())
    buckets = period.buckets(tz)
    bucket = case(*[(CaseRow.filed_at < until, literal(label)) for label, until in buckets[:-1]],
                  else_=literal(buckets[-1][0]))
    columns: list[Any] = [bucket.label("bucket")]
    for clock in clocks:
        due = getattr(CaseRow, f"due_{clock.value}")
        was_breached = func.coalesce(breached.c[clock.value], 0) == 1
        if clock in (Deadline.CUSTOMER_ANSWER, Deadline.WHOLE_CASE) or (
                policy.desk_step and clock in (Deadline.FIRST_RESPONSE, Deadline.HANDOVER)):
            ran: Any = literal(True)
        elif clock is Deadline.DEPARTMENT_SOLUTION:
            ran = func.coalesce(started.c.assigned, 0) == 1
        elif clock is Deadline.REVISIT:
            ran = func.coalesce(started.c.implemented, 0) == 1
        else:
            ran = literal(False)
        ran = or_(ran, due.is_not(None), was_breached)
        late = or_(was_breached, and_(due.is_not(None), CaseRow.paused_since.is_(None),
                                      due < summary.as_of))
        columns += [_flag(ran).label(f"{clock.value}_ran"),
                    _flag(late).label(f"{clock.value}_late"),
                    _flag(and_(due.is_not(None), ~late)).label(f"{clock.value}_running")]
    inner = (select(*columns).select_from(CaseRow)
             .outerjoin(started, started.c.case_id == CaseRow.id)
             .outerjoin(breached, breached.c.case_id == CaseRow.id)
             .where(_in_period(start, end)).subquery())
    sums = [func.sum(inner.c[f"{clock.value}_{part}"])
            for clock in clocks for part in ("ran", "late", "running")]
    rows = (await session.execute(select(inner.c.bucket, *sums).group_by(inner.c.bucket))).all()
    found = {row[0]: row[1:] for row in rows}
    empty = [ClockTally(clock.value) for clock in clocks]
    for label, _until in buckets:
        values = found.get(label)
        tallies = empty if values is None else [
            ClockTally(clock.value, *(int(v or 0) for v in values[3 * i:3 * i + 3]))
            for i, clock in enumerate(clocks)]
        summary.trend.append((label, tallies))
    summary.on_time = [sum((t[i] for _l, t in summary.trend[1:]), summary.trend[0][1][i])
                       for i in range(len(clocks))]


async def _satisfaction(session: AsyncSession, summary: Summary, ids: Any) -> None:
    handover = aliased(CaseEventRow)
    department = (select(handover.data["department"].as_string())
                  .where(handover.case_id == CaseEventRow.case_id,
                         handover.action.in_((Action.ASSIGN.value, Action.TRANSFER.value)),
                         handover.id < CaseEventRow.id)
                  .order_by(handover.id.desc()).limit(1)
                  .correlate(CaseEventRow).scalar_subquery())
    inner = (select(func.coalesce(department, "").label("department"),
                    CaseEventRow.data["rating"].as_string().label("rating"))
             .where(CaseEventRow.action == Action.RECORD_REVISIT.value,
                    CaseEventRow.case_id.in_(ids)).subquery())
    rows = await session.execute(select(inner.c.department, inner.c.rating, func.count())
                                 .group_by(inner.c.department, inner.c.rating))
    for dept, rating, count in rows:
        summary.satisfaction.setdefault(dept or "", {})[rating or "no_answer"] = int(count)


async def _repeats(session: AsyncSession, summary: Summary, start: datetime,
                   end: datetime) -> None:
    product_key = func.lower(func.trim(CaseRow.product))
    for kind, key, label in (
            ("customer", CaseRow.customer_id,
             func.min(func.coalesce(CaseRow.contact_name, "") + literal(" ")
                      + func.coalesce(CaseRow.contact_phone, ""))),
            ("product", product_key, func.min(CaseRow.product))):
        groups = (select(key.label("key"), func.count().label("n"), label.label("label"))
                  .where(_in_period(start, end), key.is_not(None))
                  .group_by(key).having(func.count() > 1).subquery())
        count, cases = (await session.execute(
            select(func.count(), func.coalesce(func.sum(groups.c.n), 0)))).one()
        if kind == "customer":
            summary.repeat_customers, summary.repeat_customer_cases = int(count), int(cases)
        else:
            summary.repeat_products, summary.repeat_product_cases = int(count), int(cases)
        listed = (await session.execute(select(groups.c.key, groups.c.n, groups.c.label)
                                        .order_by(groups.c.n.desc(), groups.c.label)
                                        .limit(LISTED))).all()
        if not listed:
            continue
        numbers: dict[Any, list[str]] = {}
        rows = await session.execute(
            select(key, CaseRow.number).where(_in_period(start, end),
                                              key.in_([row.key for row in listed]))
            .order_by(CaseRow.filed_at, CaseRow.id))
        for group_key, number in rows:
            numbers.setdefault(group_key, []).append(number)
        summary.repeats += [Repeat(kind, str(row.label).strip(), int(row.n),
                                   tuple(numbers.get(row.key, [])[:NUMBERS]))
                            for row in listed]


def _money_amount(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


async def _money(session: AsyncSession, summary: Summary, start: datetime, end: datetime,
                 ids: Any) -> None:
    amount = cast(func.nullif(CaseEventRow.data["amount"].as_string(), ""), Numeric(14, 2))
    proposed = (select(CaseEventRow.data["kind"].as_string().label("kind"),
                       amount.label("amount"),
                       _flag(CaseEventRow.data["approval_level"].as_string().is_not(None)
                             ).label("approval"))
                .where(CaseEventRow.action == Action.PROPOSE.value,
                       CaseEventRow.case_id.in_(ids)).subquery())
    rows = await session.execute(
        select(proposed.c.kind, func.count(proposed.c.amount), func.sum(proposed.c.amount),
               func.sum(proposed.c.approval))
        .where(proposed.c.amount.is_not(None)).group_by(proposed.c.kind))
    by_kind = {kind: Money(kind, int(n), _money_amount(total), int(approval or 0))
               for kind, n, total, approval in rows}
    rows = await session.execute(
        select(CaseRow.remedy_kind, func.count(), func.sum(CaseRow.remedy_amount))
        .where(_in_period(start, end), CaseRow.remedy_amount.is_not(None),
               CaseRow.approval_level.is_(None))
        .group_by(CaseRow.remedy_kind))
    for kind, n, total in rows:
        base = by_kind.get(kind, Money(kind))
        by_kind[kind] = Money(kind, base.proposals, base.proposed_amount, base.needed_approval,
                              int(n), _money_amount(total))
    summary.money = sorted(by_kind.values(), key=lambda m: (-m.proposals, m.kind))
    rows = await session.execute(
        select(CaseEventRow.action, func.count())
        .where(CaseEventRow.action.in_((Action.APPROVE.value, Action.REFUSE_APPROVAL.value)),
               CaseEventRow.case_id.in_(ids)).group_by(CaseEventRow.action))
    for action, n in rows:
        if action == Action.APPROVE.value:
            summary.approvals_granted = int(n)
        else:
            summary.approvals_refused = int(n)


async def _root_causes(session: AsyncSession, summary: Summary, ids: Any) -> None:
    cause = CaseEventRow.data["root_cause"].as_string()
    inner = (select(func.lower(func.trim(cause)).label("key"), cause.label("cause"),
                    CaseEventRow.case_id, CaseEventRow.note, CaseEventRow.id)
             .where(CaseEventRow.action == Action.ADD_CAPA.value,
                    CaseEventRow.case_id.in_(ids)).subquery())
    rows = await session.execute(
        select(func.min(inner.c.cause), func.count(), func.count(inner.c.case_id.distinct()),
               func.max(inner.c.note))
        .group_by(inner.c.key)
        .order_by(func.count(inner.c.case_id.distinct()).desc(), func.count().desc(),
                  func.min(inner.c.cause))
        .limit(LISTED))
    summary.root_causes = [RootCause(str(label).strip(), int(times), int(cases), measure or "")
                           for label, times, cases, measure in rows]
