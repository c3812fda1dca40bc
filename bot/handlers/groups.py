"""Group chats: what a bound group is for; unbound groups are told once they ask."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.views.render import escape
from core.services.groups import Group
from core.services.rules import Rules

log = logging.getLogger(__name__)
router = Router(name="groups")


@router.message(Command("help", "start"))
async def group_help(message: Message, binding: Group | None, rules: Rules) -> None:
    if binding is None:
        log.info("help asked in unbound chat %s", message.chat.id)
        await message.answer(_("This group is not connected to the complaint desk. An "
                               "administrator can connect it to the customer-service desk, a "
                               "department or the supervisors."))
        return
    kind, _sep, code = binding.binding.partition(":")
    if kind == "desk":
        text = _("This group is the customer-service desk: every new complaint arrives here "
                 "as a card to check, assign or answer.")
    elif kind == "supervisors":
        text = _("This group is for supervisors: deadline alerts, approvals and reports "
                 "arrive here.")
    else:
        department = rules.policy.department(code)
        text = _("This group is the {department} department: its cases arrive here as task "
                 "cards.").format(department=escape(department.name if department else code))
    await message.answer(text)
