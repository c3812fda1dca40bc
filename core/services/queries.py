"""Read-only views for people: a customer's cases, one case's history."""

from __future__ import annotations

from core.domain import Actor, Case, CaseEvent, DomainError, Role
from core.ports import UnitOfWork


async def cases_of_customer(uow: UnitOfWork, customer_id: int, limit: int = 50) -> list[Case]:
    async with uow:
        return await uow.cases.for_customer(customer_id, limit=limit)


async def case_with_history(uow: UnitOfWork, case_id: int, viewer: Actor, *,
                            offset: int = 0, limit: int = 100) -> tuple[Case, list[CaseEvent]]:
    """A customer only ever sees their own cases; staff see every case."""
    async with uow:
        case = await uow.cases.get(case_id, lock=False)
        if viewer.role is Role.CUSTOMER and viewer.person_id != case.customer_id:
            raise DomainError("not_your_case")
        return case, await uow.cases.history(case_id, offset=offset, limit=limit)
