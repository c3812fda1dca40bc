"""What must be said, to whom, when a case changes (the outbox's content).

Pure: events in, notices out. Recipients are logical — a customer (person id), the
customer-service desk, a department, the supervisors — and the bot turns them into chats
and words in the recipient's language. Notices are stored in the same transaction as
the change that causes them (``core.db.outbox``), so nothing decided is ever unsaid.
"""

from __future__ import annotations

from typing import TypedDict

from core.domain import Action, Case, CaseEvent, CaseState
from core.notices.base import DESK, SUPERVISORS, Notice, Route, department
from core.notices.kinds import (
    Card,
    CardEvent,
    Closed,
    ClosedSatisfied,
    DeadlineExtended,
    ExtensionRequested,
    FindingConfirmed,
    FindingReopened,
    Implemented,
    Invalid,
    Question,
    SolutionProposed,
    Survey,
)


class _About(TypedDict):
    """A customer notice's recipient and case."""

    case_id: int
    customer_id: int
    number: str


def _file(event: CaseEvent) -> dict[str, str]:
    """The file an added-evidence event brought, for the note under the card."""
    if event.action is not Action.ADD_EVIDENCE:
        return {}
    return {"file_kind": str(event.data.get("kind") or ""),
            "file_ref": str(event.data.get("file_ref") or "")}


_DESK_STAGE = {CaseState.RECEIVED, CaseState.INVESTIGATING}
# The desk owns a case end to end: it hears of the customer's verdicts and the closing.
_DESK_EVENTS = {Action.FILE, Action.INVALIDATE, Action.ASSIGN, Action.TRANSFER,
                Action.HAND_BACK, Action.REOPEN, Action.SET_SEVERITY, Action.CUSTOMER_REJECT,
                Action.CLOSE, Action.CUSTOMER_OBJECT, Action.CONFIRM_FINDING,
                Action.REPORT_PROGRESS}


def _card_targets(case: Case, event: CaseEvent) -> list[Route]:
    """The groups whose card of this case must show this event."""
    targets: list[Route] = []
    # An objection to an invalid finding brings the case back to the desk, files and all.
    if case.state in _DESK_STAGE or event.action in _DESK_EVENTS or case.objection is not None:
        targets.append(DESK)
    for code in (case.department, event.data.get("department"), event.data.get("previous")):
        if code and department(str(code)) not in targets:
            targets.append(department(str(code)))
    if event.to_state is CaseState.AWAITING_APPROVAL or event.action in (
        Action.APPROVE, Action.REFUSE_APPROVAL, Action.ESCALATE, Action.CLOSE, Action.COSIGN
    ):
        targets.append(SUPERVISORS)
    return targets


def _may_show(case: Case, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> list[Route]:
    """The groups that may already show a card of the case: the desk, the supervisors and
    every department the case or these events name."""
    routes = [DESK, SUPERVISORS]
    codes = [case.department] + [event.data.get(key) for event in events
                                 for key in ("department", "previous")]
    routes += [department(str(code)) for code in codes if code]
    return list(dict.fromkeys(routes))


def _detail(event: CaseEvent) -> str:
    """The code a card note names: a survey's rating, the level an escalation reached."""
    if event.action in (Action.ESCALATE, Action.DE_ESCALATE):
        return str(event.data.get("level") or "")
    return str(event.data.get("rating") or "")


def cards_for(case: Case, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> list[Card]:
    """Staff cards to refresh, one per group, each with the events to note under it; every
    other group that shows a card of the case gets it refreshed too (no notes), so no card
    is left telling an old state."""
    assert case.id is not None
    notes: dict[Route, list[CardEvent]] = {}
    for event in events:
        for target in _card_targets(case, event):
            notes.setdefault(target, []).append(CardEvent(
                event=event.action.value, note=event.note or "",
                actor_id=event.actor.person_id, role=event.actor.role.value,
                detail=_detail(event), **_file(event)))
    refreshed = [Card(to=to, case_id=case.id, number=str(case.number), events=(),
                      shown_only=True)
                 for to in _may_show(case, events) if to not in notes]
    return refreshed + [Card(to=to, case_id=case.id, number=str(case.number), events=tuple(items))
                        for to, items in notes.items()]


def notices_for(case: Case, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> list[Notice]:
    """Everything a batch of events calls for: the customer's messages and staff cards."""
    notices: list[Notice] = list(cards_for(case, events))
    for event in events:
        notice = _for_customer(case, event)
        if notice is not None:
            notices.append(notice)
        if event.action is Action.REQUEST_EXTENSION:  # the supervisors decide
            assert case.id is not None
            notices.append(ExtensionRequested(case_id=case.id, number=str(case.number),
                                              department=case.department or "",
                                              reason=event.note or ""))
    return notices


def _for_customer(case: Case, event: CaseEvent) -> Notice | None:
    """What the customer is told of one event, if anything."""
    assert case.id is not None
    to = _About(case_id=case.id, customer_id=case.customer_id, number=str(case.number))
    action = event.action
    if action is Action.INVALIDATE:
        return Invalid(**to, finding=event.note or "")
    if action is Action.CONFIRM_FINDING:
        return FindingConfirmed(**to, reason=event.note or "")
    if action is Action.REOPEN and event.data.get("objected"):
        return FindingReopened(**to)  # looked at again, as the customer asked
    if action in (Action.PROPOSE, Action.APPROVE) and (
        event.to_state is CaseState.AWAITING_CUSTOMER
    ):
        remedy = case.remedy
        return SolutionProposed(
            **to, remedy=remedy.kind.value if remedy else "explanation",
            amount=str(remedy.amount) if remedy and remedy.amount is not None else "",
            currency=(remedy.currency or "") if remedy else "",
            text=remedy.text if remedy else "", department=case.department or "")
    if action in (Action.GRANT_EXTENSION, Action.AGREE_TIME):
        return DeadlineExtended(**to, until=str(event.data.get("until") or ""),
                                agreed=action is Action.AGREE_TIME)
    if action is Action.ASK_CUSTOMER:
        return Question(**to, question=event.note or "")
    if action is Action.START_REVISIT:
        return Survey(**to, round=event.data.get("round", 1))
    if action is Action.MARK_IMPLEMENTED:
        return Implemented(**to, note=event.note or "")
    if action is Action.RECORD_REVISIT and event.to_state is CaseState.CLOSED_SATISFIED:
        return ClosedSatisfied(**to)
    if action is Action.CLOSE:  # by a supervisor, e.g. settled by an outside body
        return Closed(**to, closure=str(event.data.get("outcome", "")),
                      outcome=event.note or "")
    return None
