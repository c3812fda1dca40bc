"""Who is acting on a card: staff from the organisation file, with a ledger entry."""

from __future__ import annotations

from dataclasses import replace

from aiogram.types import User

from core.db.uow import Database
from core.domain import Actor, DomainError, Role
from core.organisation import Organisation
from core.services import people
from core.services.rules import Rules


async def as_staff(actor: Actor, user: User, db: Database, rules: Rules,
                   organisation: Organisation) -> Actor:
    """Staff listed in the organisation file get a ledger entry the first time they act,
    under the name the organisation knows them by."""
    if actor.role is Role.CUSTOMER:
        raise DomainError("role_not_allowed", action="staff", role="customer")
    if actor.person_id is not None:
        return actor
    member = organisation.staff_member(user.id)
    name = member.name if member else user.full_name[:200]
    person_id = await people.customer_for_telegram(db.uow(), rules, user.id, name)
    return replace(actor, person_id=person_id)
