"""Words a staff member types for a card: a finding, a question, a reason, a solution.

The steps and their prompts are declared in ``bot.actions.card``; a phone complaint
(/register) is the one prompt here that is not a step on a case. The bot asks with a reply
prompt (so it is seen even where the bot's privacy mode hides
ordinary group chatter); only that person's reply to the prompt itself is the answer, and
/cancel drops it.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ForceReply, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.actions.card import CALL_ANSWERS, CARD
from bot.actions.model import CaseAction, Given, ensure_possible
from bot.input.callbacks import StaffAction
from bot.input.media import not_a_command
from bot.input.menus import for_case
from bot.input.prompts import PROMPT_KEY, answers_prompt
from bot.runtime.update_bot import said_now
from bot.views.labels import CHANNELS, REMEDIES
from core.domain import Actor, Channel, DomainError, Intake
from core.domain.values import money, split_contact
from core.domain.weighing import weighs_channel
from core.organisation import Organisation
from core.ports import Database
from core.services import filing, people, queries
from core.services.rules import Rules

router = Router(name="staff-input")


class StaffInput(StatesGroup):
    text = State()  # the words a catalogue entry asks for
    amount = State()  # the amount of a solution, before its words
    caller = State()  # a complaint by phone: the caller and what happened
    channel = State()  # then how it reached us, where the policy weighs that
    demand = State()  # then what the caller wants (a remedy's button)
    demand_text = State()  # "something else": what they want, in words


async def _ask(message: Message, state: FSMContext, step: State, text: str,
               **data: object) -> None:
    asked = await said_now(message.answer(text, reply_markup=ForceReply(selective=True)))
    await state.set_state(step)
    await state.update_data({**data, PROMPT_KEY: asked.message_id})


@dataclass(frozen=True)
class Asked:
    """What a prompt is for: the step, its case (number and version as the person saw it)
    and the option chosen."""

    entry: CaseAction
    case_id: int
    number: str
    version: int
    arg: str = ""


async def ask_words(message: Message, state: FSMContext, asked: Asked,
                    amount: str | None = None) -> None:
    """``message`` is the one pressed: a call task's buttons go once the answer is in."""
    origin = message.message_id if asked.entry.code in CALL_ANSWERS else None
    await _ask(message, state, StaffInput.text, for_case(str(asked.entry.words), asked.number),
               staff_amount=amount, staff_origin=origin, **_remembered(asked))


async def ask_amount(message: Message, state: FSMContext, asked: Asked) -> None:
    question = (_("What are the goods worth? Digits only, e.g. 800 (reply to this message).")
                if asked.arg in ("return", "exchange") else
                _("What amount? Digits only, e.g. 800 (reply to this message)."))
    await _ask(message, state, StaffInput.amount, for_case(question, asked.number),
               **_remembered(asked))


def _remembered(asked: Asked) -> dict[str, object]:
    return {"staff_action": asked.entry.code, "staff_case": asked.case_id,
            "staff_number": asked.number, "staff_version": asked.version,
            "staff_arg": asked.arg}


def _asked(data: dict[str, object]) -> Asked | None:
    """What the pending prompt was for; None for a step this version of the bot does not
    have."""
    code = data.get("staff_action")
    if not isinstance(code, str) or code not in CARD.codes:
        return None
    return Asked(CARD.get(code), int(str(data.get("staff_case") or 0)),
                 str(data.get("staff_number") or ""), int(str(data.get("staff_version") or 0)),
                 str(data.get("staff_arg") or ""))


async def ask_caller(message: Message, state: FSMContext, category: str | None) -> None:
    await _ask(message, state, StaffInput.caller,
               _("First line: the caller's name and phone number. Then, on the next lines, "
                 "what happened in their words (reply to this message)."), category=category)


STAFF_STATES = (StaffInput.amount, StaffInput.text, StaffInput.caller, StaffInput.channel,
                StaffInput.demand, StaffInput.demand_text)
DEMAND = "demand"  # the callback code of a caller's demand (``StaffAction``)
CHANNEL = "channel"  # ... and of how it reached us


@router.message(StateFilter(*STAFF_STATES), Command("cancel"))
async def cancelled(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled."))


@router.message(StaffInput.amount, not_a_command, answers_prompt())
async def amount_typed(message: Message, state: FSMContext, db: Database,
                       actor: Actor) -> None:
    data = await state.get_data()
    try:
        amount = money((message.text or "").replace(",", "").strip())
    except DomainError:
        await message.reply(_("Please give an amount greater than zero, with at most two "
                              "decimals."))
        return
    asked = _asked(data)
    if asked is None:
        await state.clear()
        return
    if asked.version:  # the case moved on since: refused now, before the words are typed
        case, _history = await queries.case_with_history(
            db.uow(read_only=True), asked.case_id, actor, limit=1)
        try:
            ensure_possible(asked.entry, case, actor.seeing(asked.version))
        except DomainError:
            await state.clear()
            raise
    await ask_words(message, state, asked, amount=str(amount))


@router.message(StaffInput.text, not_a_command, answers_prompt())
async def text_typed(message: Message, state: FSMContext, db: Database, rules: Rules,
                     actor: Actor, organisation: Organisation) -> None:
    data = await state.get_data()
    text = (message.text or "").strip()
    if not text:
        await message.reply(_("Please answer in words."))
        return
    asked = _asked(data)
    await state.clear()
    if asked is None or asked.entry.words is None or asked.entry.perform is None:
        return
    amount = data.get("staff_amount")
    # As the prompt was made for the case: refused (in the change's own transaction) if
    # the case has changed since it was asked.
    await asked.entry.perform(db, rules, asked.case_id, actor.seeing(asked.version), Given(
        arg=asked.arg, text=text, amount=str(amount) if amount else None,
        organisation=organisation))
    origin = data.get("staff_origin")
    if isinstance(origin, int) and message.bot is not None:
        with suppress(TelegramBadRequest):  # deleted meanwhile: nothing left to tidy
            await message.bot.edit_message_reply_markup(chat_id=message.chat.id,
                                                        message_id=origin, reply_markup=None)
    await message.reply(_("Done."))


@router.message(StaffInput.caller, not_a_command, answers_prompt())
async def caller_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    """The caller and their story; then how it reached us where the policy weighs that, and
    what they want, as the intake asks a customer."""
    data = await state.get_data()
    text = (message.text or "").strip()
    first, _sep, story = text.partition("\n")
    if split_contact(first) is None or not story.strip():  # ask again, wait again
        await ask_caller(message, state, data.get("category"))
        return
    await state.update_data(caller=text)
    if not weighs_channel(rules.policy):
        await _ask_demand(message, state)
        return
    builder = InlineKeyboardBuilder()
    for channel, label in CHANNELS.items():
        builder.button(text=str(label), callback_data=StaffAction(
            action=CHANNEL, case_id=0, arg=channel.value))
    builder.adjust(2)
    await message.reply(_("How did the complaint reach us?"), reply_markup=builder.as_markup())
    await state.set_state(StaffInput.channel)


@router.callback_query(StaffInput.channel, StaffAction.filter(F.action == CHANNEL))
async def channel_chosen(query: CallbackQuery, callback_data: StaffAction,
                         state: FSMContext) -> None:
    message = query.message
    assert isinstance(message, Message)
    if callback_data.arg not in {channel.value for channel in CHANNELS}:
        raise DomainError("bad_choice")
    await query.answer()
    await state.update_data(channel=callback_data.arg)
    await _ask_demand(message, state)


async def _ask_demand(message: Message, state: FSMContext) -> None:
    builder = InlineKeyboardBuilder()
    for code, remedy in REMEDIES.items():
        builder.button(text=str(remedy), callback_data=StaffAction(action=DEMAND, case_id=0,
                                                                  arg=code))
    builder.adjust(2)
    await message.reply(_("What does the caller want us to do about it?"),
                        reply_markup=builder.as_markup())
    await state.set_state(StaffInput.demand)


@router.callback_query(StaffInput.demand, StaffAction.filter(F.action == DEMAND))
async def demand_chosen(query: CallbackQuery, callback_data: StaffAction, state: FSMContext,
                        db: Database, rules: Rules, actor: Actor) -> None:
    message = query.message
    assert isinstance(message, Message)
    if callback_data.arg not in REMEDIES:
        raise DomainError("bad_choice")
    await query.answer()
    if callback_data.arg == "other":
        await _ask(message, state, StaffInput.demand_text,
                   _("What does the caller want? In their words (reply to this message)."))
        return
    await _register(message, state, db, rules, actor, callback_data.arg, None)


@router.message(StaffInput.demand_text, not_a_command, answers_prompt())
async def demand_typed(message: Message, state: FSMContext, db: Database, rules: Rules,
                       actor: Actor) -> None:
    text = (message.text or "").strip()
    if not text:
        await message.reply(_("Please answer in words."))
        return
    await _register(message, state, db, rules, actor, "other", text)


async def _register(message: Message, state: FSMContext, db: Database, rules: Rules,
                    actor: Actor, demand: str, demand_text: str | None) -> None:
    """A complaint received by phone or in person, filed on the caller's behalf."""
    data = await state.get_data()
    await state.clear()
    category = data.get("category")
    first, _sep, story = str(data.get("caller", "")).partition("\n")
    contact = split_contact(first)
    if contact is None or not story.strip():  # a conversation from before this step
        await ask_caller(message, state, category if isinstance(category, str) else None)
        return
    name, phone = contact
    caller = await people.customer_by_phone(db.uow(), rules, actor, name or "-", phone)
    intake = Intake(description=story.strip(), demand=demand, demand_text=demand_text,
                    category=category if isinstance(category, str) else None,
                    contact_name=name or None, contact_phone=phone,
                    channel=Channel(data.get("channel") or Channel.PHONE.value))
    filed = await filing.file_case(db.uow(), rules, intake, caller, actor)
    await message.reply(_("Registered as case {number}.").format(number=filed.number))
