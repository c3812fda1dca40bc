"""Card buttons in staff groups. Every press is checked by the domain: a stranger or a
member of another department gets a short refusal and nothing changes."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import StaffAction
from bot.flows.staff_input import prompt
from bot.labels import REMEDIES, category_label
from bot.staff_identity import as_staff
from core.domain import Actor, DomainError, Role, Severity
from core.organisation import Organisation
from core.ports import Database
from core.services import handling, queries
from core.services.groups import Group
from core.services.rules import Rules

router = Router(name="staff")
router.callback_query.filter(F.message.chat.type.in_({"group", "supergroup"}))

NEEDS_WORDS = {"invalid", "ask", "hand_back", "refuse", "capa"}
NEEDS_AMOUNT = {"compensation", "discount"}


@router.callback_query(StaffAction.filter())
async def card_pressed(query: CallbackQuery, callback_data: StaffAction, state: FSMContext,
                       db: Database, rules: Rules, actor: Actor,
                       organisation: Organisation, binding: Group | None, bot: Bot) -> None:
    actor = await as_staff(actor, query.from_user, db, rules, organisation, bot, binding)
    action, case_id, uow = callback_data.action, callback_data.case_id, db.uow()
    message = query.message
    assert isinstance(message, Message)
    if action in NEEDS_WORDS or action in ("propose", "departments"):
        # Check the person may act on the case before asking them to type anything.
        case, _history = await queries.case_with_history(db.uow(), case_id, actor, limit=1)
        if actor.role is Role.DEPARTMENT and case.department != actor.department:
            raise DomainError("not_your_department", department=case.department)
    if action == "assign":
        await handling.assign(uow, rules, case_id, actor, department=callback_data.arg or None)
    elif action == "departments":
        builder = InlineKeyboardBuilder()
        for department in rules.policy.departments:
            builder.button(text=department.name, callback_data=StaffAction(
                action="assign", case_id=case_id, arg=department.code))
        builder.adjust(2)
        await message.answer(_("Which department should take it?"),
                             reply_markup=builder.as_markup())
    elif action == "major":
        await handling.set_severity(uow, rules, case_id, actor, Severity.MAJOR)
    elif action == "accept":
        await handling.accept(uow, rules, case_id, actor)
    elif action == "implemented":
        await handling.mark_implemented(uow, rules, case_id, actor)
    elif action == "approve":
        await handling.approve(uow, rules, case_id, actor)
    elif action == "propose":
        builder = InlineKeyboardBuilder()
        for code, label in REMEDIES.items():
            if code != "other":
                builder.button(text=str(label), callback_data=StaffAction(
                    action="remedy", case_id=case_id, arg=code))
        builder.adjust(2)
        await message.answer(_("What kind of solution?"), reply_markup=builder.as_markup())
    elif action == "remedy":
        step = "amount" if callback_data.arg in NEEDS_AMOUNT else "remedy"
        await prompt(message, state, step, case_id, remedy=callback_data.arg, amount=None)
    elif action == "register":
        await prompt(message, state, "register", 0, category=callback_data.arg or None)
    elif action in NEEDS_WORDS:
        await prompt(message, state, action, case_id)
    await query.answer()


@router.message(Command("register"), F.chat.type.in_({"group", "supergroup"}))
async def register(message: Message, db: Database, rules: Rules, actor: Actor,
                   organisation: Organisation, binding: Group | None, bot: Bot) -> None:
    """Staff at the desk file a complaint received by phone or in person."""
    assert message.from_user is not None
    await as_staff(actor, message.from_user, db, rules, organisation, bot, binding)
    if binding is None or binding.binding != "desk":
        await message.answer(_("Register phone complaints in the customer-service desk group."))
        return
    builder = InlineKeyboardBuilder()
    for category in rules.policy.categories:
        builder.button(text=category_label(category), callback_data=StaffAction(
            action="register", case_id=0, arg=category.code))
    builder.adjust(2)
    await message.answer(_("A complaint by phone or in person: what is it about?"),
                         reply_markup=builder.as_markup())
