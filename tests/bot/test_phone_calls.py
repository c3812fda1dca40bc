"""A caller registered by phone has no chat: the desk calls them and records, with the call
task's buttons, their answer to a question, their refusal of a solution (with the reason),
as the customer's own steps taken for them. /register asks what the caller wants."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage
from sqlalchemy import select

from bot.delivery.outbox_sender import OutboxSender
from core.db.models import CaseRow
from core.db.uow import Database
from core.domain import Action, Actor, CaseState, Channel, Remedy, RemedyKind, Role
from core.organisation import Organisation
from core.services import filing, handling, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    QUALITY_ID,
    STAFF_ID,
    Chatter,
    RecordingSession,
    answer_prompt,
    person,
)
from tests.bot.test_staff_cards import card_id, group, press_card
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST)
PHONE = "13900139000"


def calls(session: RecordingSession) -> list[SendMessage]:
    return [m for m in session.requests if isinstance(m, SendMessage)
            and m.chat_id == DESK_CHAT and m.text.startswith("📞 <b>Please call the customer")]


async def phone_case(bot: Bot, bot_db: Database, dispatcher: Dispatcher,
                     organisation: Organisation) -> tuple[int, OutboxSender, Rules]:
    """Registered by the desk for a caller, passed to quality and taken there."""
    rules: Rules = dispatcher["rules"]
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    desk = Actor(await people.customer_for_telegram(bot_db.uow(), rules, STAFF_ID, "Wang"),
                 Role.SPECIALIST, level="specialist")
    caller = await people.customer_by_phone(bot_db.uow(), rules, desk, "Liu Yang", PHONE)
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(
        channel=Channel.PHONE, contact_name="Liu Yang", contact_phone=PHONE), caller, desk)
    await handling.assign(bot_db.uow(), rules, filed.case_id, desk)
    await sender.run_once()
    return filed.case_id, sender, rules


async def test_the_desk_records_a_callers_answer_and_refusal_for_them(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, rules = await phone_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "ask", case_id)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "Which shop was it?")
    await sender.run_once()
    await sender.run_once()  # the customer's question, then the call task in its place
    [call] = calls(session)
    assert PHONE in call.text and "Liu Yang" in call.text and "Which shop was it?" in call.text
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "said", case_id)
    await answer_prompt(chat, session, person(STAFF_ID, "en"), group(DESK_CHAT),
                        "Store 12 on Nanjing Road.")

    member = Actor(None, Role.DEPARTMENT, department="quality")
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, member)
    await handling.propose_solution(bot_db.uow(), rules, case_id, Actor(
        case.owner_id, Role.DEPARTMENT, department="quality", level="specialist"),
        Remedy(RemedyKind.EXPLANATION, "It was the heat in the van."))
    await sender.run_once()
    await sender.run_once()
    assert "It was the heat in the van." in calls(session)[-1].text
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "said_no", case_id)
    await answer_prompt(chat, session, person(STAFF_ID, "en"), group(DESK_CHAT),
                        "They want the pots replaced.")
    await sender.run_once()
    # Once the answer is in, the buttons of the message pressed go (press_card's message).
    pressed = card_id(session, DESK_CHAT, case_id)
    assert [(m.chat_id, m.message_id, m.reply_markup) for m in session.requests
            if isinstance(m, EditMessageReplyMarkup)] == [(DESK_CHAT, pressed, None)] * 2

    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ACCEPTED and case.pending_question is None
    for_them = {e.action: (e.actor.role, e.note) for e in history}
    assert for_them[Action.ANSWER_QUESTION] == (Role.SPECIALIST, "Store 12 on Nanjing Road.")
    assert for_them[Action.CUSTOMER_REJECT] == (Role.SPECIALIST, "They want the pots replaced.")
    notes = [m.text for m in session.requests if isinstance(m, SendMessage)
             and m.chat_id == QUALITY_CHAT]
    assert any(n.startswith("<b>Wang, for the customer</b> did not accept the solution")
               for n in notes)


async def test_a_department_member_cannot_answer_for_the_customer(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await phone_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, QUALITY_ID, DESK_CHAT, "said_yes", case_id)
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery)
    assert refusal.text == "Sorry, that is not something you can do here."
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "said_yes", case_id)
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery) and refusal.text  # nothing to accept yet
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ASSIGNED


async def test_register_asks_what_the_caller_wants_in_words_when_it_is_something_else(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    wang, desk = person(STAFF_ID, "en"), group(DESK_CHAT)
    await chat.say(wang, "/register", chat=desk)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "register", 0, "product_quality")
    await answer_prompt(chat, session, wang, desk,
                        "Liu Yang 13900139000\nThe yoghurt was swollen.")
    asked = [m for m in session.requests if isinstance(m, SendMessage)][-1]
    assert asked.text == "What does the caller want us to do about it?"
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "demand", 0, "other")
    await answer_prompt(chat, session, wang, desk, "A visit from the manager.")
    assert session.requests[-1].text.startswith("Registered as case ")  # type: ignore[attr-defined]
    async with bot_db.uow() as uow:
        wants = (await uow.session.execute(select(CaseRow.demand, CaseRow.demand_text))).one()
    assert tuple(wants) == ("other", "A visit from the manager.")
