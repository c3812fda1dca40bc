"""The intake questions a policy's rules add: when the goods were delivered, where complaints
have a window after delivery (001 范文5 §4.1); the evidence, where the rules require it —
sent now, several files if need be, or promised for later (§4.2–4.3); and the amount
claimed, where compensation is asked and the policy has an amount threshold (issue 19.1)."""

from __future__ import annotations

import re
from decimal import Decimal

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.delivery.reminders import touched
from bot.flows.intake_answers import ask_again, closed, local_now, typed
from bot.flows.intake_steps import IntakeForm, answered, ask
from bot.input.callbacks import IntakeAction
from bot.input.media import evidence_of
from core.domain import when_said
from core.domain.values import MAX_SHORT
from core.services.rules import Rules

router = Router(name="intake-validity")
AMOUNT = re.compile(r"\d+(?:\.\d{1,2})?")
MAX_FILES = 20  # what one intake keeps; the case takes more later through its card


@router.callback_query(IntakeForm.delivered, IntakeAction.filter(F.action == "delivered"))
async def delivery_chosen(query: CallbackQuery, callback_data: IntakeAction,
                          state: FSMContext, rules: Rules) -> None:
    await answered(await closed(query), state, rules,
                   delivered=when_said.from_choice(callback_data.value, local_now(rules)))


@router.message(IntakeForm.delivered)
async def delivery_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    await typed(message, state, rules, "delivered", MAX_SHORT,
                 lambda words: when_said.from_words(words, local_now(rules)))


@router.message(IntakeForm.amount)
async def amount_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    found = AMOUNT.search((message.text or "").replace(",", ""))
    if found is None or Decimal(found.group(0)) <= 0 or Decimal(found.group(0)) >= 10**10:
        await ask_again(message, state, rules)
        return
    await answered(message, state, rules, amount=found.group(0))


@router.callback_query(IntakeAction.filter(F.action == "skip"),
                       StateFilter(IntakeForm.delivered, IntakeForm.evidence, IntakeForm.amount))
async def skipped(query: CallbackQuery, callback_data: IntakeAction, state: FSMContext,
                  rules: Rules) -> None:
    if callback_data.value == "delivered":
        await answered(await closed(query), state, rules, delivered=None)
    elif callback_data.value == "amount":
        await answered(await closed(query), state, rules, amount=None)
    elif callback_data.value == "evidence":
        await answered(await closed(query), state, rules, evidence_later=True)
    else:
        await query.answer(_("This button is no longer valid."))


@router.message(IntakeForm.evidence)
async def evidence_sent(message: Message, state: FSMContext, rules: Rules) -> None:
    """Files are kept as they come; the customer says when that is all."""
    item = evidence_of(message)
    if item is None:
        await ask_again(message, state, rules)
        return
    data = await state.get_data()
    evidence = [*data.get("evidence", [])]
    if len(evidence) >= MAX_FILES:
        await message.answer(_("That is as many files as I can keep here; you can add more "
                               "to the case once it is filed."))
        return
    evidence.append(list(item))
    album, albums = message.media_group_id, data.get("albums", [])
    await state.update_data({"evidence": evidence, **touched(rules.now()),
                             "albums": [*albums, album] if album and album not in albums
                             else albums})
    if album is not None and album in albums:
        return  # an album's later items: acknowledged once, with its first
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ That's all"), callback_data=IntakeAction(action="files_done"))
    await message.answer(_("Got it, I have kept that ({count} so far). Send more, or tap "
                           "“That's all”.").format(count=len(evidence)),
                         reply_markup=builder.as_markup())


@router.callback_query(IntakeForm.evidence, IntakeAction.filter(F.action == "files_done"))
async def evidence_done(query: CallbackQuery, state: FSMContext, rules: Rules) -> None:
    await ask(await closed(query), state, rules.policy)
