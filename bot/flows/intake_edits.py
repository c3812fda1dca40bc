"""An edited message during intake updates what was collected (issue 16.9): a corrected
story part replaces the old one, a corrected answer (product, place, when, delivery) is
read again; at the confirmation the summary is shown again with the change. Edits of
anything else — a button's answer, a message from before this complaint — change nothing."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.flows.intake_steps import IntakeForm, show_summary
from core.domain import when_said
from core.domain.values import MAX_DESCRIPTION, MAX_SHORT
from core.services.rules import Rules

router = Router(name="intake-edits")
DATES = frozenset({"occurred", "delivered"})


@router.edited_message(StateFilter(*IntakeForm.__all_states__))
async def edited(message: Message, state: FSMContext, rules: Rules) -> None:
    data = await state.get_data()
    said = data.get("said_in", {}).get(str(message.message_id))
    text = (message.text or message.caption or "").strip()
    if said is None or not text:
        return
    field, index = said
    if field == "story":
        story = list(data.get("story", []))
        if not 0 <= index < len(story) or sum(map(len, story)) - len(story[index]) \
                + len(text) > MAX_DESCRIPTION:
            return
        story[index] = text
        await state.update_data(story=story)
        await message.answer(_("I have updated what you told me."))
    else:
        if len(text) > MAX_SHORT:
            return
        now = rules.now().astimezone(rules.calendar.tz)
        value = (when_said.from_words(text, now) or text) if field in DATES else text
        await state.update_data({field: value})
        await message.answer(_("I have updated your answer."))
    if await state.get_state() == IntakeForm.confirming.state:
        await show_summary(message, state, rules.policy)
