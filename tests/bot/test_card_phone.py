"""A department's card shows the customer's number masked; its owner, the desk and the
supervisors get it in full with one press, as an alert only they see, on the record."""

from __future__ import annotations

import logging

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.input.callbacks import StaffAction
from bot.views.cards import PHONE
from bot.views.phone import mask_phone
from core.db.uow import Database
from core.domain import Action
from core.organisation import Organisation
from core.services import queries
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    QUALITY_ID,
    QUALITY_OTHER_ID,
    STAFF_ID,
    Chatter,
    RecordingSession,
)
from tests.bot.test_staff_cards import DESK, press_card, sent_to, setup_case

FULL = "+8613800138000"  # tests.factories.make_intake's number, as filing stores it


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812342222", "138****2222"), ("+8613812342222", "+86 138****2222"),
    ("+86 138 0013 8000", "+86 138****8000"), ("+442079460958", "+442*****0958"),
    ("1234567", "*****67"), ("123456", "****56"), ("1234", "****"), (None, ""),
])
def test_numbers_are_masked_leaving_the_first_three_and_last_four_digits(
    phone: str | None, masked: str
) -> None:
    assert mask_phone(phone) == masked


def _phone_button(session: RecordingSession, chat_id: int) -> list[str]:
    markups = [m.reply_markup for m in session.requests
               if isinstance(m, SendMessage | EditMessageText) and m.chat_id == chat_id
               and m.reply_markup is not None]
    return [button.callback_data or "" for markup in markups[-1:]
            for row in markup.inline_keyboard for button in row  # type: ignore[union-attr]
            if button.text.startswith("📞")]


async def test_the_department_sees_the_number_masked_and_only_its_owner_reveals_it(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    case_id, sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    assert FULL in sent_to(session, DESK_CHAT)[0]
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await sender.run_once()
    quality_card = sent_to(session, QUALITY_CHAT)[0]
    assert "+86 138****8000" in quality_card and FULL not in quality_card
    buttons = _phone_button(session, QUALITY_CHAT)
    assert buttons == [StaffAction(action=PHONE, case_id=case_id).pack()]
    assert "8000" not in buttons[0]  # the number is never in the button's data

    # Before anyone owns the case, and for a colleague who does not: a polite no.
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, PHONE, case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await sender.run_once()
    await press_card(chat, session, QUALITY_OTHER_ID, QUALITY_CHAT, PHONE, case_id)
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery) and refusal.show_alert
    assert refusal.text and "8000" not in refusal.text and "took the case" in refusal.text

    with caplog.at_level(logging.INFO, logger="bot.handlers.phone"):
        await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, PHONE, case_id)
    alert = session.requests[-1]
    assert isinstance(alert, AnswerCallbackQuery) and alert.show_alert
    assert alert.text == f"2611-0001 · Li Lei: {FULL}"
    assert any("revealed to user" in r.getMessage() and "2611-0001" in r.getMessage()
               and str(QUALITY_ID) in r.getMessage() for r in caplog.records)
    _case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    seen = [e for e in history if e.action is Action.ADD_NOTE]
    assert len(seen) == 1 and seen[0].actor.role.value == "department"
    await sender.run_once()
    assert any(t.startswith("<b>Zhang</b> added a note: 📞 looked up the customer's phone")
               for t in sent_to(session, QUALITY_CHAT))

    # The desk may look it up too (it has the number on its own card anyway).
    await press_card(chat, session, STAFF_ID, QUALITY_CHAT, PHONE, case_id)
    desk_alert = session.requests[-1]
    assert isinstance(desk_alert, AnswerCallbackQuery) and FULL in (desk_alert.text or "")
