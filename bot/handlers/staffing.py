"""Staff join and leave in chat: /invite makes a one-time deep link, opening it (/start
with the token) makes that person staff, /staff lists staff with buttons to change a rung
or remove someone. Administrators and supervisors only (``core.services.staff``); the
services refuse anyone else, and the refusal is answered by ``bot.handlers.errors``.

Tried before every other branch: an invitation is opened by someone the desk does not
know yet (a customer, as far as routing goes), and administrators need not be staff.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.input.callbacks import InviteStep, StaffEdit
from bot.views import staff_views
from core.domain import DomainError
from core.organisation import Organisation
from core.ports import Database, StaffRecord
from core.services import invitations, staff
from core.services.people import Person
from core.services.rules import Rules

log = logging.getLogger(__name__)
router = Router(name="staffing")


def _record(person: Person | None) -> StaffRecord | None:
    return person.staff if person else None


def _manager(organisation: Organisation, user_id: int, person: Person | None,
             chat_type: str) -> None:
    """Only administrators and supervisors; the links and the list only in private."""
    staff.check_manager(organisation, user_id, _record(person))
    if chat_type != "private":
        raise DomainError("staff_in_private")


async def _invitation(bot: Bot, db: Database, organisation: Organisation, rules: Rules,
                      i18n: I18n, user_id: int, person: Person | None, role: str,
                      department: str | None, level: str | None) -> str:
    token, expires = await invitations.create(db, organisation, rules, role, department, level,
                                     user_id, _record(person))
    log.info("user %s made an invitation: %s %s %s", user_id, role, department, level)
    link = await create_start_link(bot, token)
    return staff_views.invitation_text(link, role, department, level, expires,
                                       organisation.policy, rules.calendar.tz,
                                       i18n.current_locale)


@router.message(Command("invite"))
async def invite(message: Message, command: CommandObject, bot: Bot, db: Database,
                 rules: Rules, organisation: Organisation, person: Person | None,
                 i18n: I18n) -> None:
    assert message.from_user is not None
    _manager(organisation, message.from_user.id, person, message.chat.type)
    words = (command.args or "").split()
    if not words:
        text, markup = staff_views.invite_step(InviteStep(), organisation.policy)
        await message.answer(text, reply_markup=markup)
        return
    role, rest = words[0], words[1:]
    department = rest.pop(0) if role == "department" and rest else None
    if len(rest) > 1:
        raise DomainError("bad_invitation")
    await message.answer(await _invitation(bot, db, organisation, rules, i18n,
                                           message.from_user.id, person, role, department,
                                           rest[0] if rest else None))


@router.callback_query(InviteStep.filter())
async def invite_pressed(query: CallbackQuery, callback_data: InviteStep, bot: Bot,
                         db: Database, rules: Rules, organisation: Organisation,
                         person: Person | None, i18n: I18n) -> None:
    policy = organisation.policy
    if query.message is None:
        raise DomainError("bad_choice")
    _manager(organisation, query.from_user.id, person, query.message.chat.type)
    step = callback_data
    if step.department >= len(policy.departments) or step.level >= len(policy.escalation):
        raise DomainError("bad_choice")
    if not step.role or (step.role == "department" and step.department < 0) or step.level < 0:
        text, markup = staff_views.invite_step(step, policy)
        await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr]
        await query.answer()
        return
    department = policy.departments[step.department].code if step.role == "department" else None
    text = await _invitation(bot, db, organisation, rules, i18n, query.from_user.id, person,
                             step.role, department, policy.escalation[step.level].code)
    await query.message.edit_text(text)  # type: ignore[union-attr]
    await query.answer()


@router.message(CommandStart(deep_link=True), F.chat.type == "private")
async def join(message: Message, command: CommandObject, db: Database, rules: Rules,
               organisation: Organisation, i18n: I18n) -> None:
    """Whoever opens an invitation's link becomes that staff member."""
    user = message.from_user
    assert user is not None
    try:
        member = await invitations.accept(db, rules, command.args or "", user.id,
                                          user.full_name, i18n.current_locale)
    except DomainError as error:
        log.warning("user %s opened an invitation that was refused: %s", user.id, error.code)
        raise
    log.info("user %s joined as %s %s %s", user.id, member.role, member.department,
             member.level)
    await message.answer(staff_views.welcome(member, organisation))


async def _show_roster(query: CallbackQuery, db: Database, organisation: Organisation
                       ) -> None:
    members = await staff.roster(db, organisation)
    await query.message.edit_text(  # type: ignore[union-attr]
        staff_views.roster_text(members, organisation.policy),
        reply_markup=staff_views.roster_keyboard(members))


@router.message(Command("staff"))
async def staff_command(message: Message, db: Database, organisation: Organisation,
                        person: Person | None) -> None:
    assert message.from_user is not None
    _manager(organisation, message.from_user.id, person, message.chat.type)
    members = await staff.roster(db, organisation)
    await message.answer(staff_views.roster_text(members, organisation.policy),
                         reply_markup=staff_views.roster_keyboard(members))


@router.callback_query(StaffEdit.filter())
async def staff_pressed(query: CallbackQuery, callback_data: StaffEdit, db: Database,
                        rules: Rules, organisation: Organisation,
                        person: Person | None) -> None:
    if query.message is None:
        raise DomainError("bad_choice")
    user_id = query.from_user.id
    _manager(organisation, user_id, person, query.message.chat.type)
    policy, edit = organisation.policy, callback_data
    if edit.op == "rung":
        found = next((m for m in await staff.roster(db, organisation)
                      if m.telegram_id == edit.telegram_id), None)
        if found is None:
            raise DomainError("not_staff")
        text, markup = staff_views.rung_step(found, policy)
        await query.message.edit_text(text, reply_markup=markup)  # type: ignore[union-attr]
        await query.answer()
        return
    toast = None
    if edit.op == "set":
        if not 0 <= edit.level < len(policy.escalation):
            raise DomainError("bad_choice")
        changed = await staff.set_level(db, organisation, rules, edit.telegram_id,
                                        policy.escalation[edit.level].code, user_id,
                                        _record(person))
        log.info("user %s set the rung of %s to %s", user_id, edit.telegram_id, changed.level)
        toast = _("Done: {name} is now at that rung.").format(name=changed.name)
    elif edit.op == "remove":
        removed = await staff.remove(db, organisation, rules, edit.telegram_id, user_id,
                                     _record(person))
        log.warning("user %s removed %s (%s) from staff", user_id, edit.telegram_id,
                    removed.role)
        toast = _("{name} is no longer staff.").format(name=removed.name)
    await _show_roster(query, db, organisation)
    await query.answer(toast)
