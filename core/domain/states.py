"""The procedure as an explicit transition table: state x action -> state, with roles.

PROCEDURE.md §1, the seven steps. ``STAY`` marks actions that record something without
moving the case (notes, questions, escalation). Guards that need the case's data (who
owns it, which department) live in ``Case``; this table is the whole map of the life.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from enum import StrEnum

from core.domain.values import Role


class CaseState(StrEnum):
    RECEIVED = "received"  # step 1: recorded, answer promised
    INVESTIGATING = "investigating"  # step 2: validity, responsible department
    CLOSED_INVALID = "closed_invalid"  # step 2: finding sent to the customer
    ASSIGNED = "assigned"  # step 3: handed over, nobody has taken it yet
    ACCEPTED = "accepted"  # step 3: a department member owns it (首问负责制)
    AWAITING_APPROVAL = "awaiting_approval"  # solution beyond the proposer's authority
    AWAITING_CUSTOMER = "awaiting_customer"  # step 4: customer decides on the solution
    IMPLEMENTING = "implementing"  # step 5
    IMPLEMENTED = "implemented"  # step 5 done; revisit due
    REVISITING = "revisiting"  # step 6: one or more surveys
    CLOSED_SATISFIED = "closed_satisfied"  # step 7
    CLOSED = "closed"  # closed otherwise: resolved externally, withdrawn, no answer

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATES


CLOSED_STATES = frozenset({CaseState.CLOSED_INVALID, CaseState.CLOSED_SATISFIED, CaseState.CLOSED})
OPEN_STATES = frozenset(CaseState) - CLOSED_STATES


class Action(StrEnum):
    FILE = "file"
    BEGIN_INVESTIGATION = "begin_investigation"
    INVALIDATE = "invalidate"
    ASSIGN = "assign"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    HAND_BACK = "hand_back"
    PROPOSE = "propose"
    APPROVE = "approve"
    REFUSE_APPROVAL = "refuse_approval"
    CUSTOMER_ACCEPT = "customer_accept"
    CUSTOMER_REJECT = "customer_reject"
    MARK_IMPLEMENTED = "mark_implemented"
    START_REVISIT = "start_revisit"
    RECORD_REVISIT = "record_revisit"
    CLOSE = "close"
    REOPEN = "reopen"
    ESCALATE = "escalate"
    DE_ESCALATE = "de_escalate"
    SET_SEVERITY = "set_severity"
    ASK_CUSTOMER = "ask_customer"
    ANSWER_QUESTION = "answer_question"
    ADD_NOTE = "add_note"
    ADD_EVIDENCE = "add_evidence"
    ADD_CAPA = "add_capa"
    INSTRUCT = "instruct"  # a supervisor's instruction, shown on the department's card
    REASSIGN = "reassign"  # a supervisor gives the case to another person
    CUSTOMER_OBJECT = "customer_object"  # the customer disagrees with an invalid finding
    CONFIRM_FINDING = "confirm_finding"  # the desk looked again: the finding stands
    ACKNOWLEDGE_MAJOR = "acknowledge_major"  # a supervisor has taken up a major case's alert
    REQUEST_EXTENSION = "request_extension"  # the department asks for more time, with a reason
    AGREE_TIME = "agree_time"  # the department agreed a time with the customer (004 三.2)
    REPORT_CARRIED_OUT = "report_carried_out"  # done, for the department head to review
    RECORD_VISIT = "record_visit"  # the department met the customer (002 §7.2 登门)
    AGREE_VISIT = "agree_visit"  # ... or called and agreed when to meet (002 §7.2)
    GRANT_EXTENSION = "grant_extension"  # a supervisor grants it: the clocks move
    REFUSE_EXTENSION = "refuse_extension"  # a supervisor refuses it, with a reason
    REPORT_PROGRESS = "report_progress"  # the department says how far it has got
    COSIGN = "cosign"  # the first of two signatures an approval needs (001 §4.5.2 a)


S = CaseState
STAY = None  # the action leaves the state as it is
DECIDED = "decided"  # the target depends on the case's data (see Case)

_EARLY = {S.RECEIVED, S.INVESTIGATING}
_WITH_DEPARTMENT = {S.ASSIGNED, S.ACCEPTED}
_STAFF = {Role.SPECIALIST, Role.DEPARTMENT, Role.SUPERVISOR}

# action -> (states it may start from, target, roles allowed); written with plain sets,
# frozen below.
_TABLE: dict[Action, tuple[AbstractSet[CaseState], CaseState | str | None, AbstractSet[Role]]] = {
    Action.BEGIN_INVESTIGATION: ({S.RECEIVED}, S.INVESTIGATING, {Role.SPECIALIST, Role.SUPERVISOR}),
    Action.INVALIDATE: (_EARLY, S.CLOSED_INVALID, {Role.SPECIALIST, Role.SUPERVISOR}),
    Action.ASSIGN: (_EARLY, S.ASSIGNED, {Role.SPECIALIST, Role.SUPERVISOR, Role.SYSTEM}),
    Action.TRANSFER: (_WITH_DEPARTMENT, S.ASSIGNED, {Role.SPECIALIST, Role.SUPERVISOR}),
    Action.ACCEPT: ({S.ASSIGNED}, S.ACCEPTED, {Role.DEPARTMENT, Role.SUPERVISOR}),
    Action.HAND_BACK: (_WITH_DEPARTMENT, S.INVESTIGATING, {Role.DEPARTMENT}),
    Action.PROPOSE: ({S.ACCEPTED}, DECIDED, {Role.DEPARTMENT}),
    Action.APPROVE: ({S.AWAITING_APPROVAL}, S.AWAITING_CUSTOMER, _STAFF),
    Action.REFUSE_APPROVAL: ({S.AWAITING_APPROVAL}, S.ACCEPTED, _STAFF),
    Action.COSIGN: ({S.AWAITING_APPROVAL}, STAY, _STAFF),
    Action.CUSTOMER_ACCEPT: ({S.AWAITING_CUSTOMER}, S.IMPLEMENTING, {Role.CUSTOMER, Role.SPECIALIST}),
    Action.CUSTOMER_REJECT: ({S.AWAITING_CUSTOMER}, S.ACCEPTED, {Role.CUSTOMER, Role.SPECIALIST}),
    Action.MARK_IMPLEMENTED: ({S.IMPLEMENTING}, S.IMPLEMENTED, {Role.DEPARTMENT}),
    Action.START_REVISIT: ({S.IMPLEMENTED, S.REVISITING}, S.REVISITING, {Role.SYSTEM, Role.SPECIALIST}),
    # From CLOSED only a late answer to a survey closed unanswered (``Case.record_revisit``).
    Action.RECORD_REVISIT: (
        {S.IMPLEMENTED, S.REVISITING, S.CLOSED},
        DECIDED,
        {Role.CUSTOMER, Role.SPECIALIST, Role.SYSTEM},
    ),
    Action.CLOSE: (OPEN_STATES, S.CLOSED, {Role.SUPERVISOR}),
    Action.REOPEN: (CLOSED_STATES, S.INVESTIGATING, {Role.SPECIALIST, Role.SUPERVISOR}),
    Action.ESCALATE: (OPEN_STATES, STAY, {Role.SYSTEM, Role.SUPERVISOR, Role.SPECIALIST}),
    Action.DE_ESCALATE: (OPEN_STATES, STAY, {Role.SUPERVISOR}),
    Action.SET_SEVERITY: (OPEN_STATES, STAY, {Role.SPECIALIST, Role.SUPERVISOR, Role.SYSTEM}),
    Action.ASK_CUSTOMER: (_EARLY | _WITH_DEPARTMENT, STAY, {Role.SPECIALIST, Role.DEPARTMENT}),
    Action.ANSWER_QUESTION: (_EARLY | _WITH_DEPARTMENT, STAY, {Role.CUSTOMER, Role.SPECIALIST}),
    Action.ADD_NOTE: (frozenset(CaseState), STAY, _STAFF | {Role.CUSTOMER}),
    # Files on an invalid case only with the customer's objection (``Case.add_evidence``).
    Action.ADD_EVIDENCE: (OPEN_STATES | {S.CLOSED_INVALID}, STAY, _STAFF | {Role.CUSTOMER}),
    Action.ADD_CAPA: (
        frozenset(CaseState) - _EARLY - {S.CLOSED_INVALID},
        STAY,
        {Role.DEPARTMENT, Role.SUPERVISOR},
    ),
    Action.INSTRUCT: (OPEN_STATES, STAY, {Role.SUPERVISOR}),
    Action.REASSIGN: (_WITH_DEPARTMENT | {S.IMPLEMENTING}, DECIDED, {Role.SUPERVISOR}),
    # An objection to the finding goes to the desk, which reopens (REOPEN) or confirms.
    Action.CUSTOMER_OBJECT: ({S.CLOSED_INVALID}, STAY, {Role.CUSTOMER}),
    Action.CONFIRM_FINDING: ({S.CLOSED_INVALID}, STAY, {Role.SPECIALIST, Role.SUPERVISOR}),
    Action.ACKNOWLEDGE_MAJOR: (OPEN_STATES, STAY, {Role.SUPERVISOR}),
    Action.REQUEST_EXTENSION: ({S.ACCEPTED}, STAY, {Role.DEPARTMENT}),
    Action.REPORT_PROGRESS: ({S.ACCEPTED, S.IMPLEMENTING}, STAY, {Role.DEPARTMENT}),
    Action.AGREE_TIME: ({S.ACCEPTED, S.IMPLEMENTING}, STAY, {Role.DEPARTMENT}),
    Action.REPORT_CARRIED_OUT: ({S.IMPLEMENTING}, STAY, {Role.DEPARTMENT}),
    Action.RECORD_VISIT: ({S.ASSIGNED, S.ACCEPTED, S.AWAITING_APPROVAL, S.AWAITING_CUSTOMER,
                           S.IMPLEMENTING}, STAY, {Role.DEPARTMENT}),
    Action.AGREE_VISIT: ({S.ASSIGNED, S.ACCEPTED, S.AWAITING_APPROVAL, S.AWAITING_CUSTOMER,
                          S.IMPLEMENTING}, STAY, {Role.DEPARTMENT}),
    Action.GRANT_EXTENSION: (OPEN_STATES, STAY, {Role.SUPERVISOR}),
    Action.REFUSE_EXTENSION: (OPEN_STATES, STAY, {Role.SUPERVISOR}),
}
TRANSITIONS: dict[Action, tuple[frozenset[CaseState], CaseState | str | None, frozenset[Role]]] = {
    action: (frozenset(sources), target, frozenset(roles))
    for action, (sources, target, roles) in _TABLE.items()
}
