"""Words a staff member types for a card: a finding, a question, a reason, a solution.

The bot asks with a reply prompt (so it is seen even where the bot's privacy mode hides
ordinary group chatter); only that person's reply to the prompt itself is the answer, and
/cancel drops it.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import ForceReply, Message
from aiogram.utils.i18n import gettext as _

from bot.media import not_a_command
from bot.prompts import PROMPT_KEY, answers_prompt
from bot.staff_identity import as_staff
from core.domain import Actor, Channel, DomainError, Intake, Remedy, RemedyKind
from core.domain.values import money, split_contact
from core.organisation import Organisation
from core.ports import Database
from core.services import filing, handling, people
from core.services.groups import Group
from core.services.rules import Rules

router = Router(name="staff-input")
router.message.filter(F.chat.type.in_({"group", "supergroup"}))


class StaffInput(StatesGroup):
    text = State()
    amount = State()


PROMPTS = {
    "invalid": lambda: _("Why is the complaint invalid? Write the finding the customer will "
                         "read — politely (reply to this message)."),
    "ask": lambda: _("What would you like to ask the customer? (reply to this message)"),
    "hand_back": lambda: _("Why is this case not for your department? (reply to this "
                           "message)"),
    "refuse": lambda: _("Why is the solution refused? (reply to this message)"),
    "capa": lambda: _("Root cause and improvement measure, separated by a blank line "
                      "(reply to this message)."),
    "remedy": lambda: _("Describe the solution for the customer (reply to this message)."),
    "amount": lambda: _("What amount? Digits only, e.g. 800 (reply to this message)."),
    "register": lambda: _("First line: the caller's name and phone number. Then, on the "
                          "next lines, what happened in their words (reply to this "
                          "message)."),
}


async def prompt(message: Message, state: FSMContext, action: str, case_id: int,
                 **extra: object) -> None:
    asked = await message.answer(PROMPTS[action](), reply_markup=ForceReply(selective=True))
    await state.set_state(StaffInput.amount if action == "amount" else StaffInput.text)
    await state.update_data(staff_action=action, staff_case=case_id,
                            **{PROMPT_KEY: asked.message_id}, **extra)


@router.message(StateFilter(StaffInput.amount, StaffInput.text), Command("cancel"))
async def cancelled(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled."))


@router.message(StaffInput.amount, not_a_command, answers_prompt())
async def amount_typed(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        amount = money((message.text or "").replace(",", "").strip())
    except DomainError:
        await message.reply(_("Please give an amount greater than zero, with at most two "
                              "decimals."))
        return
    await prompt(message, state, "remedy", data["staff_case"], remedy=data.get("remedy"),
                 amount=str(amount))


@router.message(StaffInput.text, not_a_command, answers_prompt())
async def text_typed(message: Message, state: FSMContext, db: Database, rules: Rules,
                     actor: Actor, organisation: Organisation, binding: Group | None,
                     bot: Bot) -> None:
    data = await state.get_data()
    text = (message.text or "").strip()
    if not text:
        await message.reply(_("Please answer in words."))
        return
    action, case_id = data.get("staff_action"), int(data.get("staff_case", 0))
    await state.clear()
    assert message.from_user is not None
    actor = await as_staff(actor, message.from_user, db, rules, organisation, bot, binding)
    uow = db.uow()
    if action == "invalid":
        await handling.decide_invalid(uow, rules, case_id, actor, text)
    elif action == "ask":
        await handling.ask_customer(uow, rules, case_id, actor, text)
    elif action == "hand_back":
        await handling.hand_back(uow, rules, case_id, actor, text)
    elif action == "refuse":
        await handling.refuse_approval(uow, rules, case_id, actor, text)
    elif action == "capa":
        cause, _sep, measure = text.partition("\n\n")
        await handling.add_capa(uow, rules, case_id, actor, cause, measure or cause)
    elif action == "register":
        await _register(message, state, db, rules, actor, data.get("category"), text)
        return
    elif action == "remedy":
        amount = data.get("amount")
        remedy = Remedy(RemedyKind(data.get("remedy") or "explanation"), text,
                        amount or None, rules.policy.currency if amount else None)
        await handling.propose_solution(uow, rules, case_id, actor, remedy)
    else:
        return
    await message.reply(_("Done."))


async def _register(message: Message, state: FSMContext, db: Database, rules: Rules,
                    actor: Actor, category: str | None, text: str) -> None:
    """A complaint received by phone or in person, filed on the caller's behalf."""
    first, _sep, story = text.partition("\n")
    contact = split_contact(first)
    if contact is None or not story.strip():  # ask again, and wait for the answer again
        await prompt(message, state, "register", 0, category=category)
        return
    name, phone = contact
    caller = await people.customer_by_phone(db.uow(), rules, actor, name or "-", phone)
    intake = Intake(description=story.strip(), demand="other", category=category,
                    contact_name=name or None, contact_phone=phone, channel=Channel.PHONE)
    filed = await filing.file_case(db.uow(), rules, intake, caller, actor)
    await message.reply(_("Registered as case {number}.").format(number=filed.number))
