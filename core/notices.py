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
    case_id: int
    payload: dict[str, Any] = field(default_factory=dict)


def _customer(case: Case, notice_kind: str, **payload: Any) -> Notice:
    assert case.id is not None
    return Notice(notice_kind, "customer", str(case.customer_id), case.id,
                  {"number": str(case.number), **payload})


def notices_for(case: Case, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> list[Notice]:
    """The customer-facing notices a batch of events calls for."""
    notices: list[Notice] = []
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
    return notices
