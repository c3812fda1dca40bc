"""A customer follows their cases: /status, one case's history, adding information."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Contact

from bot.input.callbacks import CaseView
from tests.bot.conftest import Chatter, RecordingSession, person
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
