"""Filing a complaint, part two: contact, confirm (or correct one part), file, cancel."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.flows.intake_steps import IntakeForm, answered, ask, done_keyboard, story_facts
from bot.input.callbacks import IntakeAction
from bot.views.dates import when
from bot.views.reader_zone import reading
from bot.views.render import escape
from core.domain import Actor, DomainError, Evidence, Intake, Role
from core.domain.values import MAX_PHONE_DIGITS, MIN_PHONE_DIGITS, check_phone, split_contact
from core.policy import MajorTrigger
from core.ports import Database
from core.services import filing, people
from core.services.people import Person
from core.services.rules import Rules

router = Router(name="intake-confirm")


@router.message(IntakeForm.contact, F.contact)
async def contact_shared(message: Message, state: FSMContext, rules: Rules) -> None:
    contact = message.contact
    assert contact is not None
    if message.from_user and contact.user_id not in (None, message.from_user.id):
        await message.answer(_("Please share your own number, or type it."))
        return
    name = " ".join(filter(None, (contact.first_name, contact.last_name)))
    await _contact(message, state, rules, name, contact.phone_number)


@router.message(IntakeForm.contact)
async def contact_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    contact = split_contact(message.text or "")
    if contact is None:
        digits = sum(char.isdecimal() for char in message.text or "")
        again = _("Please send your phone number with the button below, or type your name "
                  "and number, for example: Li Lei 13800138000.")
        if 0 < digits < MIN_PHONE_DIGITS:  # a number too short to be one: say so first
            again = _what_is_wrong(DomainError("bad_phone", problem="too_short",
                                               digits=digits)) + "\n" + again
        await message.answer(again)
        return
    user = message.from_user
    name, phone = contact
    await _contact(message, state, rules, name or (user.full_name if user else ""), phone)


def _what_is_wrong(refusal: DomainError) -> str:
    """What core found wrong with a number, said so the person can fix it."""
    digits = refusal.params.get("digits", 0)
    if refusal.params.get("problem") == "too_short":
        return _("That number is too short ({count} digits): a phone number has at least "
                 "{least}.").format(count=digits, least=MIN_PHONE_DIGITS)
    if refusal.params.get("problem") == "too_long":
        return _("That number is too long ({count} digits): a phone number has at most "
                 "{most}.").format(count=digits, most=MAX_PHONE_DIGITS)
    return _("A phone number may hold only digits, spaces, dashes, brackets and a + at the "
             "start, for example 13800138000.")


async def _contact(message: Message, state: FSMContext, rules: Rules, name: str,
                   phone: str) -> None:
    try:
        phone = check_phone(phone, required=True) or ""
    except DomainError as refusal:
        await message.answer(_what_is_wrong(refusal))
        return
    await message.answer(_("Thank you."), reply_markup=ReplyKeyboardRemove())
    await answered(message, state, rules, name=name[:200], phone=phone)


@router.callback_query(IntakeForm.confirming, IntakeAction.filter(F.action == "edit"))
async def correct_part(query: CallbackQuery, callback_data: IntakeAction, state: FSMContext,
                       rules: Rules) -> None:
    """Correct one part without starting over: ask that question, then back to here."""
    await query.answer()
    assert isinstance(query.message, Message)
    field = callback_data.value
    if field == "story":
        await state.update_data(story=[], editing="story", said_in={})
        await state.set_state(IntakeForm.listening)
        await query.message.answer(_("Please tell me again what happened; this replaces what "
                                     "you wrote before (your attachments are kept)."),
                                   reply_markup=done_keyboard())
        return
    forget = {"category": ("category",), "product": ("product",), "place": ("place",),
              "occurred": ("occurred",), "delivered": ("delivered",),
              "demand": ("demand", "demand_text", "amount"),
              "contact": ("phone", "name")}.get(field)
    if forget is None:
        return
    data = await state.get_data()
    for name in forget:
        data.pop(name, None)
    data["editing"] = None
    await state.set_data(data)
    await ask(query.message, state, rules.policy)
    await state.update_data(editing=field)


@router.callback_query(IntakeForm.confirming, IntakeAction.filter(F.action == "ok"))
async def confirmed(query: CallbackQuery, state: FSMContext, db: Database, rules: Rules,
                    person: Person | None, i18n: I18n) -> None:
    """Commit: the case is filed in one transaction; the customer gets number and date."""
    data = await state.get_data()
    user = query.from_user
    customer_id = person.id if person else await people.customer_for_telegram(
        db.uow(), rules, user.id, user.full_name[:200], i18n.current_locale)
    facts = story_facts(data)
    intake = Intake(
        description="\n".join(data.get("story", [])) or _("(see the attachments)"),
        demand=data.get("demand") or "other", demand_text=data.get("demand_text"),
        category=data.get("category"), contact_name=data.get("name"),
        contact_phone=data.get("phone"), product=data.get("product"),
        place=data.get("place"), occurred=data.get("occurred"),
        delivered=data.get("delivered"),
        language=i18n.current_locale,
        # What the story said about harm and the numbers it gave (who else is involved
        # is read at filing): the policy decides whether that makes it major (issue 19.1).
        triggers=frozenset(MajorTrigger(trigger) for trigger in data.get("harm", [])),
        complainants=min(facts.complainants or 1, 100_000),
        batch_units=facts.units if facts.units and facts.units <= 10_000_000 else None,
        claimed_amount=facts.amount if facts.amount is not None
        and facts.amount < 10_000_000_000 else None,
    )
    evidence = [Evidence(kind, ref, caption) for kind, ref, caption in data.get("evidence", [])]
    filed = await filing.file_case(db.uow(), rules, intake, customer_id,
                                   Actor(customer_id, Role.CUSTOMER), evidence=evidence,
                                   intake_key=f"tg-{user.id}-{data.get('intake_id')}")
    await people.remember_contact(db.uow(), customer_id, data.get("name"), data.get("phone"))
    await state.clear()
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    lines = [_("Thank you. Your complaint is registered as case <b>{number}</b>.").format(
        number=filed.number)]
    if filed.promised_answer is not None:
        with reading(data.get("phone") or (person.phone if person else None)):  # their clock
            date = when(filed.promised_answer, rules.calendar.tz, i18n.current_locale)
        lines.append(_("We will answer you by <b>{date}</b> at the latest.").format(
            date=escape(date)))
    lines.append(_("A colleague will look into it; you can check on it at any time with "
                   "/status."))
    await query.message.answer("\n\n".join(lines))


@router.message(Command("cancel"), ~StateFilter(None))
@router.callback_query(IntakeAction.filter(F.action == "cancel"), ~StateFilter(None))
async def cancel_asked(event: Message | CallbackQuery) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, discard it"), callback_data=IntakeAction(action="discard"))
    builder.button(text=_("No, let's continue"), callback_data=IntakeAction(action="keep"))
    message = event if isinstance(event, Message) else event.message
    if isinstance(event, CallbackQuery):
        await event.answer()
    assert isinstance(message, Message)
    await message.answer(_("Do you want to discard this complaint? Nothing will be filed."),
                         reply_markup=builder.as_markup())


@router.message(Command("cancel"))
async def nothing_to_cancel(message: Message) -> None:
    await message.answer(_("There is nothing to cancel."), reply_markup=ReplyKeyboardRemove())


@router.callback_query(IntakeAction.filter(F.action == "discard"))
async def discarded(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(_("Discarded. Whenever you want to tell us about something, "
                                 "just write to me."), reply_markup=ReplyKeyboardRemove())


@router.callback_query(IntakeAction.filter(F.action == "keep"))
async def kept(query: CallbackQuery, state: FSMContext, rules: Rules) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_reply_markup(reply_markup=None)
    if await state.get_state() == IntakeForm.listening.state:
        await query.message.answer(_("Let's continue. I am listening."),
                                   reply_markup=done_keyboard())
    elif await state.get_state() is not None:
        await ask(query.message, state, rules.policy)
