"""Row <-> domain conversion for cases, kept apart so the domain never sees SQLAlchemy."""

from __future__ import annotations

from datetime import datetime

from core.db.models import CaseEventRow, CaseRow, EvidenceRow
from core.domain import Case, CaseEvent, CaseNumber, CaseState, Channel, Evidence, Intake
from core.domain.states import Action
from core.domain.values import Actor, Rating, Remedy, RemedyKind, Role, Severity
from core.policy import Deadline, MajorTrigger

_INTAKE_FIELDS = ("description", "demand", "demand_text", "contact_name", "contact_phone",
                  "product", "place", "occurred", "delivered", "claimed_amount", "complainants",
                  "batch_units", "category", "language")


def case_from_row(row: CaseRow, evidence: list[EvidenceRow]) -> Case:
    intake = Intake(**{name: getattr(row, name) for name in _INTAKE_FIELDS},
                    triggers=frozenset(MajorTrigger(t) for t in row.triggers or ()),
                    channel=Channel(row.channel))
    remedy = None
    if row.remedy_kind:
        remedy = Remedy(RemedyKind(row.remedy_kind), row.remedy_text or "",
                        row.remedy_amount, row.remedy_currency)
    deadlines = {
        clock: due for clock in Deadline if (due := getattr(row, f"due_{clock.value}")) is not None
    }
    return Case(
        id=row.id, number=CaseNumber.parse(row.number), customer_id=row.customer_id,
        filed_at=row.filed_at, intake=intake, state=CaseState(row.state),
        severity=Severity(row.severity), department=row.department, owner_id=row.owner_id,
        escalation_level=row.escalation_level, reopen_count=row.reopen_count, remedy=remedy,
        approval_level=row.approval_level, pending_question=row.pending_question,
        revisits_required=row.revisits_required, revisits_done=row.revisits_done,
        last_rating=Rating(row.last_rating) if row.last_rating else None,
        first_response_at=row.first_response_at, closed_at=row.closed_at, closure=row.closure,
        instruction=row.instruction, objection=row.objection,
        major_unacknowledged_since=row.major_unacknowledged_since,
        extension_request=row.extension_request, extended_until=row.extended_until,
        first_approver_id=row.first_approver_id,
        agreed_until=row.agreed_until, done_reported_by=row.done_reported_by,
        visited_at=row.visited_at,
        deadlines=deadlines, paused_since=row.paused_since, version=row.version,
        intake_key=row.intake_key,
        evidence=[Evidence(e.kind, e.file_ref, e.caption, e.added_at, e.added_by)
                  for e in evidence],
    )


def case_to_row(case: Case, row: CaseRow, next_due: datetime | None) -> None:
    """Copy every field of the aggregate onto its row (insert or update alike)."""
    intake = case.intake
    for name in _INTAKE_FIELDS:
        setattr(row, name, getattr(intake, name))
    row.triggers = sorted(t.value for t in intake.triggers)
    row.channel = intake.channel.value
    row.number = str(case.number)
    row.state = case.state.value
    row.customer_id = case.customer_id
    row.severity = case.severity.value
    row.department, row.owner_id = case.department, case.owner_id
    row.escalation_level, row.reopen_count = case.escalation_level, case.reopen_count
    remedy = case.remedy
    row.remedy_kind = remedy.kind.value if remedy else None
    row.remedy_amount = remedy.amount if remedy else None
    row.remedy_currency = remedy.currency if remedy else None
    row.remedy_text = remedy.text if remedy else None
    row.approval_level, row.pending_question = case.approval_level, case.pending_question
    row.revisits_required, row.revisits_done = case.revisits_required, case.revisits_done
    row.last_rating = case.last_rating.value if case.last_rating else None
    row.filed_at, row.first_response_at = case.filed_at, case.first_response_at
    row.closed_at, row.closure, row.paused_since = case.closed_at, case.closure, case.paused_since
    row.instruction, row.objection = case.instruction, case.objection
    row.major_unacknowledged_since = case.major_unacknowledged_since
    row.extension_request, row.extended_until = case.extension_request, case.extended_until
    row.first_approver_id = case.first_approver_id
    row.agreed_until, row.done_reported_by = case.agreed_until, case.done_reported_by
    row.visited_at = case.visited_at
    for clock in Deadline:
        setattr(row, f"due_{clock.value}", case.deadlines.get(clock))
    row.next_due = next_due
    row.intake_key = case.intake_key


def event_to_row(case_id: int, event: CaseEvent) -> CaseEventRow:
    return CaseEventRow(
        case_id=case_id, at=event.at, actor_id=event.actor.person_id,
        actor_role=event.actor.role.value, action=event.action.value,
        from_state=event.from_state.value if event.from_state else None,
        to_state=event.to_state.value, note=event.note, data=dict(event.data),
    )


def event_from_row(row: CaseEventRow) -> CaseEvent:
    return CaseEvent(
        Action(row.action), row.at, Actor(row.actor_id, Role(row.actor_role)),
        CaseState(row.from_state) if row.from_state else None, CaseState(row.to_state),
        row.note, dict(row.data or {}),
    )
