"""Self-service for customers: /status, one case's story so far, adding information."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.input.callbacks import CaseAddInfo, CaseView, Decision
from bot.input.media import evidence_of
from bot.views.dates import when
from bot.views.labels import CUSTOMER_EVENTS, state_label
from bot.views.notice_texts import render
from bot.views.render import escape, shorten
from core.domain import Action, Actor, Case, CaseState, DomainError, Evidence, Rating
from core.domain.deadlines import next_due
from core.notices import Question
from core.policy import Deadline, Policy
from core.ports import Database
from core.services import handling, queries
from core.services.people import Person
from core.services.rules import Rules

router = Router(name="customer")


class AddInfo(StatesGroup):
    waiting = State()


def _department(case: Case, policy: Policy) -> str:
    department = policy.department(case.department or "")
    return department.name if department else _("customer service")


def _promise(case: Case, now: datetime, tz: ZoneInfo, locale: str) -> list[str]:
    """The answer we promised and, once it is late, that it is and what to expect now."""
    promised = case.deadlines.get(Deadline.CUSTOMER_ANSWER)
    if promised is None:
        due = next_due(case)
        return [] if due is None else [
            _("Next step due by: {date}").format(date=when(due, tz, locale))]
    if promised >= now:
        return [_("We promised you an answer by: {date}").format(
            date=when(promised, tz, locale))]
    lines = [_("We promised you an answer by {date} and are late with it; we are sorry.")
             .format(date=when(promised, tz, locale))]
    end = case.deadlines.get(Deadline.WHOLE_CASE)
    if end is not None and end > now:
        lines.append(_("We now expect to answer you by: {date}").format(
            date=when(end, tz, locale)))
    return lines


def _waiting_for(case: Case, policy: Policy) -> str:
    if case.pending_question:
        return _("your answer to our question")
    if case.state is CaseState.AWAITING_CUSTOMER:
        return _("your decision on our proposal")
    if case.state is CaseState.REVISITING:
        return _("your rating of how we handled it")
    return _("us: {department} is working on it").format(
        department=escape(_department(case, policy)))


@router.message(Command("status"))
async def status(message: Message, db: Database, rules: Rules, person: Person | None,
                 i18n: I18n) -> None:
    cases = await queries.cases_of_customer(db.uow(read_only=True), person.id, limit=10) if person else []
    if not cases:
        await message.answer(_("You have no complaints with us yet. If something went wrong, "
                               "just tell me about it."))
        return
    lines, builder = [_("Your complaints:")], InlineKeyboardBuilder()
    for case in cases:
        lines.append(_("<b>{number}</b> — {state} ({department})").format(
            number=case.number, state=state_label(case.state.value),
            department=escape(_department(case, rules.policy))))
        builder.button(text=str(case.number), callback_data=CaseView(case_id=case.id or 0))
    builder.adjust(3)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())
    # A question may never have reached them (they had blocked the bot): ask it here again,
    # in the same words and with the same button, so it can still be answered.
    for case in cases:
        if case.pending_question and not case.state.is_closed:
            text, markup = render(Question(case_id=case.id, customer_id=case.customer_id,
                                           number=str(case.number),
                                           question=case.pending_question), rules.policy)
            await message.answer(text, reply_markup=markup)


@router.callback_query(CaseView.filter())
async def show_case(query: CallbackQuery, callback_data: CaseView, db: Database, rules: Rules,
                    actor: Actor, i18n: I18n) -> None:
    case, history = await queries.case_with_history(db.uow(read_only=True), callback_data.case_id, actor,
                                                     limit=200)
    locale, tz = i18n.current_locale, rules.calendar.tz
    lines = [
        _("<b>Case {number}</b>").format(number=case.number),
        _("Filed: {date}").format(date=when(case.filed_at, tz, locale)),
        _("Now: {state}").format(state=state_label(case.state.value)),
        _("Handled by: {department}").format(department=escape(_department(case, rules.policy))),
    ]
    if not case.state.is_closed:
        lines += _promise(case, rules.now(), tz, locale)
        lines.append(_("Waiting for: {what}").format(what=_waiting_for(case, rules.policy)))
    lines += ["", _("What happened so far:")]
    visible = [e for e in history if e.action.value in CUSTOMER_EVENTS][-15:]
    for event in visible:
        label = str(CUSTOMER_EVENTS[event.action.value])
        if event.data.get("rating") == Rating.NO_ANSWER.value:
            label = _("The survey closed without your answer")  # not "recorded": none was
        line = f"• {when(event.at, tz, locale)} — {label}"
        if event.action.value in ("invalidate", "ask_customer", "customer_reject",
                                  "customer_object", "confirm_finding") and event.note:
            line += f": {escape(shorten(event.note, 300))}"
        lines.append(line)
        if event.action is Action.RECORD_REVISIT and event.to_state is CaseState.INVESTIGATING:
            # A dissatisfied answer reopens the case: say so, as a staff reopening would.
            lines.append(f"• {when(event.at, tz, locale)} — {CUSTOMER_EVENTS['reopen']}")
    builder = InlineKeyboardBuilder()
    if case.pending_question and not case.state.is_closed:
        builder.button(text=_("✍️ Answer"), callback_data=Decision(action="answer",
                                                                  case_id=case.id or 0))
    if not case.state.is_closed:
        builder.button(text=_("➕ Add information"),
                       callback_data=CaseAddInfo(case_id=case.id or 0))
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer("\n".join(lines), reply_markup=builder.as_markup())


@router.callback_query(CaseAddInfo.filter())
async def add_info_asked(query: CallbackQuery, callback_data: CaseAddInfo, db: Database,
                         actor: Actor, state: FSMContext) -> None:
    case, _history = await queries.case_with_history(db.uow(read_only=True), callback_data.case_id, actor,
                                                     limit=1)
    await state.set_state(AddInfo.waiting)
    await state.update_data(case_id=case.id)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(_("What would you like to add to case {number}? Send a message, "
                                 "a photo or a document.").format(number=case.number))


@router.message(AddInfo.waiting)
async def add_info(message: Message, db: Database, rules: Rules, actor: Actor,
                   state: FSMContext) -> None:
    case_id = (await state.get_data()).get("case_id")
    item = evidence_of(message)
    text = message.text or message.caption
    if case_id is None or (item is None and not text) or (text or "").startswith("/"):
        await state.clear()
        await message.answer(_("Nothing was added."))
        return
    case, _history = await queries.case_with_history(db.uow(read_only=True), case_id, actor,
                                                     limit=1)
    if case.state.is_closed:  # closed since they pressed: nothing goes under it unasked
        await state.clear()
        raise DomainError("invalid_transition", action="add_note", state=case.state.value)
    if item is not None:
        changed = await handling.add_evidence(db.uow(), rules, case_id, actor,
                                              Evidence(item[0], item[1], item[2]))
    else:
        changed = await handling.add_note(db.uow(), rules, case_id, actor, text or "")
    await state.clear()
    await message.answer(_("Added to case {number}. Thank you.").format(
        number=changed.case.number))
