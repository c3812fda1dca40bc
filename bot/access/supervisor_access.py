"""Who may use the supervisor's desk, and where: the supervisors' group, or a private chat
with someone the organisation file lists as a supervisor. No I/O: the actor is already
resolved (``bot.access.acting``)."""

from __future__ import annotations

import logging
from typing import NoReturn

from aiogram.types import Chat, User

from core.domain import Actor, DomainError, Role
from core.services.groups import Group

log = logging.getLogger(__name__)


def may_use_desk(actor: Actor, chat: Chat | None, binding: Group | None) -> bool:
    if actor.role is not Role.SUPERVISOR or chat is None:
        return False
    return chat.type == "private" or (binding is not None and binding.binding == "supervisors")


def refuse_desk(actor: Actor, user: User, chat: Chat, binding: Group | None,
                tried: str) -> NoReturn:
    """The ``not_a_supervisor`` refusal, with a warning in the log: who, where, what."""
    in_supervisors = binding is not None and binding.binding == "supervisors"
    # Why, as the log has always said it: a member of the supervisors' group whom the
    # organisation does not name as staff is not staff, whatever the group says.
    code = "role_not_allowed" if chat.type != "private" and in_supervisors \
        and actor.role is Role.CUSTOMER else "not_a_supervisor"
    log.warning("supervisor desk refused user %s in chat %s: %s (%s)", user.id, chat.id,
                code, tried)
    raise DomainError("not_a_supervisor")
