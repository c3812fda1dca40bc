"""Who may use the supervisor's desk, and where: the supervisors' group, or a private chat
with someone the organisation file lists as a supervisor."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import Chat, User

from bot.access.staff_identity import as_staff
from core.domain import Actor, DomainError
from core.organisation import Organisation
from core.ports import Database
from core.services.groups import Group
from core.services.rules import Rules
from core.services.supervision import require_supervisor

log = logging.getLogger(__name__)


async def as_supervisor(actor: Actor, user: User, chat: Chat, db: Database, rules: Rules,
                        organisation: Organisation, bot: Bot, binding: Group | None) -> Actor:
    """The acting supervisor (with a ledger entry), or a ``not_a_supervisor`` refusal."""
    try:
        if chat.type == "private":
            require_supervisor(actor)
            return await as_staff(actor, user, db, rules, organisation)
        if binding is None or binding.binding != "supervisors":
            raise DomainError("not_a_supervisor")
        actor = await as_staff(actor, user, db, rules, organisation, bot, binding)
        require_supervisor(actor)
        return actor
    except DomainError as refused:
        # Someone trying the supervisors' commands is worth a line in the log.
        log.warning("supervisor desk refused user %s in chat %s: %s", user.id, chat.id,
                    refused.code)
        if refused.code == "role_not_allowed":
            raise DomainError("not_a_supervisor") from None
        raise
