"""A customer writes with nothing under way: which case is it about? (issue 16.1)

A message that names one of their open cases by number goes to that case. With no open
case it starts a new complaint (``bot.flows.intake``). Otherwise the bot keeps the words and
files and asks — about case N, or something new — so nothing is attached to a case the
customer did not choose, and nothing ever to a closed one.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.delivery.reminders import IntakeReminder
from bot.input.callbacks import FollowUpChoice
from bot.input.media import evidence_of, not_a_command
from bot.runtime.update_work import UpdateWork
from bot.views.render import escape, shorten
from core.domain import Actor, Case, DomainError, Evidence
from core.domain.states import OPEN_STATES
from core.ports import Database
from core.services import handling, queries
from core.services.people import Person
from core.services.rules import Rules

log = logging.getLogger(__name__)
router = Router(name="follow_up")

MAX_HELD = 20  # a story told in pieces before choosing; more is refused, not lost silently
SHOWN_CASES = 3  # the newest open cases offered as buttons


class FollowUp(StatesGroup):
    choosing = State()


async def open_cases(db: Database, person: Person | None) -> list[Case]:
    if person is None:
        return []
    cases = await queries.cases_of_customer(db.uow(read_only=True), person.id, limit=20)
    return [case for case in cases if case.state in OPEN_STATES]


def held_item(message: Message) -> dict[str, Any] | None:
    """What a message carries, as the flow keeps it until the customer chooses."""
    item = evidence_of(message)
    text = message.text or message.caption
    if item is None and not text:
        return None
    return {"text": text or "", "file": list(item) if item else None}


def _named(cases: list[Case], text: str) -> Case | None:
    """The one open case whose number the message quotes, if exactly one."""
    found = [case for case in cases if case.number and str(case.number) in text]
    return found[0] if len(found) == 1 else None


async def hold(message: Message, state: FSMContext, db: Database, rules: Rules, actor: Actor,
               cases: list[Case]) -> None:
    """Keep the message and ask which case it is about (or add it where it names one)."""
    item = held_item(message)
    if item is None:
        await message.answer(_("I can keep text, photos, videos, voice messages and "
                               "documents, but not this kind of message."))
        return
    named = _named(cases, item["text"])
    if named is not None and named.id is not None:
        await _attach(db, rules, actor, named.id, [item])
        await message.answer(_("Added to case {number}. Thank you.").format(number=named.number))
        return
    await state.set_state(FollowUp.choosing)
    await state.update_data(held=[item])
    builder = InlineKeyboardBuilder()
    for case in cases[:SHOWN_CASES]:
        builder.button(text=_("📎 About case {number}").format(number=case.number),
                       callback_data=FollowUpChoice(case_id=case.id or 0))
    builder.button(text=_("🆕 Something new"), callback_data=FollowUpChoice(case_id=0))
    builder.adjust(1)
    lines = [_("Thank you. Is this about a complaint you already have with us, or about "
               "something new?")]
    lines += [_("Case {number}: {story}").format(
        number=case.number, story=escape(shorten(case.intake.description, 80)))
        for case in cases[:SHOWN_CASES]]
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


@router.message(FollowUp.choosing, not_a_command)
async def more_before_choosing(message: Message, state: FSMContext) -> None:
    """More words or the rest of an album before the choice: kept with the first."""
    item = held_item(message)
    held: list[dict[str, Any]] = (await state.get_data()).get("held", [])
    if item is None or len(held) >= MAX_HELD:
        await message.answer(_("Please choose above first: is it about an existing case or "
                               "something new?"))
        return
    await state.update_data(held=[*held, item])


async def _attach(db: Database, rules: Rules, actor: Actor, case_id: int,
                  held: list[dict[str, Any]]) -> Case:
    case: Case | None = None
    for item in held:
        if item["file"]:
            kind, ref, caption = item["file"]
            changed = await handling.add_evidence(db.uow(), rules, case_id, actor,
                                                  Evidence(kind, ref, caption))
        else:
            changed = await handling.add_note(db.uow(), rules, case_id, actor, item["text"])
        case = changed.case
    if case is None:
        raise DomainError("nothing_changed")
    return case


@router.callback_query(FollowUp.choosing, FollowUpChoice.filter())
async def chosen(query: CallbackQuery, callback_data: FollowUpChoice, state: FSMContext,
                 db: Database, rules: Rules, actor: Actor, work: UpdateWork,
                 reminder: IntakeReminder, i18n: I18n, person: Person | None) -> None:
    from bot.flows import intake  # here: intake asks this module first (first_words)

    held: list[dict[str, Any]] = (await state.get_data()).get("held", [])
    message = query.message
    assert isinstance(message, Message)
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if callback_data.case_id == 0:
        await intake.begin(message, state, work, reminder, i18n.current_locale, person,
                           user_id=query.from_user.id)
        await intake.take_held(message, state, rules, held)
        return
    # Only an open case of theirs: the domain refuses anything else (ADD_EVIDENCE) and
    # the note is checked here, so a stale button never lands on a closed case.
    case, _history = await queries.case_with_history(db.uow(read_only=True),
                                                     callback_data.case_id, actor, limit=1)
    if case.state not in OPEN_STATES:
        raise DomainError("invalid_transition", action="add_note", state=case.state.value)
    case = await _attach(db, rules, actor, callback_data.case_id, held)
    await state.clear()
    log.info("customer %s added %d item(s) to case %s", actor.person_id, len(held), case.number)
    await message.answer(_("Added to case {number}. Thank you.").format(number=case.number))
