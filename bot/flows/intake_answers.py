"""Filing a complaint, part two: the answers to the intake's questions — a button pressed,
words typed, a location shared — each stored as what the case needs, then the next question.
What a step cannot take gets one friendly line and the question again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.flows.intake_steps import IntakeForm, answered, ask, remembered
from bot.input.callbacks import IntakeAction
from bot.input.media import not_a_command
from bot.views.render import escape
from core.domain import when_said
from core.domain.values import MAX_SHORT, MAX_TEXT
from core.services.rules import Rules

router = Router(name="intake-answers")


@router.callback_query(IntakeForm.category, IntakeAction.filter(F.action == "cat"))
async def category_chosen(query: CallbackQuery, callback_data: IntakeAction, state: FSMContext,
                          rules: Rules) -> None:
    if rules.policy.category(callback_data.value) is None:
        await query.answer(_("This button is no longer valid."))
        return
    await answered(await closed(query), state, rules, category=callback_data.value)


@router.callback_query(IntakeForm.occurred, IntakeAction.filter(F.action == "when"))
async def time_chosen(query: CallbackQuery, callback_data: IntakeAction, state: FSMContext,
                      rules: Rules) -> None:
    told = (await state.get_data()).get("told_when")
    day = told[1] if callback_data.value == "told" and told else \
        when_said.from_choice(callback_data.value, local_now(rules))
    await answered(await closed(query), state, rules, occurred=day)


@router.callback_query(IntakeForm.place, IntakeAction.filter(F.action == "where"))
async def place_chosen(query: CallbackQuery, state: FSMContext, rules: Rules) -> None:
    """The place the story named, confirmed with one tap."""
    told = (await state.get_data()).get("told_where")
    await answered(await closed(query), state, rules, place=told or None)


@router.callback_query(IntakeForm.demand, IntakeAction.filter(F.action == "demand"))
async def demand_chosen(query: CallbackQuery, callback_data: IntakeAction, state: FSMContext,
                        rules: Rules) -> None:
    message = await closed(query)
    if callback_data.value == "other":
        await state.set_state(IntakeForm.demand_other)
        await message.answer(_("Please tell me in a few words what you would like."))
        return
    if callback_data.value not in ("return", "exchange", "repair", "discount",
                                   "compensation", "explanation"):
        return
    await answered(message, state, rules, demand=callback_data.value, demand_text=None)


@router.callback_query(IntakeAction.filter(F.action == "skip"),
                       StateFilter(IntakeForm.product, IntakeForm.place, IntakeForm.occurred,
                                   IntakeForm.demand))
async def skipped(query: CallbackQuery, callback_data: IntakeAction, state: FSMContext,
                  rules: Rules) -> None:
    if callback_data.value not in ("product", "place", "occurred", "demand"):
        return
    if callback_data.value == "demand" and rules.policy.validity.demand_required:
        return  # a forged press: the policy asks for a concrete demand
    fields = {"demand": None, "demand_text": None} if callback_data.value == "demand" \
        else {callback_data.value: None}
    await answered(await closed(query), state, rules, **fields)


async def closed(query: CallbackQuery) -> Message:
    """Answer the press; the question keeps the chosen answer and loses its buttons."""
    await query.answer()
    message = query.message
    assert isinstance(message, Message)
    rows = message.reply_markup.inline_keyboard if message.reply_markup else []
    chosen = next((b.text for row in rows for b in row if b.callback_data == query.data), None)
    if chosen and message.text:
        await message.edit_text(f"{escape(message.text)}\n✔️ {escape(chosen)}", reply_markup=None)
    else:
        await message.edit_reply_markup(reply_markup=None)
    return message


async def typed(message: Message, state: FSMContext, rules: Rules, field: str,
                 limit: int, read: Callable[[str], str | None] | None = None) -> None:
    """A typed answer; ``read`` turns it into what is stored (None: the words as they are)."""
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await ask_again(message, state, rules)
        return
    if len(text) > limit:
        await message.answer(_("Please keep it under {limit} characters.").format(limit=limit))
        return
    await answered(message, state, rules, **{field: (read and read(text)) or text},
                   **remembered(await state.get_data(), message.message_id, field))


@router.message(IntakeForm.product)
async def product_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    await typed(message, state, rules, "product", MAX_SHORT)


@router.message(IntakeForm.place)
async def place_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    if message.location is not None:
        location = message.location
        await answered(message, state, rules,
                       place=f"{location.latitude:.5f}, {location.longitude:.5f}")
        return
    await typed(message, state, rules, "place", MAX_SHORT)


@router.message(IntakeForm.occurred)
async def time_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    # "昨天", "last Friday", "11月18日": stored as the day it was, read in our time zone.
    await typed(message, state, rules, "occurred", MAX_SHORT,
                 lambda words: when_said.from_words(words, local_now(rules)))


def local_now(rules: Rules) -> datetime:
    return rules.now().astimezone(rules.calendar.tz)


@router.message(IntakeForm.demand_other)
async def demand_typed(message: Message, state: FSMContext, rules: Rules) -> None:
    text = (message.text or "").strip()
    if text and not text.startswith("/") and len(text) <= MAX_TEXT:
        await answered(message, state, rules, demand="other", demand_text=text)
    else:
        await message.answer(_("Please tell me in a few words what you would like."))


@router.message(StateFilter(IntakeForm.category, IntakeForm.demand, IntakeForm.confirming),
                not_a_command)
async def not_an_answer(message: Message, state: FSMContext, rules: Rules) -> None:
    """Words, a sticker or a GIF where the question wants a button."""
    await ask_again(message, state, rules)


async def ask_again(message: Message, state: FSMContext, rules: Rules) -> None:
    """What a step cannot take gets one friendly line and the question again, so the way
    on is on screen, not somewhere above."""
    await message.answer(_("I can't take that as an answer here, so here is the question "
                           "again."))
    await ask(message, state, rules.policy)
