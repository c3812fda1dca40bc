"""Which deadlines run in which state, and when they start afresh (PROCEDURE.md §4).

Pure arithmetic over the business calendar: called by the services after every
transition so each clock's deadline stored on the case is always current.
"""

from __future__ import annotations

from datetime import datetime

from core.calendar import BusinessCalendar
from core.domain.case import Case
from core.domain.states import OPEN_STATES, Action, CaseState
from core.policy import Deadline, Policy

S = CaseState
RUNS_IN: dict[Deadline, frozenset[CaseState]] = {
    Deadline.FIRST_RESPONSE: frozenset({S.RECEIVED, S.INVESTIGATING}),
    Deadline.HANDOVER: frozenset({S.RECEIVED, S.INVESTIGATING}),
    Deadline.DEPARTMENT_SOLUTION: frozenset({S.ASSIGNED, S.ACCEPTED}),
    Deadline.CUSTOMER_ANSWER: frozenset(
        {S.RECEIVED, S.INVESTIGATING, S.ASSIGNED, S.ACCEPTED, S.AWAITING_APPROVAL}
    ),
    Deadline.REVISIT: frozenset({S.IMPLEMENTED, S.REVISITING}),
    Deadline.WHOLE_CASE: OPEN_STATES,
    Deadline.PROGRESS: frozenset({S.ACCEPTED, S.IMPLEMENTING}),
    # From the hand-over until someone has been to the customer (``Case.visited_at``).
    Deadline.VISIT: frozenset({S.ASSIGNED, S.ACCEPTED, S.AWAITING_APPROVAL,
                               S.AWAITING_CUSTOMER, S.IMPLEMENTING}),
}

# The clocks an approved extension moves (002 §7.1: the case's own time, not the revisit).
EXTENDED = frozenset({Deadline.DEPARTMENT_SOLUTION, Deadline.CUSTOMER_ANSWER,
                      Deadline.WHOLE_CASE})

# A running clock starts again after these actions: a new department, a rejected
# solution, a handed-back or reopened case each deserve the full time again.
RESTARTS: dict[Action, frozenset[Deadline]] = {
    Action.ASSIGN: frozenset({Deadline.DEPARTMENT_SOLUTION}),
    Action.TRANSFER: frozenset({Deadline.DEPARTMENT_SOLUTION}),
    Action.CUSTOMER_REJECT: frozenset({Deadline.DEPARTMENT_SOLUTION}),
    Action.HAND_BACK: frozenset({Deadline.HANDOVER}),
    Action.RECORD_REVISIT: frozenset({Deadline.REVISIT, Deadline.HANDOVER, Deadline.CUSTOMER_ANSWER,
                                      Deadline.WHOLE_CASE}),
    Action.REOPEN: frozenset({Deadline.HANDOVER, Deadline.CUSTOMER_ANSWER, Deadline.WHOLE_CASE}),
    # Each report of progress gives the department the full time until the next one.
    Action.REPORT_PROGRESS: frozenset({Deadline.PROGRESS}),
}


def refresh_deadlines(case: Case, action: Action, policy: Policy, calendar: BusinessCalendar,
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
    for clock in Deadline:
        duration = policy.deadline_for(clock, case.intake.category)
        running = (
            case.state in RUNS_IN[clock]
            and not (clock is Deadline.FIRST_RESPONSE and case.first_response_at is not None)
            and not (clock is Deadline.VISIT and case.visited_at is not None)
        )
        if duration is None or not running:
            case.deadlines.pop(clock, None)
        elif clock not in case.deadlines or clock in restarts:
            case.deadlines[clock] = duration.after(calendar, now)
        if clock in EXTENDED and clock in case.deadlines and case.extended_until is not None:
            case.deadlines[clock] = max(case.deadlines[clock], case.extended_until)
        if clock in EXTENDED and clock in case.deadlines and case.agreed_until is not None:
            case.deadlines[clock] = case.agreed_until  # 004 三.2 "以约定时间为准"


def next_due(case: Case) -> datetime | None:
    """The earliest running deadline; None while paused or when nothing runs."""
    if case.paused_since is not None or not case.deadlines:
        return None
    return min(case.deadlines.values())


def promised_answer(case: Case) -> datetime | None:
    """The date given to the customer at intake (ATP: computed, never improvised)."""
    return case.deadlines.get(Deadline.CUSTOMER_ANSWER) or case.deadlines.get(Deadline.WHOLE_CASE)
