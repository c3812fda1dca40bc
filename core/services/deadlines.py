"""Deadlines that act: warn before a clock runs out, escalate when it has (PROCEDURE.md §4–5).

``sweep`` is meant to run every minute or so (the bot's job runner, or
``complaint-desk jobs run-due`` from cron). It never scans the case table: it reads, by
the indexed ``cases.next_due`` (the earliest running deadline, NULL while paused or
closed), only the cases whose earliest deadline falls inside the warning window, page by
page. For each, ``core.alerts`` decides which alerts are owed; a case that owes one is
then changed in its own short transaction, under its row lock:

    breach -> Case.escalate (system actor, reason naming the clocks) -> clocks refreshed
           -> case saved with its audit event -> alerts + other notices in the outbox
           -> what was said remembered (cases.deadline_alerts) -> commit

That is ``handling.escalate`` (same domain method, ``refresh_deadlines``, ``notices_for``) plus
the alerts, which must commit together with the escalation; ``handling._change`` commits
on its own, so the sweep has its own transaction rather than calling it. Writing the
``deadline_alerts`` record bumps the case's version, which anchors the outbox keys of the
alerts (a warning alone writes no audit row to anchor them on).

Running the sweep twice, or in two processes at once, sends nothing twice: the second
finds the alerts remembered (the row lock makes it wait for the first to commit).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from core import alerts
from core.domain import Action, Actor, Severity
from core.domain.deadlines import refresh_deadlines
from core.domain.weighing import overdue_unsolved
from core.notices import notices_for
from core.organisation import Organisation
from core.policy import Deadline, MajorTrigger
from core.ports import Database
from core.services import staff
from core.services.major import when_major
from core.services.revisits import awaiting_survey_answer, follow_up_jobs
from core.services.rules import Rules

log = logging.getLogger(__name__)
PAGE = 500  # cases read per query


@dataclass(frozen=True)
class Alerted:
    """One alert the sweep queued."""

    case_id: int
    number: str
    clock: str
    stage: str  # warning | breach
    due: datetime
    audiences: tuple[str, ...]
    deliver_at: datetime
    level: str


@dataclass
class SweepResult:
    now: datetime
    until: datetime  # the warning horizon used
    examined: int = 0  # cases read (their next_due was inside the window)
    alerts: list[Alerted] = field(default_factory=list)
    escalations: list[tuple[str, str]] = field(default_factory=list)  # (number, new level)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (case id, error)

    @property
    def warnings(self) -> list[Alerted]:
        return [a for a in self.alerts if a.stage == alerts.WARNING]

    @property
    def breaches(self) -> list[Alerted]:
        return [a for a in self.alerts if a.stage == alerts.BREACH]


async def sweep(db: Database, rules: Rules, now: datetime, *, page: int = PAGE,
                organisation: Organisation | None = None) -> SweepResult:
    """Warn, alert and escalate for every case whose clocks call for it at ``now``.
    With ``organisation``, a breach that escalates a case is also told to each person on
    the new level (its staff as they are now, ``core.services.staff``)."""
    until = alerts.horizon(rules.policy, rules.calendar, now)
    result = SweepResult(now, until)
    after: tuple[datetime, int] | None = None
    while True:
        # The sweep's only read of the case table: an index range on ``next_due``, in
        # keyset pages (``core.db.case_queries.due_query``); no write lock to read it.
        async with db.uow(read_only=True) as reader:
            rows = await reader.queries.due(until, after, page)
        for row in rows:
            result.examined += 1
            # A cheap look without a lock; the decision is taken again under it.
            if not alerts.owed(row.deadlines, row.alerts_said, now, until):
                continue
            try:
                await _attend(db, rules, row.id, now, until, result, organisation)
            except Exception as exc:  # one bad case must not stop the sweep
                log.exception("deadline sweep: case %s failed", row.id)
                result.failures.append((row.id, f"{type(exc).__name__}: {exc}"))
        if len(rows) < page:
            return result
        after = (rows[-1].next_due, rows[-1].id)


async def _attend(db: Database, rules: Rules, case_id: int, now: datetime, until: datetime,
                  result: SweepResult, organisation: Organisation | None) -> None:
    policy, calendar = rules.policy, rules.calendar
    async with db.uow() as uow:
        case = await uow.cases.get(case_id)  # row lock: a second sweeper waits here
        if case.paused_since is not None or case.state.is_closed:
            return
        said = await uow.cases.alerts_said(case_id)
        due_now = alerts.owed(case.deadlines, said, now, until)
        if not due_now:
            return
        # The revisit clock is about our sending the survey; once it went out, only the
        # customer's answer is awaited: not staff's overdue work, so no alert and no
        # escalation, though it is remembered so the sweep does not look again.
        quiet = ([a for a in due_now if a.clock is Deadline.REVISIT]
                 if await awaiting_survey_answer(uow, case) else [])
        due_now = [a for a in due_now if a not in quiet]
        breaches = [a for a in due_now if a.stage == alerts.BREACH]
        escalated = False
        if breaches:
            escalated = case.escalate(Actor.system(), now, policy,
                                      alerts.escalation_reason(breaches))
            if overdue_unsolved(case, policy, (a.clock for a in breaches)):
                case.set_severity(Actor.system(), now, Severity.MAJOR,
                                  trigger=MajorTrigger.OVERDUE_UNSOLVED)
        events = tuple(case.events)
        if events:
            refresh_deadlines(case, Action.ESCALATE, policy, calendar, now)
        await uow.cases.note_alerts(case_id, alerts.remember(
            case.deadlines, said, [a for a in due_now + quiet if a.clock in case.deadlines]))
        if events:
            await uow.cases.save(case)  # also writes deadline_alerts; bumps the version
            version = case.version
        else:
            version = await uow.cases.touch(case_id)  # deadline_alerts only; bumps it too
        deliver = alerts.deliver_at(case, calendar, now)
        # Who stands on the new level, read in this transaction: invited staff too.
        people = (await staff.roster_in(uow, organisation)
                  if escalated and organisation is not None else [])
        outgoing = alerts.notices(case, due_now, policy, now, tz=calendar.tz,
                                  escalated=escalated, calendar=calendar, staff=people)
        if events:  # as handling._change does: anchored on the change's newest audit row
            major = await when_major(uow.jobs, case, events, rules, now)
            await uow.outbox.add(notices_for(case, events) + major, now,
                                 uow.cases.last_event_id)
        # A warning alone writes no audit row, so the alerts are anchored on the case's
        # version instead, which every sweep transaction bumps (deadline_alerts changes).
        # Deadline alert kinds are never anchored on an audit row, so the two never meet.
        # Due when it may be delivered (working hours), but created now.
        await uow.outbox.add(outgoing, deliver, version, created_at=now)
        await follow_up_jobs(uow.jobs, case, events, rules, now)
        await uow.commit()
    level = alerts.level_code(case, policy)
    if escalated:
        result.escalations.append((str(case.number), level))
    for item in due_now:
        audiences = tuple(n.audience + (f":{n.address}" if n.address else "")
                          for n in outgoing
                          if n.payload.get("clock") == item.clock.value
                          and n.kind in ((alerts.KIND_BREACH, alerts.KIND_ESCALATED)
                                         if item.stage == alerts.BREACH
                                         else (alerts.KIND_WARNING,)))
        result.alerts.append(Alerted(case_id, str(case.number), item.clock.value, item.stage,
                                     item.due, audiences, deliver, level))


@dataclass(frozen=True)
class Upcoming:
    number: str
    state: str
    department: str | None
    level: int
    clock: str
    due: datetime


async def upcoming(db: Database, limit: int = 20) -> list[Upcoming]:
    """The running deadlines that come first (overdue ones included), by ``next_due``."""
    async with db.uow(read_only=True) as uow:
        rows = await uow.queries.upcoming(limit)
    return [Upcoming(row.number, row.state, row.department, row.level,
                     row.earliest()[0].value, row.next_due) for row in rows]
