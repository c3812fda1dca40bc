"""Menus made for a case as it was (issue 17, point 5), through the real Dispatcher: the
supervisor's desk view and the amount prompt die with the case's version; buttons posted
before versions existed still work as before."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText
from aiogram.types import Message

from bot.input.callbacks import StaffAction, SupervisorAction
from core.db.uow import Database
from core.domain import Actor, CaseState, Role
from core.organisation import Organisation
from core.services import handling, queries, supervision
from tests.bot.conftest import (
    QUALITY_CHAT,
    QUALITY_ID,
    SUPERVISOR_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    answer_prompt,
    person,
)
from tests.bot.test_staff_cards import DESK, group, setup_case

SUPERVISOR = Actor(None, Role.SUPERVISOR)


def answers(session: RecordingSession) -> list[AnswerCallbackQuery]:
    return [r for r in session.requests if isinstance(r, AnswerCallbackQuery)]


async def version_of(bot_db: Database, case_id: int) -> int:
    case, _history = await queries.case_with_history(bot_db.uow(read_only=True), case_id,
                                                     SUPERVISOR, limit=1)
    return case.version


async def test_a_desk_view_pressed_after_the_case_changed_is_refused_and_marked_spent(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await handling.assign(bot_db.uow(), rules, case_id, DESK)
    seen = await version_of(bot_db, case_id)  # the view was made now ...
    await supervision.instruct(bot_db.uow(), rules, case_id, SUPERVISOR, "Call her first.")
    before = await queries.case_with_history(bot_db.uow(read_only=True), case_id, SUPERVISOR)

    # ... and its "escalate" pressed after the instruction: no prompt, an alert, spent.
    view = Message(message_id=5, date=0, chat=group(SUPERVISORS_CHAT),  # type: ignore[arg-type]
                   text="📋 the case as it was")
    await chat.press(person(SUPERVISOR_ID, "en", "Chen"), SupervisorAction(
        action="escalate", case_id=case_id, version=seen).pack(), view)
    refusal = answers(session)[-1]
    assert refusal.text is not None and refusal.text.startswith(
        "Case 2611-0001 has changed since this was asked, so nothing was done.")
    assert refusal.show_alert
    assert session.prompts == []
    edit = [r for r in session.requests if isinstance(r, EditMessageText)][-1]
    assert edit.text == ("📋 the case as it was\n\n⌛ Spent: case 2611-0001 has moved on since "
                         "this menu was made.")
    assert edit.reply_markup is not None
    [[afresh]] = edit.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert afresh.text == "🔎 Open the case"
    assert afresh.callback_data == SupervisorAction(action="view", case_id=case_id).pack()
    after = await queries.case_with_history(bot_db.uow(read_only=True), case_id, SUPERVISOR)
    assert after[0].escalation_level == before[0].escalation_level and after[1] == before[1]


async def test_an_amount_typed_after_the_case_changed_is_refused_before_the_words(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await handling.assign(bot_db.uow(), rules, case_id, DESK)
    zhang = person(QUALITY_ID, "en")
    card = Message(message_id=1, date=0, chat=group(QUALITY_CHAT), text="card")  # type: ignore[arg-type]
    await chat.press(zhang, StaffAction(action="accept", case_id=case_id).pack(), card)
    await chat.press(zhang, StaffAction(action="remedy", case_id=case_id, arg="compensation",
                                        version=await version_of(bot_db, case_id)).pack(), card)
    assert "Case 2611-0001" in (session.prompts[-1].text or "")  # the prompt names it
    await supervision.instruct(bot_db.uow(), rules, case_id, SUPERVISOR, "Call her first.")

    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT), "1500")
    assert len(session.prompts) == 1  # no prompt for the words
    assert session.messages[-1].text is not None and session.messages[-1].text.startswith(
        "Case 2611-0001 has changed since this was asked")
    # The prompt is spent: answering it again changes nothing, asks nothing.
    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT), "1500")
    assert len(session.prompts) == 1
    case, _history = await queries.case_with_history(bot_db.uow(read_only=True), case_id,
                                                     SUPERVISOR, limit=1)
    assert case.state is CaseState.ACCEPTED and case.remedy is None


async def test_a_card_button_posted_before_menus_had_versions_still_works(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await handling.assign(bot_db.uow(), rules, case_id, DESK)
    card = Message(message_id=1, date=0, chat=group(QUALITY_CHAT), text="card")  # type: ignore[arg-type]
    await chat.press(person(QUALITY_ID, "en"), f"st:accept:{case_id}:", card)  # no version
    case, _history = await queries.case_with_history(bot_db.uow(read_only=True), case_id,
                                                     SUPERVISOR, limit=1)
    assert case.state is CaseState.ACCEPTED
