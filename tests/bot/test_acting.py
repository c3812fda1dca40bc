"""Who is acting is worked out once per update, before routing, from the organisation
alone: Telegram is never asked who is a member of a group, membership gives no authority,
and each branch admits only its people."""

from __future__ import annotations

import logging

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, GetChatMember, SendMessage
from aiogram.types import Chat, Message

from bot.input.callbacks import StaffAction, SupervisorAction
from core.db.uow import Database
from core.organisation import Organisation
from core.services import people
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    STAFF_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    person,
)
from tests.bot.test_staff_cards import group, press_card, setup_case

STRANGER = 7200  # not in the organisation file


def asked_membership(session: RecordingSession) -> list[GetChatMember]:
    return [m for m in session.requests if isinstance(m, GetChatMember)]


async def test_group_chatter_never_asks_telegram_who_is_a_member(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    session.members.add((QUALITY_CHAT, STRANGER))
    await chat.say(person(STRANGER, "en"), "Lunch at noon?", chat=group(QUALITY_CHAT))
    assert asked_membership(session) == []
    assert await people.find_by_telegram(bot_db, STRANGER) is None  # no ledger row for chatter


async def test_a_member_who_is_not_staff_pressing_a_card_is_refused_and_logged(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    session.members.add((DESK_CHAT, STRANGER))
    with caplog.at_level(logging.WARNING):
        await press_card(chat, session, STRANGER, DESK_CHAT, "assign", case_id, "quality")
    answer = session.requests[-1]
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "Sorry, that is not something you can do here."
    assert asked_membership(session) == []
    assert await people.find_by_telegram(bot_db, STRANGER) is None
    assert any(f"refused user {STRANGER} in chat {DESK_CHAT}: button st:assign:"
               in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


async def test_listed_staff_pressing_a_card_get_a_ledger_row_under_their_listed_name(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    staff = await people.find_by_telegram(bot_db, STAFF_ID)
    assert staff is not None and staff.name == "Wang"
    assert asked_membership(session) == []


async def test_a_card_button_in_a_private_chat_is_no_longer_valid(
    chat: Chatter, session: RecordingSession
) -> None:
    await chat.press(person(STRANGER, "en"), StaffAction(action="accept", case_id=1).pack())
    answer = session.requests[-1]
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "This button is no longer valid."


@pytest.mark.parametrize("where", [STRANGER, QUALITY_CHAT, SUPERVISORS_CHAT])
async def test_desk_buttons_from_anyone_else_are_refused_and_logged(
    chat: Chatter, session: RecordingSession, caplog: pytest.LogCaptureFixture, where: int
) -> None:
    place = Chat(id=where, type="private") if where > 0 else group(where)
    message = Message(message_id=1, date=0, chat=place, text="…")  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO):
        await chat.press(person(STRANGER, "en"),
                         SupervisorAction(action="view", case_id=1).pack(), message)
    answer = session.requests[-1]
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text is not None and answer.text.startswith(
        "These commands are for supervisors")
    assert any(f"supervisor desk refused user {STRANGER} in chat {where}" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("command", ["/stats", "/case 2611-0001", "/find 13800138000",
                                     "/overdue", "/report"])
async def test_a_member_of_the_supervisors_group_who_is_no_supervisor_is_refused_the_desk(
    chat: Chatter, session: RecordingSession, caplog: pytest.LogCaptureFixture, command: str
) -> None:
    session.members.add((SUPERVISORS_CHAT, STRANGER))
    with caplog.at_level(logging.WARNING):
        await chat.say(person(STRANGER, "en"), command, chat=group(SUPERVISORS_CHAT))
    reply = [m for m in session.requests if isinstance(m, SendMessage)][-1]
    assert reply.text.startswith("These commands are for supervisors")
    assert any(f"supervisor desk refused user {STRANGER} in chat {SUPERVISORS_CHAT}"
               in r.getMessage() and command.split()[0] in r.getMessage()
               for r in caplog.records)
