"""Invitations to join as staff: made by an administrator or a supervisor, opened once
through a deep link, and then that person is staff (``core.services.staff``).

A token is random (``secrets.token_urlsafe``); only its SHA-256 is stored. It can be
opened once, until it expires (``invitation_hours`` of the organisation file, a day by
default); a used, expired or unknown one is refused and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from core.domain import DomainError
from core.notices import DESK, SUPERVISORS, StaffJoined, department
from core.organisation import Organisation, StaffMember
from core.ports import Database, StaffRecord
from core.services.rules import Rules
from core.services.staff import ROLES, check_level, check_manager, staff_member

TOKEN_BYTES = 24  # 32 characters, within a deep link's 64
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(db: Database, organisation: Organisation, rules: Rules, role: str,
                 department_code: str | None, level: str | None, by_telegram_id: int,
                 by_record: StaffRecord | None) -> tuple[str, datetime]:
    """A new invitation's token (shown once, to the one who asked) and its expiry."""
    check_manager(organisation, by_telegram_id, by_record)
    if role not in ROLES:
        raise DomainError("bad_invitation")
    if role == "department":
        if not department_code:
            raise DomainError("bad_invitation")
        if organisation.policy.department(department_code) is None:
            raise DomainError("unknown_department", department=department_code[:32])
    else:
        department_code = None
    check_level(organisation, level)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = rules.now()
    expires_at = now + timedelta(hours=organisation.invitation_hours)
    async with db.uow() as uow:
        await uow.staff.invite(token_hash(token), role, department_code, level, by_telegram_id,
                               now, expires_at)
        await uow.commit()
    return token, expires_at


async def accept(db: Database, rules: Rules, token: str, telegram_id: int, name: str,
                 language: str | None) -> StaffMember:
    """Spend the invitation: the person is staff from their next update on, and the group
    they work in is told, in the same commit."""
    if not _TOKEN.match(token):
        raise DomainError("invitation_unknown")
    now = rules.now()
    name = name.strip()[:100] or str(telegram_id)
    async with db.uow() as uow:
        invitation = await uow.staff.invitation(token_hash(token))
        if invitation is None:
            raise DomainError("invitation_unknown")
        if invitation.used_at is not None:
            raise DomainError("invitation_used")
        if now >= invitation.expires_at:
            raise DomainError("invitation_expired")
        if not await uow.staff.use(invitation.id, telegram_id, now):
            raise DomainError("invitation_used")  # opened twice at once: the other won
        if await uow.people.by_telegram(telegram_id) is None:
            await uow.people.add(now, telegram_id=telegram_id, name=name, language=language)
        await uow.staff.put(StaffRecord(telegram_id, name, invitation.role,
                                        invitation.department, invitation.level),
                            invitation.created_by, now)
        to = (department(invitation.department) if invitation.department
              else SUPERVISORS if invitation.role == "supervisor" else DESK)
        await uow.outbox.add([StaffJoined(to=to, name=name, role=invitation.role,
                                          department=invitation.department or "",
                                          level=invitation.level or "")],
                             now, anchor=invitation.id)
        await uow.commit()
    return staff_member(telegram_id, name, invitation.role, invitation.department,
                        invitation.level)
