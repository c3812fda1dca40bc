"""A customer follows their cases: /status, one case's history, adding information."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Contact

from bot.input.callbacks import CaseView
from core.db.uow import Database
from core.organisation import Organisation
from core.services import handling, queries
from tests.bot.conftest import Chatter, RecordingSession, person
from tests.bot.test_decisions import DESK, staff_for
from tests.bot.test_intake import photo


async def file_quickly(chat: Chatter, session: RecordingSession, user_id: int) -> None:
    user = person(user_id, "en", "Ann")
    await chat.say(user, "The parcel arrived crushed.")
    await chat.say(user, "✅ That's everything")
    await chat.press_button(user, session, "Transport or packaging")
    for _ in range(2):
        await chat.press_button(user, session, "Skip")
    await chat.press_button(user, session, "An exchange")
    await chat.say(user, contact=Contact(phone_number="13800138000", first_name="Ann",
                                         user_id=user_id))
    await chat.press_button(user, session, "✅ Yes, that's right")


async def test_status_lists_my_cases_and_shows_one_with_its_history(
    chat: Chatter, session: RecordingSession
) -> None:
    ann = person(21, "en", "Ann")
    await chat.say(ann, "/status")
    assert session.sent_texts()[-1].startswith("You have no complaints with us yet.")
    await file_quickly(chat, session, 21)
    await chat.say(ann, "/status")
    assert session.sent_texts()[-1] == (
        "Your complaints:\n<b>2611-0001</b> — received, being checked (customer service)")
    await chat.press_button(ann, session, "2611-0001")
    view = session.sent_texts()[-1]
    assert view.startswith("<b>Case 2611-0001</b>\nFiled: Mon, Nov 2, 2026 10:00")
    assert "• Mon, Nov 2, 2026 10:00 — Complaint received" in view
    await chat.press_button(ann, session, "➕ Add information")
    await chat.say(ann, photo=photo("AgAC-late-photo"))
    assert session.sent_texts()[-1] == "Added to case 2611-0001. Thank you."
    await chat.press_button(ann, session, "2611-0001")
    assert "— A file was added" in session.sent_texts()[-1]


async def test_nobody_sees_a_case_that_is_not_theirs(chat: Chatter,
                                                    session: RecordingSession) -> None:
    await file_quickly(chat, session, 22)
    before = len(session.sent_texts())
    await chat.press(person(23, "en", "Eve"), CaseView(case_id=1).pack())
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery)
    assert refusal.text == "That case is not one of yours."
    assert len(session.sent_texts()) == before, session.sent_texts()[before:]


async def test_an_open_question_shows_in_status_and_can_be_answered_there(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    ann = person(24, "en", "Ann")
    await chat.say(ann, "/start")
    staff = staff_for(bot, bot_db, dispatcher, organisation)
    case_id = await staff.case_for(24)
    assert staff.member is not None
    # Asked while the question could not reach her: nothing is sent meanwhile.
    await handling.ask_customer(bot_db.uow(), staff.rules, case_id, staff.member,
                                "What is the best-before date?")
    await chat.say(ann, "/status")
    assert session.sent_texts()[-2].startswith("Your complaints:\n<b>2611-0001</b>")
    assert session.sent_texts()[-1] == ("<b>Case 2611-0001</b>\nA colleague handling your "
                                        "complaint asks:\nWhat is the best-before date?")
    await chat.press_button(ann, session, "2611-0001")  # the case's page offers it too
    assert "✍️ Answer" in str(session.requests[-1])
    await chat.press_button(ann, session, "✍️ Answer")
    await chat.say(ann, "12 November")
    assert session.sent_texts()[-1] == "Thank you, your answer has been passed on."
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.pending_question is None
    assert (history[-1].action.value, history[-1].note) == ("answer_question", "12 November")
    await chat.say(ann, "/status")  # answered: asked no more
    assert session.sent_texts()[-1].startswith("Your complaints:")


async def test_a_case_shows_its_promise_what_it_waits_for_and_owns_up_when_late(
    chat: Chatter, session: RecordingSession, dispatcher: Dispatcher
) -> None:
    ann = person(23, "en", "Ann")
    await file_quickly(chat, session, 23)  # Monday 2 November, 10:00 Shanghai
    await chat.say(ann, "/status")
    await chat.press_button(ann, session, "2611-0001")
    view = session.sent_texts()[-1]
    assert "We promised you an answer by: Mon, Nov 9, 2026 17:00" in view
    assert "Waiting for: us: customer service is working on it" in view
    dispatcher["rules"].clock.set(datetime(2026, 11, 10, 2, 0, tzinfo=UTC))  # Tuesday 10:00
    await chat.press_button(ann, session, "2611-0001")
    view = session.sent_texts()[-1]
    assert ("We promised you an answer by Mon, Nov 9, 2026 17:00 and are late with it; "
            "we are sorry.") in view
    assert "We now expect to answer you by: Wed, Nov 11, 2026 17:00" in view
