"""A major complaint reaches leadership at once, and keeps reaching it until someone takes
it up (issue 19.2; PROCEDURE.md §5; 003 客户投诉处理流程规范 1.1.3 "最迟不可以超过半个小时").

Whenever a case becomes major — filed so, or marked so later by the desk or a supervisor —
the supervisors' group is told in the same transaction (``alerts_for_major``), and a job
tells each person on the top rung of the escalation chain privately, at once (the highest
rung the organisation file names anyone on). From then
``Policy.major.alert_within`` is a clock: while no supervisor has pressed "I'm on it"
(``Case.major_unacknowledged_since``), each time it runs out the alert goes out again, to
the group and the top rung, saying how long it has waited; at most ``REPEATS`` times.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any

from core.alerts import alerts_for_major, on_level
from core.domain import Action, Case, CaseEvent, Severity
from core.notices import MajorCase, MajorCaseToYou, MajorFacts, Notice
from core.organisation import Organisation, StaffMember
from core.ports import Conflict, Database, Jobs
from core.services import staff
from core.services.rules import Rules

KIND = "major_alert"
REPEATS = 3  # reminders after the first alert; then the group's card and digest carry it


def became_major(case: Case, events: Iterable[CaseEvent]) -> bool:
    """Whether these events made the case major (filing it so, or raising it)."""
    if case.severity is not Severity.MAJOR or case.major_unacknowledged_since is None:
        return False
    return any(event.action is Action.FILE or (
        event.action is Action.SET_SEVERITY and event.data.get("severity") == Severity.MAJOR)
        for event in events)


def _key(case_id: int, since: datetime, round_: int) -> str:
    return f"major-{case_id}-{since.timestamp():.0f}-{round_}"


async def when_major(jobs: Jobs, case: Case, events: Iterable[CaseEvent], rules: Rules,
                     now: datetime) -> list[Notice]:
    """In the change's transaction: the group's alert to add to the outbox, and the job
    that tells the top rung and runs the ``alert_within`` clock (nothing if not major)."""
    events = list(events)
    if case.id is None or not became_major(case, events):
        return []
    since = case.major_unacknowledged_since
    assert since is not None
    marked_by = next((event.actor.role.value for event in events
                      if event.action is Action.SET_SEVERITY), "")
    await jobs.schedule(KIND, _key(case.id, since, 0), now,
                        {"case_id": case.id, "since": since.isoformat(), "round": 0,
                         "marked_by": marked_by}, now)
    return alerts_for_major(case, marked_by)


async def run_major_alert(db: Database, rules: Rules, payload: dict[str, Any],
                          organisation: Organisation | None) -> str:
    """One round: tell the top rung (and, on a repeat, the group again) unless a
    supervisor took the case up since; then schedule the next round."""
    case_id, round_ = int(payload["case_id"]), int(payload["round"])
    since = datetime.fromisoformat(str(payload["since"]))
    now = rules.now()
    async with db.uow() as uow:
        case = await uow.cases.get(case_id, lock=False)
        open_since = case.major_unacknowledged_since
        if case.state.is_closed or open_since is None or open_since != since:
            return f"{case.number}: major alert taken up"
        minutes = 0 if round_ == 0 else math.floor((now - since).total_seconds() / 60)
        facts = _facts(case, minutes, str(payload.get("marked_by") or ""))
        notices: list[Notice] = [] if round_ == 0 else [MajorCase(**facts)]
        if organisation is not None:
            people = _top_rung(await staff.roster_in(uow, organisation), rules, case)
            notices += [MajorCaseToYou(telegram_id=member.telegram_id, **facts)
                        for member in people]
        within = rules.policy.major.alert_within
        if within is not None and round_ < REPEATS:
            assert case.id is not None
            await uow.jobs.schedule(KIND, _key(case.id, since, round_ + 1),
                                    within.after(rules.calendar, now),
                                    {**payload, "round": round_ + 1}, now)
        # Episode and round are the anchor (negative: never an audit row's id), so a
        # repeated run of the same round makes the same keys and is refused.
        await uow.outbox.add(notices, now, -(int(since.timestamp()) * 10 + round_))
        try:
            await uow.commit()
        except Conflict:
            return f"{case.number}: major alert round {round_} already said"
    return f"{case.number}: major alert round {round_}, {len(notices)} told"


def _top_rung(roster: list[StaffMember], rules: Rules, case: Case) -> list[StaffMember]:
    """The people on the highest rung the organisation names anyone on (a file may list
    no general manager: then the vice presidents are the top it has)."""
    for level in reversed(rules.policy.escalation):
        people = on_level(roster, level.code, case.department)
        if people:
            return people
    return []


def _facts(case: Case, unanswered_minutes: int, marked_by: str) -> dict[str, Any]:
    """The alert's fields, as ``alerts_for_major`` builds them for the group."""
    first = alerts_for_major(case, marked_by)[0]
    assert isinstance(first, MajorCase)
    facts = {field.name: getattr(first, field.name) for field in fields(MajorFacts)}
    return {**facts, "unanswered_minutes": unanswered_minutes}
