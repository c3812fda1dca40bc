"""What a supervisor does to a case from the desk (PROCEDURE.md §5): give it to another
person, leave an instruction for the department, close it as settled outside.

Each is one change through ``handling._change`` — saved with its audit event, its notices
(card refreshes) and follow-up jobs in one transaction — like every other use case.
Moving a case to another department, severity, escalation and approvals are the existing
``handling`` use cases.
"""

from __future__ import annotations

from core.domain import Action, Actor, DomainError, Role
from core.ports import UnitOfWork
from core.services.handling import Changed, _change
from core.services.rules import Rules

# Where a complaint that could not be settled between us and the customer was settled
# (PROCEDURE.md §5: consumer association 12315, arbitration, courts).
EXTERNAL_ROUTES = ("consumer_association", "arbitration", "court")


def require_supervisor(actor: Actor) -> None:
    """The desk's commands are for supervisors only; the domain checks each action too."""
    if actor.role is not Role.SUPERVISOR:
        raise DomainError("not_a_supervisor")


async def instruct(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                   text: str) -> Changed:
    return await _change(uow, rules, case_id, Action.INSTRUCT,
                         lambda case, now: case.instruct(actor, now, text))


async def reassign(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                   person_id: int, person_department: str | None) -> Changed:
    """To a named member of the case's department (``person_department`` is where the
    organisation file places them)."""
    return await _change(uow, rules, case_id, Action.REASSIGN,
                         lambda case, now: case.reassign(actor, now, person_id,
                                                         person_department))


async def close_externally(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                           route: str, outcome: str) -> Changed:
    """Closed as resolved by an outside body; ``outcome`` is what that body decided."""
    if route not in EXTERNAL_ROUTES:
        raise DomainError("bad_choice")
    return await _change(uow, rules, case_id, Action.CLOSE,
                         lambda case, now: case.close(actor, now, f"external_{route}",
                                                      outcome))
