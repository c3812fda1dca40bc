"""Step 1: a complaint becomes a case with a number and a promised answer date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.uow import SqlUnitOfWork
from core.domain import (
    Action,
    Actor,
    Case,
    CaseEvent,
    CaseNumber,
    Intake,
    Severity,
)
from core.domain.clocks import promised_answer, refresh_clocks
from core.services.rules import Rules


@dataclass(frozen=True)
class Filed:
    case_id: int
    number: CaseNumber
    promised_answer: datetime | None
    severity: Severity
    department: str | None
    events: tuple[CaseEvent, ...]


async def file_case(uow: SqlUnitOfWork, rules: Rules, intake: Intake, customer_id: int,
                    actor: Actor) -> Filed:
    """File from chat (actor is the customer) or register for a phone or visit (staff).

    Number, case row, audit trail and deadlines commit together or not at all.
    """
    async with uow:
        now = rules.now()
        case = Case.file(intake, customer_id, actor, now, rules.policy)
        refresh_clocks(case, Action.FILE, rules.policy, rules.calendar, now)
        if not rules.policy.desk_step and case.intake.category:
            # No desk step: the category's own department takes it straight away.
            category = rules.policy.category(case.intake.category)
            assert category is not None  # validated by Intake
            case.assign(Actor.system(), now, category.department, rules.policy)
            refresh_clocks(case, Action.ASSIGN, rules.policy, rules.calendar, now)
        period = now.astimezone(rules.calendar.tz)
        case.number = CaseNumber.for_month(period, await uow.cases.next_serial(period.strftime("%y%m")))
        events = tuple(case.events)
        await uow.cases.add(case)
        await uow.commit()
    assert case.id is not None and case.number is not None
    return Filed(case.id, case.number, promised_answer(case), case.severity, case.department,
                 events)
