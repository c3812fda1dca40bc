"""Step 1: a complaint becomes a case with a number and a promised answer date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from core.domain import (
    Action,
    Actor,
    Case,
    CaseEvent,
    CaseNumber,
    Evidence,
    Intake,
    Severity,
)
from core.domain.deadlines import promised_answer, refresh_deadlines
from core.domain.states import CaseState
from core.domain.weighing import weighed_triggers
from core.notices import notices_for
from core.policy import MajorTrigger
from core.ports import Conflict, UnitOfWork
from core.services import validity
from core.services.major import when_major
from core.services.rules import Rules


@dataclass(frozen=True)
class Filed:
    case_id: int
    number: CaseNumber
    promised_answer: datetime | None
    severity: Severity
    department: str | None
    events: tuple[CaseEvent, ...]


async def file_case(uow: UnitOfWork, rules: Rules, intake: Intake, customer_id: int,
                    actor: Actor, *, evidence: Sequence[Evidence] = (),
                    intake_key: str | None = None) -> Filed:
    """File from chat (actor is the customer) or register for a phone or visit (staff).

    Number, case row, evidence, audit trail and deadlines commit together or not at all.
    ``intake_key`` makes filing idempotent: the same intake pressed "confirm" twice, or
    retried after a crash, yields the one case it already made.
    """
    if intake_key is not None:
        existing = await _already_filed(uow, intake_key)
        if existing is not None:
            return existing
    async with uow:
        now = rules.now()
        intake = replace(intake, triggers=intake.triggers | weighed_triggers(
            intake, handled_before=await _handled_before(uow, rules, intake, customer_id)))
        case = Case.file(intake, customer_id, actor, now, rules.policy)
        case.intake_key = intake_key
        for item in evidence:
            case.add_evidence(actor, now, item)
        refresh_deadlines(case, Action.FILE, rules.policy, rules.calendar, now)
        if not rules.policy.desk_step and case.intake.category:
            # No desk step: the category's own department takes it straight away.
            category = rules.policy.category(case.intake.category)
            assert category is not None  # validated by Intake
            case.assign(Actor.system(), now, category.department, rules.policy)
            refresh_deadlines(case, Action.ASSIGN, rules.policy, rules.calendar, now)
        period = now.astimezone(rules.calendar.tz)
        case.number = CaseNumber.for_month(period, await uow.cases.next_serial(period.strftime("%y%m")))
        events = tuple(case.events)
        try:
            await uow.cases.add(case)
            major = await when_major(uow.jobs, case, events, rules, now)
            await validity.when_filed(uow.jobs, case, rules, now)
            await uow.outbox.add(notices_for(case, events) + major, now,
                                 uow.cases.last_event_id)
            await uow.commit()
            raced = False
        except Conflict:
            if intake_key is None:
                raise
            raced = True  # another process filed this very intake a moment ago
    if raced:
        existing = await _already_filed(uow, intake_key or "")
        if existing is None:
            raise RuntimeError("intake key conflict without a case")
        return existing
    return _filed(case, events)


# States in which we had given the customer our answer: a new complaint about the same kind
# of matter after one of these is a second complaint (003 二类C 二次投诉).
ANSWERED = frozenset({CaseState.AWAITING_CUSTOMER, CaseState.IMPLEMENTING,
                      CaseState.IMPLEMENTED, CaseState.REVISITING, CaseState.CLOSED_INVALID,
                      CaseState.CLOSED_SATISFIED, CaseState.CLOSED})


async def _handled_before(uow: UnitOfWork, rules: Rules, intake: Intake,
                          customer_id: int) -> bool:
    """Whether the customer complained about this kind of matter before and had our
    answer; looked up only where the policy makes anything of it."""
    policy = rules.policy
    if intake.category is None or MajorTrigger.REPEAT_COMPLAINT not in (
            policy.major.triggers | policy.serious.triggers):
        return False
    earlier = await uow.cases.for_customer(customer_id, limit=50)
    return any(case.intake.category == intake.category and case.state in ANSWERED
               for case in earlier)


def _filed(case: Case, events: tuple[CaseEvent, ...] = ()) -> Filed:
    assert case.id is not None and case.number is not None
    return Filed(case.id, case.number, promised_answer(case), case.severity, case.department,
                 events)


async def _already_filed(uow: UnitOfWork, intake_key: str) -> Filed | None:
    async with uow:
        case = await uow.cases.by_intake_key(intake_key)
        return None if case is None else _filed(case)
