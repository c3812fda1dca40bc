"""Which deadlines run in which state, and when they start afresh (PROCEDURE.md §4).

Pure arithmetic over the business calendar: called by the services after every
transition so each clock's deadline stored on the case is always current.
"""

from __future__ import annotations

from datetime import datetime

from core.calendar import BusinessCalendar
from core.domain.case import Case
from core.domain.states import OPEN_STATES, Action, CaseState
from core.policy import Clock, Policy

S = CaseState
RUNS_IN: dict[Clock, frozenset[CaseState]] = {
    Clock.FIRST_RESPONSE: frozenset({S.RECEIVED, S.INVESTIGATING}),
    Clock.HANDOVER: frozenset({S.RECEIVED, S.INVESTIGATING}),
    Clock.DEPARTMENT_SOLUTION: frozenset({S.ASSIGNED, S.ACCEPTED}),
    Clock.CUSTOMER_ANSWER: frozenset(
        {S.RECEIVED, S.INVESTIGATING, S.ASSIGNED, S.ACCEPTED, S.AWAITING_APPROVAL}
    ),
    Clock.REVISIT: frozenset({S.IMPLEMENTED, S.REVISITING}),
    Clock.WHOLE_CASE: OPEN_STATES,
}

# A running clock starts again after these actions: a new department, a rejected
# solution, a handed-back or reopened case each deserve the full time again.
RESTARTS: dict[Action, frozenset[Clock]] = {
    Action.ASSIGN: frozenset({Clock.DEPARTMENT_SOLUTION}),
    Action.TRANSFER: frozenset({Clock.DEPARTMENT_SOLUTION}),
    Action.CUSTOMER_REJECT: frozenset({Clock.DEPARTMENT_SOLUTION}),
    Action.HAND_BACK: frozenset({Clock.HANDOVER}),
    Action.RECORD_REVISIT: frozenset({Clock.REVISIT, Clock.HANDOVER, Clock.CUSTOMER_ANSWER,
                                      Clock.WHOLE_CASE}),
    Action.REOPEN: frozenset({Clock.HANDOVER, Clock.CUSTOMER_ANSWER, Clock.WHOLE_CASE}),
}


def refresh_clocks(case: Case, action: Action, policy: Policy, calendar: BusinessCalendar,
                   now: datetime) -> None:
    """Start, stop, pause or resume each clock after ``action`` moved ``case``."""
    if case.is_waiting_on_customer and not case.state.is_closed:
        case.paused_since = case.paused_since or now
    elif case.paused_since is not None:
        # Time the customer took is not the department's time: push deadlines out by it.
        waited = calendar.working_between(case.paused_since, now)
        case.deadlines = {
            clock: calendar.add_working_time(due, waited) for clock, due in case.deadlines.items()
        }
        case.paused_since = None
    restarts = RESTARTS.get(action, frozenset())
    for clock in Clock:
        duration = policy.sla.get(clock)
        running = (
            case.state in RUNS_IN[clock]
            and not (clock is Clock.FIRST_RESPONSE and case.first_response_at is not None)
        )
        if duration is None or not running:
            case.deadlines.pop(clock, None)
        elif clock not in case.deadlines or clock in restarts:
            case.deadlines[clock] = calendar.add_working(now, **duration.as_kwargs())


def next_due(case: Case) -> datetime | None:
    """The earliest running deadline; None while paused or when nothing runs."""
    if case.paused_since is not None or not case.deadlines:
        return None
    return min(case.deadlines.values())


def promised_answer(case: Case) -> datetime | None:
    """The date given to the customer at intake (ATP: computed, never improvised)."""
    return case.deadlines.get(Clock.CUSTOMER_ANSWER) or case.deadlines.get(Clock.WHOLE_CASE)
