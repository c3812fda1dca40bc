"""The ``Case`` aggregate: one complaint from intake to archive (its last steps in
``case_closing.py``, the supervisors' in ``case_supervision.py``, the steps of any stage —
questions, notes, files, root causes — in ``case_anytime.py``).

Every change goes through ``_move``, which checks the transition table and the roles,
then appends a ``CaseEvent``. Services persist those events as the audit trail and feed
them to the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.domain.case_anytime import AnytimeSteps
from core.domain.case_closing import ClosingSteps
from core.domain.case_supervision import SupervisionSteps
from core.domain.errors import DomainError
from core.domain.intake import Evidence, Intake, assess_severity
from core.domain.states import DECIDED, STAY, TRANSITIONS, Action, CaseState
from core.domain.values import (
    MAX_TEXT,
    Actor,
    CaseNumber,
    Rating,
    Remedy,
    Role,
    Severity,
    check_text,
)
from core.policy import Deadline, Policy

# Supervisors' steps the customer never hears of: they do not answer the customer, so
# they leave the first-response clock running.
INTERNAL_ACTIONS = frozenset({Action.INSTRUCT, Action.REASSIGN, Action.SET_SEVERITY,
                              Action.ESCALATE, Action.DE_ESCALATE, Action.ACKNOWLEDGE_MAJOR,
                              Action.REQUEST_EXTENSION, Action.REFUSE_EXTENSION,
                              Action.REPORT_PROGRESS, Action.REPORT_CARRIED_OUT})
# RECORD_VISIT is not internal: meeting the customer is a response to them.


def _is_staff(actor: Actor) -> bool:
    """Someone acting for the company on a case, as opposed to its customer or the clock."""
    return actor.role not in (Role.CUSTOMER, Role.SYSTEM) and actor.person_id is not None


@dataclass(frozen=True)
class CaseEvent:
    """One line of the case's history: who did what, when, from which state to which."""

    action: Action
    at: datetime
    actor: Actor
    from_state: CaseState | None
    to_state: CaseState
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case(AnytimeSteps, ClosingSteps, SupervisionSteps):
    customer_id: int
    filed_at: datetime
    intake: Intake
    number: CaseNumber | None = None
    id: int | None = None
    state: CaseState = CaseState.RECEIVED
    severity: Severity = Severity.MINOR
    department: str | None = None
    owner_id: int | None = None
    escalation_level: int = 0
    reopen_count: int = 0
    remedy: Remedy | None = None
    approval_level: int | None = None  # rung on the chain that must approve the remedy
    pending_question: str | None = None
    revisits_required: int = 1
    revisits_done: int = 0
    last_rating: Rating | None = None
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    closure: str | None = None  # why a CLOSED case closed: external, withdrawn, no_answer,
    # answered_late (a dissatisfied answer too late to reopen)
    instruction: str | None = None  # the supervisors' standing word to the department
    objection: str | None = None  # the customer's words against an invalid finding, unanswered
    # Since when the case has been major with nobody in leadership answering its alert
    # (``Policy.major.alert_within`` counts from here); None once acknowledged or not major.
    major_unacknowledged_since: datetime | None = None
    extension_request: str | None = None  # the department's reason, awaiting a supervisor
    extended_until: datetime | None = None  # the deadline an approved extension set
    first_approver_id: int | None = None  # who signed first, where an approval needs two
    agreed_until: datetime | None = None  # the time agreed with the customer (004 三.2)
    done_reported_by: int | None = None  # reported carried out, awaiting review (004 三.6)
    visited_at: datetime | None = None  # when someone met the customer (002 §7.2 登门)
    deadlines: dict[Deadline, datetime] = field(default_factory=dict)
    paused_since: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)
    intake_key: str | None = None  # makes filing idempotent across retries
    events: list[CaseEvent] = field(default_factory=list)  # new, not yet persisted
    version: int = 0

    # -- the core mechanism -------------------------------------------------------------
    def _move(
        self,
        action: Action,
        actor: Actor,
        now: datetime,
        *,
        to: CaseState | None = None,
        note: str | None = None,
        **data: Any,
    ) -> CaseEvent:
        self.check_may(action, actor)
        target = TRANSITIONS[action][1]
        new_state = to if target == DECIDED else (self.state if target is STAY else target)
        assert isinstance(new_state, CaseState)
        event = CaseEvent(action, now, actor, self.state, new_state, note, data)
        self.state = new_state
        if (actor.role is not Role.CUSTOMER and actor.role is not Role.SYSTEM
                and action not in INTERNAL_ACTIONS):
            self.first_response_at = self.first_response_at or now
        self.events.append(event)
        return event

    def check_may(self, action: Action, actor: Actor) -> None:
        """Whether ``actor`` may take ``action`` now: nobody works their own complaint as
        staff, then the table, then the data guards. ``_move`` asks it, and the bot asks it
        before anyone types for nothing."""
        if _is_staff(actor) and actor.person_id == self.customer_id:
            raise DomainError("own_case")  # first: whatever the step, it is not theirs to take
        if actor.saw is not None and actor.saw != self.version:
            # A menu or prompt made for the case as it was: what it offered may no longer
            # fit (checked under the row lock, in the transaction of the change).
            raise DomainError("moved_on", number=str(self.number))
        sources, _target, roles = TRANSITIONS[action]
        if actor.role not in roles:
            raise DomainError("role_not_allowed", action=action.value, role=actor.role.value)
        if self.state not in sources:
            raise DomainError("invalid_transition", action=action.value, state=self.state.value)
        self._check_actor(action, actor)

    def _check_actor(self, action: Action, actor: Actor) -> None:
        """Data guards: the customer is this case's, staff act within their department,
        more time is asked once and decided only while asked."""
        if action is Action.REQUEST_EXTENSION and (
                self.extended_until is not None or self.extension_request is not None):
            raise DomainError("already_extended")
        if action in (Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION) and \
                self.extension_request is None:
            raise DomainError("no_extension_pending")
        if actor.role is Role.CUSTOMER and actor.person_id != self.customer_id:
            raise DomainError("not_your_case")
        if actor.role is Role.DEPARTMENT:
            if self.department is None or actor.department != self.department:
                raise DomainError("not_your_department", department=self.department)
            owner_only = {Action.PROPOSE, Action.REQUEST_EXTENSION, Action.AGREE_TIME,
                          Action.REPORT_CARRIED_OUT}  # not the visit: whoever goes, goes
            if self.done_reported_by is None:  # else it awaits the department head's review
                owner_only.add(Action.MARK_IMPLEMENTED)
            if self.state is CaseState.ACCEPTED:
                owner_only.add(Action.HAND_BACK)
            if action in owner_only and actor.person_id != self.owner_id:
                raise DomainError("not_the_owner", owner_id=self.owner_id)

    @property
    def is_waiting_on_customer(self) -> bool:
        return self.state is CaseState.AWAITING_CUSTOMER or self.pending_question is not None

    # -- step 1: intake -----------------------------------------------------------------
    @staticmethod
    def check_may_file(actor: Actor) -> None:
        """A customer files their own; of staff, the desk and supervisors register them."""
        if actor.role not in (Role.CUSTOMER, Role.SPECIALIST, Role.SUPERVISOR):
            raise DomainError("role_not_allowed", action=Action.FILE.value, role=actor.role.value)

    @classmethod
    def file(
        cls, intake: Intake, customer_id: int, actor: Actor, now: datetime, policy: Policy
    ) -> Case:
        cls.check_may_file(actor)
        if actor.role is Role.CUSTOMER and actor.person_id != customer_id:
            raise DomainError("not_your_case")
        if _is_staff(actor) and actor.person_id == customer_id:
            raise DomainError("own_case")  # staff do not register their own complaint
        case = cls(customer_id=customer_id, filed_at=now, intake=intake.validated(policy))
        if intake.category:
            case.revisits_required = policy.revisits_for(intake.category)
        case.severity = assess_severity(intake, policy)
        if case.severity is Severity.MAJOR:
            case.major_unacknowledged_since = now
        case.events.append(
            CaseEvent(Action.FILE, now, actor, None, CaseState.RECEIVED, None,
                      {"channel": intake.channel.value, "severity": case.severity.value})
        )
        return case

    # -- step 2: investigate ------------------------------------------------------------
    def begin_investigation(self, actor: Actor, now: datetime) -> None:
        self._move(Action.BEGIN_INVESTIGATION, actor, now)

    def invalidate(self, actor: Actor, now: datetime, finding: str) -> None:
        finding = check_text("finding", finding, MAX_TEXT)
        self._move(Action.INVALIDATE, actor, now, note=finding)
        self._close(now, "invalid")

    def assign(self, actor: Actor, now: datetime, department: str, policy: Policy,
               category: str | None = None) -> None:
        if policy.department(department) is None:
            raise DomainError("unknown_department", department=department)
        if category is not None:
            if policy.category(category) is None:
                raise DomainError("unknown_category", category=category)
            self.intake.category = category
            self.revisits_required = policy.revisits_for(category)
        self._move(Action.ASSIGN, actor, now, department=department)
        self.department, self.owner_id = department, None

    def transfer(self, actor: Actor, now: datetime, department: str, policy: Policy,
                 reason: str | None = None) -> None:
        if policy.department(department) is None:
            raise DomainError("unknown_department", department=department)
        if department == self.department:
            raise DomainError("same_department", department=department)
        reason = check_text("reason", reason, MAX_TEXT, required=False)
        self._move(Action.TRANSFER, actor, now, note=reason,
                   department=department, previous=self.department)
        self.department, self.owner_id = department, None

    # -- step 3: the department ---------------------------------------------------------
    def accept(self, actor: Actor, now: datetime) -> None:
        if actor.person_id is None:
            raise DomainError("role_not_allowed", action=Action.ACCEPT.value, role=actor.role.value)
        if self.state is CaseState.ACCEPTED and self.owner_id is not None:
            # Two people pressed "accept": the second learns who was first.
            raise DomainError("already_taken", owner_id=self.owner_id)
        self._move(Action.ACCEPT, actor, now, owner_id=actor.person_id)
        self.owner_id = actor.person_id

    def hand_back(self, actor: Actor, now: datetime, reason: str) -> None:
        reason = check_text("reason", reason, MAX_TEXT)
        self._move(Action.HAND_BACK, actor, now, note=reason, department=self.department)
        self.department, self.owner_id = None, None

    def propose(self, actor: Actor, now: datetime, remedy: Remedy, policy: Policy) -> None:
        needed = 0
        if remedy.amount is not None:
            if remedy.currency != policy.currency:
                raise DomainError("bad_currency", value=remedy.currency)
            needed_level = policy.approver_level(remedy.kind.value, remedy.amount)
            if needed_level is None:
                raise DomainError("beyond_all_authority", amount=str(remedy.amount))
            needed = needed_level
        within = remedy.amount is None or policy.can_grant(actor.level, remedy.kind.value,
                                                           remedy.amount)
        above = policy.level_index(actor.level) + 1
        if policy.every_solution_approved and above < len(policy.escalation):
            # 001 范文3(6), 004 第三节六: every plan goes to the leader above, money or not.
            within, needed = False, max(needed, above)
        target = CaseState.AWAITING_CUSTOMER if within else CaseState.AWAITING_APPROVAL
        self._move(Action.PROPOSE, actor, now, to=target, note=remedy.text,
                   kind=remedy.kind.value, amount=str(remedy.amount or ""),
                   currency=remedy.currency or "", approval_level=None if within else needed)
        self.remedy = remedy
        self.approval_level = None if within else needed

    def approve(self, actor: Actor, now: datetime, policy: Policy, comment: str | None = None
                ) -> None:
        self._check_authority(actor, policy)
        comment = check_text("comment", comment, MAX_TEXT, required=False)
        signatures = policy.escalation[self.approval_level or 0].return_approvers \
            if self.remedy is not None and self.remedy.kind.value in ("return", "exchange") \
            else 1
        if signatures > 1 and self.first_approver_id is None:
            self._move(Action.COSIGN, actor, now, note=comment)
            self.first_approver_id = actor.person_id
            return
        if signatures > 1 and self.first_approver_id == actor.person_id:
            raise DomainError("already_signed")
        self._move(Action.APPROVE, actor, now, note=comment)
        self.approval_level, self.first_approver_id = None, None

    def refuse_approval(self, actor: Actor, now: datetime, policy: Policy, comment: str) -> None:
        self._check_authority(actor, policy)
        comment = check_text("comment", comment, MAX_TEXT)
        self._move(Action.REFUSE_APPROVAL, actor, now, note=comment)
        self.approval_level, self.remedy, self.first_approver_id = None, None, None

    def _check_authority(self, actor: Actor, policy: Policy) -> None:
        if self.state is CaseState.AWAITING_APPROVAL and self.remedy is not None:
            amount = self.remedy.amount or Decimal(0)
            if not policy.can_grant(actor.level, self.remedy.kind.value, amount) or \
                    policy.level_index(actor.level) < (self.approval_level or 0):
                needed = policy.escalation[self.approval_level or 0].code
                raise DomainError("beyond_your_authority", needed_level=needed)
