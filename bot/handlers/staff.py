"""Card buttons in staff groups, for staff (the staff branch of ``bot.handlers`` admits
them; ``refusals`` answers anyone else). Every press is checked by the domain: a member of
another department gets a short refusal and nothing changes."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.actions.card import CALL_ANSWERS, CARD, FILES
from bot.actions.model import Given, ensure_possible
from bot.delivery.evidence import send_evidence
from bot.flows.staff_input import Asked, ask_amount, ask_caller, ask_words
from bot.input.callbacks import StaffAction
from bot.input.menus import for_case
from bot.views.labels import category_label
from core.domain import Actor, Case, DomainError
from core.organisation import Organisation
from core.ports import Database
from core.services import groups, queries
from core.services.groups import Group
from core.services.rules import Rules

router = Router(name="staff")


@router.callback_query(StaffAction.filter(F.action.in_(CARD.codes)))
async def card_pressed(query: CallbackQuery, callback_data: StaffAction, state: FSMContext,
                       db: Database, rules: Rules, actor: Actor,
                       organisation: Organisation) -> None:
    """A step from the catalogue (``bot.actions.card``): a choice, a prompt, or the change.
    A menu's button acts on the case as the menu showed it (``callback_data.version``)."""
    entry, case_id, arg = CARD.get(callback_data.action), callback_data.case_id, \
        callback_data.arg
    actor = actor.seeing(callback_data.version)
    message = query.message
    assert isinstance(message, Message)
    # A card's own buttons carry no version (the menus and prompts they open do).
    if callback_data.version == 0 and entry.code not in CALL_ANSWERS and await _replaced(
            query, message, case_id, db):
        return
    if entry.asks_first:
        # Check the person may act on the case (as the menu showed it) before asking them
        # to type anything; what they are asked then carries the case's version.
        case, _history = await queries.case_with_history(
            db.uow(read_only=True), case_id, actor, limit=1)
        ensure_possible(entry, case, actor)
        asked = Asked(entry, case_id, str(case.number), case.version, arg)
        if entry.choice is not None:
            builder = InlineKeyboardBuilder()
            for code, label in entry.choice.options(case, rules, organisation):
                builder.button(text=label, callback_data=StaffAction(
                    action=entry.choice.then, case_id=case_id, arg=code,
                    version=case.version))
            builder.adjust(2)
            await message.answer(for_case(str(entry.choice.question), case.number),
                                 reply_markup=builder.as_markup())
        elif arg in entry.amount_for:
            await ask_amount(message, state, asked)
        else:
            await ask_words(message, state, asked)
    else:
        assert entry.perform is not None
        await entry.perform(db, rules, case_id, actor, Given(arg=arg, organisation=organisation))
        if entry.code in CALL_ANSWERS:
            # The customer's answer is on the record: the call task is done.
            await message.edit_reply_markup(reply_markup=None)
            await query.answer(_("Recorded for the customer."))
            return
    await query.answer()


async def _replaced(query: CallbackQuery, message: Message, case_id: int, db: Database) -> bool:
    """A card that is not the case's card in this group: a second one was posted after a
    crash between Telegram taking the first and the bot recording it (the Bot API has no
    way to close that window). The older card says so, and loses its buttons, the first
    time anyone uses it; nothing else changes."""
    card = await groups.card_of(db, case_id, message.chat.id)
    if card is None or card.message_id == message.message_id:
        return False
    await message.edit_text(_("This card was replaced by a newer one for the same case; "
                              "please use that one."), reply_markup=None)
    await query.answer(_("This card was replaced by a newer one."), show_alert=True)
    return True


@router.callback_query(StaffAction.filter(F.action == FILES))
async def files(query: CallbackQuery, callback_data: StaffAction, db: Database, bot: Bot,
                actor: Actor) -> None:
    """The case's files under its card, in its topic: staff see the photo in one tap.
    Only into a group that shows the case's card, so a forged button shows no other
    case's files here."""
    message = query.message
    assert isinstance(message, Message)
    case_id, chat_id = callback_data.case_id, message.chat.id
    card = await groups.card_of(db, case_id, chat_id)
    if card is None:
        raise DomainError("case_not_found")
    case, _history = await queries.case_with_history(db.uow(read_only=True), case_id, actor,
                                                     limit=1)
    shown = await send_evidence(bot, chat_id, case.evidence, thread=card.thread_id,
                                reply_to=card.message_id)
    if len(case.evidence) > shown:
        await bot.send_message(chat_id, _("The first {shown} of {total} files.").format(
            shown=shown, total=len(case.evidence)), message_thread_id=card.thread_id,
            reply_to_message_id=card.message_id)
    await query.answer()


def _registers_here(actor: Actor, binding: Group | None) -> bool:
    """Whether this is the desk's group; there, refuses staff whose role registers none."""
    if binding is None or binding.binding != "desk":
        return False
    Case.check_may_file(actor)
    return True


@router.callback_query(StaffAction.filter(F.action == "register"))
async def phone_complaint_about(query: CallbackQuery, callback_data: StaffAction,
                                state: FSMContext, rules: Rules, actor: Actor,
                                binding: Group | None) -> None:
    """The category of a complaint by phone is chosen (see /register): now the caller.
    A press is checked as the command is, before anyone types: it may be forged."""
    message = query.message
    assert isinstance(message, Message)
    if not _registers_here(actor, binding):
        await query.answer(_("Register phone complaints in the customer-service desk group."))
        return
    category = callback_data.arg or None
    if category is not None and rules.policy.category(category) is None:
        raise DomainError("unknown_category", category=category[:40])
    await ask_caller(message, state, category)
    await query.answer()


@router.message(Command("register"))
async def register(message: Message, rules: Rules, actor: Actor, binding: Group | None) -> None:
    """Staff at the desk file a complaint received by phone or in person."""
    if not _registers_here(actor, binding):
        await message.answer(_("Register phone complaints in the customer-service desk group."))
        return
    builder = InlineKeyboardBuilder()
    for category in rules.policy.categories:
        builder.button(text=category_label(category), callback_data=StaffAction(
            action="register", case_id=0, arg=category.code))
    builder.adjust(2)
    await message.answer(_("A complaint by phone or in person: what is it about?"),
                         reply_markup=builder.as_markup())
