"""The intake questions: what is still missing, and how each is asked.

The customer's answers live in the FSM data (durable storage), keyed as in ``Intake``.
Questions already answered are skipped; after a correction the flow returns to the
confirmation instead of walking on.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from decimal import Decimal
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.delivery.reminders import touched
from bot.input.callbacks import IntakeAction
from bot.views.dates import occurred
from bot.views.labels import REMEDIES, category_label, remedy_label
from bot.views.render import escape, shorten
from bot.views.restate import restated_story
from core.domain.cues import Said, numbers_in
from core.policy import Policy
from core.services.rules import Rules

DONE_BUTTON = __("✅ That's everything")


class IntakeForm(StatesGroup):
    listening = State()
    category = State()
    product = State()
    place = State()
    occurred = State()
    amount = State()  # only for compensation, where the policy has an amount threshold
    delivered = State()  # only where the policy has a complaint window
    demand = State()
    demand_other = State()
    evidence = State()  # only where the policy requires evidence and none came yet
    contact = State()
    confirming = State()


def needs_product(data: dict[str, Any], policy: Policy) -> bool:
    category = policy.category(data.get("category") or "")
    return bool(category and category.needs_product)


def remembered(data: dict[str, Any], message_id: int, field: str | None) -> dict[str, Any]:
    """Which of the customer's messages said what (a story part, an answer), so an edit of
    it updates what was collected (``bot.flows.intake_edits``)."""
    if field is None:
        return {}
    said = dict(data.get("said_in", {}))
    said[str(message_id)] = [field, len(data.get("story", [])) - 1 if field == "story" else 0]
    return {"said_in": said}


def story_facts(data: dict[str, Any]) -> Said:
    """The numbers the story gave (``core.domain.cues``), the amount as answered if asked."""
    said = numbers_in("\n".join(data.get("story", [])))
    if data.get("amount"):
        return replace(said, amount=Decimal(data["amount"]))
    return said


def asks_amount(data: dict[str, Any], policy: Policy) -> bool:
    """The amount matters when compensation is asked and the policy has a threshold on it."""
    thresholds = (policy.major.compensation_over, policy.serious.compensation_over)
    return (data.get("demand") == "compensation" and "amount" not in data
            and any(t is not None for t in thresholds) and story_facts(data).amount is None)


def next_step(data: dict[str, Any], policy: Policy) -> State:
    """The first question still open, or the confirmation when all is known."""
    if data.get("editing"):
        # After a correction go back to the summary, unless the new category needs a product.
        if needs_product(data, policy) and "product" not in data:
            return IntakeForm.product
        return IntakeForm.confirming
    if "category" not in data:
        return IntakeForm.category
    if needs_product(data, policy) and "product" not in data:
        return IntakeForm.product
    for name, step in (("place", IntakeForm.place), ("occurred", IntakeForm.occurred),
                       ("delivered", IntakeForm.delivered), ("demand", IntakeForm.demand)):
        if name not in data and (step != IntakeForm.delivered
                                 or policy.validity.window_days is not None):
            return step
    if asks_amount(data, policy):
        return IntakeForm.amount
    if (policy.validity.evidence_required and not data.get("evidence")
            and not data.get("evidence_later")):
        return IntakeForm.evidence
    if not data.get("phone"):
        return IntakeForm.contact
    return IntakeForm.confirming


def done_keyboard() -> ReplyKeyboardMarkup:
    return _done_keyboard(str(DONE_BUTTON))


@functools.cache  # one per language, under nearly every message of a story: built once
def _done_keyboard(label: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=label)]], resize_keyboard=True,
                               is_persistent=True)


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True, one_time_keyboard=True)


def _skip(builder: InlineKeyboardBuilder, field: str) -> None:
    builder.button(text=_("Skip"), callback_data=IntakeAction(action="skip", value=field))


async def ask(message: Message, state: FSMContext, policy: Policy) -> None:
    """Move to the next open question and ask it."""
    data = await state.get_data()
    step = next_step(data, policy)
    if step == IntakeForm.confirming:
        await show_summary(message, state, policy)
        return
    await state.set_state(step)
    builder = InlineKeyboardBuilder()
    if step == IntakeForm.category:
        for category in policy.categories:
            builder.button(text=category_label(category),
                           callback_data=IntakeAction(action="cat", value=category.code))
        builder.adjust(2)
        await message.answer(_("What is it about?"), reply_markup=builder.as_markup())
    elif step == IntakeForm.product:
        builder.button(text=_("I don't know"), callback_data=IntakeAction(action="skip",
                                                                          value="product"))
        await message.answer(
            _("Which product or order is it? The name, model, order number, or the code "
              "printed on the package all help."), reply_markup=builder.as_markup())
    elif step == IntakeForm.place:
        told_where = data.get("told_where")
        question = _("Where did it happen? A shop, an address or a city is enough.")
        if told_where:
            builder.button(text="✅ " + shorten(told_where, 40),
                           callback_data=IntakeAction(action="where", value="told"))
            question = _("Where did it happen? You wrote “{words}”: tap to confirm it, or "
                         "write another place.").format(words=escape(told_where))
        _skip(builder, "place")
        builder.adjust(1)
        await message.answer(question, reply_markup=builder.as_markup())
    elif step == IntakeForm.occurred:
        told = data.get("told_when")  # [the story's words, the ISO day]
        question = _("When did it happen? Tap one, or write the date and time.")
        if told:
            builder.button(text="✅ " + occurred(told[1], get_i18n().current_locale),
                           callback_data=IntakeAction(action="when", value="told"))
            question = _("When did it happen? You wrote “{words}”: tap to confirm that day, "
                         "or choose or write another.").format(words=escape(told[0]))
        for value, label in (("today", _("Today")), ("yesterday", _("Yesterday")),
                             ("week", _("Earlier this week"))):
            builder.button(text=label, callback_data=IntakeAction(action="when", value=value))
        _skip(builder, "occurred")
        builder.adjust(*((1,) if told else ()), 3, 1)
        await message.answer(question, reply_markup=builder.as_markup())
    elif step == IntakeForm.delivered:
        ask_delivered(builder)
        await message.answer(_("When were the goods delivered to you? Tap one, or write "
                               "the date."), reply_markup=builder.as_markup())
    elif step == IntakeForm.amount:
        builder.button(text=_("Not sure yet"), callback_data=IntakeAction(action="skip",
                                                                          value="amount"))
        await message.answer(_("How much compensation do you ask for? A number is enough, "
                               "for example 500."), reply_markup=builder.as_markup())
    elif step == IntakeForm.evidence:
        await ask_evidence(message, builder, policy)
    elif step == IntakeForm.demand:
        for code, remedy in REMEDIES.items():
            builder.button(text=str(remedy), callback_data=IntakeAction(action="demand",
                                                                        value=code))
        if not policy.validity.demand_required:  # else a concrete demand is asked for
            _skip(builder, "demand")
        builder.adjust(2)
        await message.answer(_("What would you like us to do about it?"),
                             reply_markup=builder.as_markup())
    elif step == IntakeForm.contact:
        await message.answer(
            _("How can we reach you? Tap the button to share your phone number, or type it "
              "with your name, for example: Li Lei 13800138000."),
            reply_markup=contact_keyboard())


def ask_delivered(builder: InlineKeyboardBuilder) -> None:
    for value, label in (("today", _("Today")), ("yesterday", _("Yesterday"))):
        builder.button(text=label, callback_data=IntakeAction(action="delivered", value=value))
    builder.button(text=_("I don't remember"), callback_data=IntakeAction(
        action="skip", value="delivered"))
    builder.adjust(2, 1)


async def ask_evidence(message: Message, builder: InlineKeyboardBuilder, policy: Policy
                       ) -> None:
    """001 §4.2.2: evidence is required; §4.3 e: it may follow within the policy's days."""
    builder.button(text=_("I'll send them later"), callback_data=IntakeAction(
        action="skip", value="evidence"))
    days = policy.validity.evidence_late_days
    text = _("To check a complaint our rules need evidence: photos of the product, the "
             "delivery note, a test report or the like. Send them now, or tap “I'll send "
             "them later”.")
    if days is not None:
        text += " " + _("Please send them within {days} days, or we may not be able to "
                        "accept the complaint.").format(days=days)
    await message.answer(text, reply_markup=builder.as_markup())


async def answered(message: Message, state: FSMContext, rules: Rules, **fields: Any) -> None:
    """Store an answer (and the time of it, for the reminder), then ask what is next."""
    await state.update_data({**fields, **touched(rules.now())})
    await ask(message, state, rules.policy)


def summary_text(data: dict[str, Any], policy: Policy) -> str:
    """The complaint restated in our words (confirm, PROCEDURE.md §2); user text escaped."""
    story = shorten(restated_story(data.get("story", []), data.get("evidence", [])), 1500)
    unknown = _("not given")
    lines = [
        _("Let me make sure I have understood you correctly:"),
        "",
        _("<b>What happened:</b> {story}").format(story=escape(story) or unknown),
        _("<b>About:</b> {category}").format(category=category_label(data.get("category"))),
    ]
    if needs_product(data, policy):
        lines.append(_("<b>Product or order:</b> {product}").format(
            product=escape(data.get("product")) or unknown))
    lines += [
        _("<b>Where:</b> {place}").format(place=escape(data.get("place")) or unknown),
        _("<b>When:</b> {occurred}").format(
            occurred=escape(occurred(data.get("occurred"), get_i18n().current_locale))
            or unknown),
        *([_("<b>Delivered:</b> {delivered}").format(
            delivered=escape(occurred(data.get("delivered"), get_i18n().current_locale))
            or unknown)] if policy.validity.window_days is not None else []),
        _("<b>You would like:</b> {demand}").format(
            demand=escape(data.get("demand_text")) or (
                remedy_label(data["demand"]) if data.get("demand") else _("not given"))),
        _("<b>Contact:</b> {name} {phone}").format(name=escape(data.get("name")),
                                                     phone=escape(data.get("phone"))),
    ]
    facts = story_facts(data)
    if facts.amount is not None:
        lines.append(_("<b>Amount claimed:</b> {amount}").format(amount=facts.amount))
    if facts.complainants and facts.complainants > 1:
        lines.append(_("<b>People complaining together:</b> {count}").format(
            count=facts.complainants))
    if facts.units:
        lines.append(_("<b>Units affected:</b> {count}").format(count=facts.units))
    files = len(data.get("evidence", []))
    if files:
        lines.append(_("<b>Attachments:</b> {count}").format(count=files))
    lines += ["", _("Is this right? You can correct any part.")]
    return "\n".join(lines)


async def show_summary(message: Message, state: FSMContext, policy: Policy) -> None:
    await state.set_state(IntakeForm.confirming)
    await state.update_data(editing=None)
    data = await state.get_data()
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Yes, that's right"), callback_data=IntakeAction(action="ok"))
    parts = [("story", _("✏️ What happened")), ("category", _("✏️ About")),
             ("place", _("✏️ Where")), ("occurred", _("✏️ When")),
             ("demand", _("✏️ What you would like")), ("contact", _("✏️ Contact"))]
    if needs_product(data, policy):
        parts.insert(2, ("product", _("✏️ Product or order")))
    if policy.validity.window_days is not None:
        parts.insert(-2, ("delivered", _("✏️ Delivery date")))
    for field, label in parts:
        builder.button(text=label, callback_data=IntakeAction(action="edit", value=field))
    builder.button(text=_("✖️ Cancel"), callback_data=IntakeAction(action="cancel"))
    builder.adjust(1, 2)
    await message.answer(summary_text(data, policy), reply_markup=builder.as_markup())
