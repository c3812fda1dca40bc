"""Administrators bind a group to the desk, a department or the supervisors; the bot
notices when it is removed from a group or loses its rights there."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import ChatMemberUpdated, Message
from aiogram.utils.i18n import gettext as _

from bot.runtime.i18n import locale_from_telegram
from core.domain import DomainError
from core.organisation import Organisation
from core.ports import Database
from core.services import groups
from core.services.rules import Rules

log = logging.getLogger(__name__)
router = Router(name="binding")


@router.message(Command("bind"))
async def bind(message: Message, command: CommandObject, bot: Bot, db: Database,
               rules: Rules, organisation: Organisation) -> None:
    words = (command.args or "").split()
    binding = {"desk": "desk", "supervisors": "supervisors"}.get(words[0] if words else "")
    if binding is None and len(words) == 2 and words[0] == "department":
        binding = f"department:{words[1]}"
    if binding is None:
        raise DomainError("bad_binding", binding=command.args or "")
    assert message.from_user is not None
    language = locale_from_telegram(message.from_user.language_code)
    group = await groups.bind(db, organisation, message.chat.id, binding, message.from_user.id,
                              rules.now(), is_forum=bool(message.chat.is_forum),
                              language=language)
    log.info("chat %s bound to %s by %s", group.chat_id, binding, message.from_user.id)
    me = await bot.get_chat_member(message.chat.id, bot.id)
    lines = [_("Done: this group is now bound.")]
    if me.status != "administrator":
        lines.append(_("I am not an administrator here, so I may not see the replies staff "
                       "type to my questions. Please make me an administrator."))
    elif message.chat.is_forum and not getattr(me, "can_manage_topics", False):
        lines.append(_("Please let me manage topics: each case gets its own topic here."))
    await message.answer("\n".join(lines))


@router.message(Command("unbind"))
async def unbind(message: Message, db: Database, organisation: Organisation) -> None:
    assert message.from_user is not None
    await groups.unbind(db, organisation, message.chat.id, message.from_user.id)
    await message.answer(_("This group is no longer part of the complaint desk."))


@router.my_chat_member(F.chat.type.in_({"group", "supergroup"}))
async def membership_changed(update: ChatMemberUpdated, db: Database, rules: Rules,
                             organisation: Organisation) -> None:
    """Removed from a bound group (in chat or in the organisation file): its cards cannot
    be updated there, so the binding sleeps and the supervisors are told; added back: it
    wakes up and gets the cards it missed."""
    status = update.new_chat_member.status
    active = status in ("member", "administrator")
    group = await groups.set_active(db, organisation, update.chat.id, active, rules.now())
    if group is not None:
        log.warning("bot is now %s in %s group %s", status, group.binding, update.chat.id)
