"""Who works here: the organisation file's staff, joined with staff added or changed in
chat (invitations, ``/staff``), which live in the database.

This is the one place the two meet. A database row wins over the file's entry for the
same person (a new rung, or ``active`` False: removed); the file still seeds staff and
stays valid. The bot reads the row with the person on every update
(``Database.person_by_telegram``), so a change counts at once on every instance.
"""

from __future__ import annotations

from typing import Any

from core.domain import Actor, DomainError, Role
from core.organisation import Organisation, StaffMember
from core.ports import Database, StaffRecord, UnitOfWork
from core.services.rules import Rules

ROLES = ("specialist", "department", "supervisor")


def staff_member(telegram_id: int, name: str, role: str, department: str | None,
                 level: str | None, language: str | None = None) -> StaffMember:
    """A staff member from a database row (checked when it was written)."""
    fields: dict[str, Any] = {"telegram_id": telegram_id, "name": name[:100], "role": role,
                              "department": department, "level": level,
                              "language": language}
    return StaffMember.model_construct(**fields)


def member(organisation: Organisation, telegram_id: int, record: StaffRecord | None
           ) -> StaffMember | None:
    """The staff member a Telegram user is, or None (a customer)."""
    if record is None:
        return organisation.staff_member(telegram_id)
    if not record.active:
        return None
    listed = organisation.staff_member(telegram_id)
    return staff_member(telegram_id, record.name, record.role, record.department,
                        record.level, listed.language if listed else None)


def actor(staff: StaffMember, person_id: int | None) -> Actor:
    return Actor(person_id, Role(staff.role), staff.department, staff.level)


def may_manage(organisation: Organisation, telegram_id: int, record: StaffRecord | None
               ) -> bool:
    """Administrators and supervisors invite, change rungs and remove staff."""
    if telegram_id in organisation.admins:
        return True
    found = member(organisation, telegram_id, record)
    return found is not None and found.role == "supervisor"


def check_manager(organisation: Organisation, telegram_id: int, record: StaffRecord | None
                  ) -> None:
    if not may_manage(organisation, telegram_id, record):
        raise DomainError("not_a_staff_manager")


def check_level(organisation: Organisation, level: str | None) -> None:
    if level is not None and level not in {r.code for r in organisation.policy.escalation}:
        raise DomainError("unknown_level", level=level[:32])


async def roster(db: Database, organisation: Organisation) -> list[StaffMember]:
    """Everyone who is staff now, by role and name."""
    async with db.uow(read_only=True) as uow:
        return await roster_in(uow, organisation)


async def roster_in(uow: UnitOfWork, organisation: Organisation) -> list[StaffMember]:
    """``roster``, read in the caller's unit of work (the deadline sweep's)."""
    records = {r.telegram_id: r for r in await uow.staff.all()}
    ids = [m.telegram_id for m in organisation.staff]
    ids += [tid for tid in records if tid not in set(ids)]
    found = [member(organisation, tid, records.get(tid)) for tid in ids]
    return sorted((m for m in found if m is not None),
                  key=lambda m: (ROLES.index(m.role), m.department or "", m.name))


async def member_now(db: Database, organisation: Organisation, telegram_id: int
                     ) -> StaffMember | None:
    """One person as staff now (None: not, or no longer, staff)."""
    async with db.uow(read_only=True) as uow:
        return member(organisation, telegram_id, await uow.staff.get(telegram_id))


async def with_roster(db: Database, organisation: Organisation) -> Organisation:
    """The organisation with its staff as they are now, for choices that name people (a
    supervisor reassigning a case)."""
    return organisation.model_copy(update={"staff": tuple(await roster(db, organisation))})


async def _current(uow: UnitOfWork, organisation: Organisation, telegram_id: int
                   ) -> StaffMember:
    found = member(organisation, telegram_id, await uow.staff.get(telegram_id))
    if found is None:
        raise DomainError("not_staff")
    return found


async def _ensure_person(uow: UnitOfWork, rules: Rules, telegram_id: int, name: str) -> None:
    """The bot reads a staff row with the person's row, so there must be one."""
    if await uow.people.by_telegram(telegram_id) is None:
        await uow.people.add(rules.now(), telegram_id=telegram_id, name=name[:200])


async def set_level(db: Database, organisation: Organisation, rules: Rules,
                    telegram_id: int, level: str, by_telegram_id: int,
                    by_record: StaffRecord | None) -> StaffMember:
    check_manager(organisation, by_telegram_id, by_record)
    check_level(organisation, level)
    async with db.uow() as uow:
        now = await _current(uow, organisation, telegram_id)
        await _ensure_person(uow, rules, telegram_id, now.name)
        await uow.staff.put(StaffRecord(telegram_id, now.name, now.role, now.department,
                                        level), by_telegram_id, rules.now())
        await uow.commit()
    return now.model_copy(update={"level": level})


async def remove(db: Database, organisation: Organisation, rules: Rules, telegram_id: int,
                 by_telegram_id: int, by_record: StaffRecord | None) -> StaffMember:
    check_manager(organisation, by_telegram_id, by_record)
    async with db.uow() as uow:
        was = await _current(uow, organisation, telegram_id)
        await _ensure_person(uow, rules, telegram_id, was.name)
        await uow.staff.put(StaffRecord(telegram_id, was.name, was.role, was.department,
                                        was.level, active=False), by_telegram_id, rules.now())
        await uow.commit()
    return was
