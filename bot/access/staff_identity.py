"""Who is acting on a card: staff from the organisation file, with a ledger entry."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Bot
from aiogram.types import User

from core.domain import Actor, DomainError, Role
from core.organisation import Organisation
from core.ports import Database
from core.services import people
from core.services.groups import Group
from core.services.rules import Rules

GROUP_ROLES = {"desk": Role.SPECIALIST, "supervisors": Role.SUPERVISOR}


async def as_staff(actor: Actor, user: User, db: Database, rules: Rules,
                   organisation: Organisation, bot: Bot | None = None,
                   group: Group | None = None) -> Actor:
    """The person acting on a card, as staff.

    Roles and rungs come from the organisation file; someone it does not list is staff of
    a bound group by being a member of it (no rung, so no authority over money). Staff
    get a ledger entry the first time they act, under the name the organisation uses.
    """
    if actor.role is Role.CUSTOMER:
        if bot is None or group is None:
            raise DomainError("role_not_allowed", action="staff", role="customer")
        member = await bot.get_chat_member(group.chat_id, user.id)
        if member.status not in ("creator", "administrator", "member"):
            raise DomainError("role_not_allowed", action="staff", role="customer")
        actor = Actor(actor.person_id, GROUP_ROLES.get(group.binding, Role.DEPARTMENT),
                      group.department)
    if actor.person_id is not None:
        return actor
    staff = organisation.staff_member(user.id)
    name = staff.name if staff else user.full_name[:200]
    person_id = await people.customer_for_telegram(db.uow(), rules, user.id, name)
    return replace(actor, person_id=person_id)
