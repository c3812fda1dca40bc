"""What the parts of ``core.domain.case.Case`` may use of it: its fields and ``_move``,
declared for the type checker only (the dataclass in ``case.py`` defines them)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.domain.case import CaseEvent
    from core.domain.intake import Evidence, Intake
    from core.domain.states import Action, CaseState
    from core.domain.values import Actor, Rating, Remedy, Severity
    from core.policy import Deadline


class CaseFields:
    if TYPE_CHECKING:
        customer_id: int
        intake: Intake
        state: CaseState
        department: str | None
        owner_id: int | None
        escalation_level: int
        reopen_count: int
        severity: Severity
        remedy: Remedy | None
        approval_level: int | None
        pending_question: str | None
        revisits_required: int
        revisits_done: int
        last_rating: Rating | None
        closed_at: datetime | None
        closure: str | None
        instruction: str | None
        objection: str | None
        major_unacknowledged_since: datetime | None
        extension_request: str | None
        extended_until: datetime | None
        first_approver_id: int | None
        agreed_until: datetime | None
        done_reported_by: int | None
        visited_at: datetime | None
        evidence: list[Evidence]
        deadlines: dict[Deadline, datetime]

        def _move(self, action: Action, actor: Actor, now: datetime, *,
                  to: CaseState | None = None, note: str | None = None,
                  **data: Any) -> CaseEvent: ...
