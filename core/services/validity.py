"""The clock on evidence the rules require (001 范文5 §4.2.2, §4.3 e): a case filed without
it gets a job at ``validity.evidence_late_days`` after the complaint; if nothing has come by
then, the desk is told it may find the complaint invalid, and its card says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.domain import Case
from core.domain.validity import evidence_due, evidence_missing
from core.notices import DESK, Card, EvidenceOverdue
from core.ports import Conflict, Database, Jobs
from core.services.rules import Rules

KIND = "evidence_overdue"


async def when_filed(jobs: Jobs, case: Case, rules: Rules, now: datetime) -> None:
    """In the filing's transaction: start the evidence clock when the rules call for it."""
    due = evidence_due(case, rules.policy)
    if case.id is not None and due is not None:
        await jobs.schedule(KIND, f"evidence-{case.id}", due, {"case_id": case.id}, now)


async def run_evidence_overdue(db: Database, rules: Rules, payload: dict[str, Any]) -> str:
    """Tell the desk, once, unless evidence came or the case is closed."""
    now = rules.now()
    async with db.uow() as uow:
        case = await uow.cases.get(int(payload["case_id"]), lock=False)
        if case.state.is_closed or not evidence_missing(case, rules.policy):
            return f"{case.number}: evidence came or the case is closed"
        assert case.id is not None and rules.policy.validity.evidence_late_days is not None
        number = str(case.number)
        await uow.outbox.add([
            EvidenceOverdue(case_id=case.id, number=number,
                            days=rules.policy.validity.evidence_late_days),
            # The desk's card shows the overdue flag from now on.
            Card(case_id=case.id, to=DESK, number=number, events=(), shown_only=True),
        ], now, 0)  # anchor 0: this job's notices only; a repeated run is refused
        try:
            await uow.commit()
        except Conflict:
            return f"{number}: evidence overdue already said"
    return f"{number}: evidence overdue, the desk is told"
