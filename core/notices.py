"""What must be said, to whom, when a case changes (the outbox's content).

Pure: events in, notices out. Recipients are logical — a customer (person id), the
customer-service desk, a department, the supervisors — and the bot turns them into chats
and words in the recipient's language. Notices are stored in the same transaction as
the change that causes them (``core.db.outbox``), so nothing decided is ever unsaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.domain import Action, Case, CaseEvent, CaseState


@dataclass(frozen=True)
class Notice:
    kind: str  # what to say: solution_proposed, question, survey, invalid, ...
    audience: str  # customer | desk | department | supervisors
    address: str  # person id for customers, department code, or "" for desk/supervisors
    case_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)


def _customer(case: Case, notice_kind: str, **payload: Any) -> Notice:
    assert case.id is not None
    return Notice(notice_kind, "customer", str(case.customer_id), case.id,
                  {"number": str(case.number), **payload})


_DESK_STAGE = {CaseState.RECEIVED, CaseState.INVESTIGATING}
_DESK_EVENTS = {Action.FILE, Action.INVALIDATE, Action.ASSIGN, Action.TRANSFER,
                Action.HAND_BACK, Action.REOPEN, Action.SET_SEVERITY}


def _card_targets(case: Case, event: CaseEvent) -> list[tuple[str, str]]:
    """The groups whose card of this case must show this event."""
    targets: list[tuple[str, str]] = []
    if case.state in _DESK_STAGE or event.action in _DESK_EVENTS:
        targets.append(("desk", ""))
    for department in (case.department, event.data.get("department"),
                       event.data.get("previous")):
        if department and ("department", department) not in targets:
            targets.append(("department", str(department)))
    if event.to_state is CaseState.AWAITING_APPROVAL or event.action in (
        Action.APPROVE, Action.REFUSE_APPROVAL, Action.ESCALATE, Action.CLOSE
    ):
        targets.append(("supervisors", ""))
    return targets


def cards_for(case: Case, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> list[Notice]:
    """Staff cards to refresh, one per group, each with the events to note under it."""
    assert case.id is not None
    notes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for event in events:
        for target in _card_targets(case, event):
            notes.setdefault(target, []).append(
                {"event": event.action.value, "note": event.note or "",
                 "actor_id": event.actor.person_id, "role": event.actor.role.value})
    return [Notice("card", audience, address, case.id,
                   {"number": str(case.number), "events": items})
            for (audience, address), items in notes.items()]


def notices_for(case: Case, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> list[Notice]:
    """Everything a batch of events calls for: the customer's messages and staff cards."""
    notices: list[Notice] = cards_for(case, events)
    for event in events:
        action = event.action
        if action is Action.INVALIDATE:
            notices.append(_customer(case, "invalid", finding=event.note or ""))
        elif action in (Action.PROPOSE, Action.APPROVE) and (
            event.to_state is CaseState.AWAITING_CUSTOMER
        ):
            remedy = case.remedy
            notices.append(_customer(
                case, "solution_proposed",
                remedy=remedy.kind.value if remedy else "explanation",
                amount=str(remedy.amount) if remedy and remedy.amount is not None else "",
                currency=(remedy.currency or "") if remedy else "",
                text=remedy.text if remedy else "", department=case.department or ""))
        elif action is Action.ASK_CUSTOMER:
            notices.append(_customer(case, "question", question=event.note or ""))
        elif action is Action.START_REVISIT:
            notices.append(_customer(case, "survey", round=event.data.get("round", 1)))
        elif action is Action.MARK_IMPLEMENTED:
            notices.append(_customer(case, "implemented", note=event.note or ""))
        elif action is Action.RECORD_REVISIT and event.to_state is CaseState.CLOSED_SATISFIED:
            notices.append(_customer(case, "closed_satisfied"))
        elif action is Action.CLOSE:  # by a supervisor, e.g. settled by an outside body
            notices.append(_customer(case, "closed", closure=str(event.data.get("outcome", "")),
                                     outcome=event.note or ""))
    return notices
