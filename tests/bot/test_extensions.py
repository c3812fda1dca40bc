"""More time, as 002 §7.1 allows it (issue 19.6): "客户投诉处理期限不得超过受理投诉当日起3个
工作日,特殊情况不能超过7个工作日". The department asks with a reason from its card; a
supervisor grants or refuses from the alert; only a grant moves the clocks, and the
customer hears the new date."""

from __future__ import annotations

from datetime import datetime

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import Message

from bot.delivery.outbox_sender import OutboxSender
from bot.input.callbacks import SupervisorAction
from core.db.uow import Database
from core.domain import Actor, Role
from core.organisation import Organisation
from core.policy import Deadline
from core.services import filing, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    QUALITY_ID,
    STAFF_ID,
    SUPERVISOR_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    answer_prompt,
    member,
    person,
    preset_organisation,
)
from tests.bot.test_staff_cards import group, press_card
from tests.conftest import SHANGHAI
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST)


@pytest.fixture
def organisation() -> Organisation:
    return preset_organisation("002_food", [
        member(STAFF_ID, "Wang", "specialist", "specialist"),
        member(QUALITY_ID, "Zhang", "department", "sales_rep", "tech_quality"),
        member(SUPERVISOR_ID, "Chen", "supervisor", "company_head"),
    ], {DESK_CHAT: "desk", QUALITY_CHAT: "department:tech_quality",
        SUPERVISORS_CHAT: "supervisors"})


async def press_alert(chat: Chatter, action: str, case_id: int) -> None:
    message = Message(message_id=1, date=0, chat=group(SUPERVISORS_CHAT),  # type: ignore[arg-type]
                      text="alert")
    await chat.press(person(SUPERVISOR_ID, "en"),
                     SupervisorAction(action=action, case_id=case_id).pack(), message)


async def asked_for_time(chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
                         dispatcher: Dispatcher, organisation: Organisation
                         ) -> tuple[int, OutboxSender]:
    rules: Rules = dispatcher["rules"]
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    customer = await people.customer_for_telegram(bot_db.uow(), rules, 61, "Ann", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(), customer,
                                   Actor(customer, Role.CUSTOMER))
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", filed.case_id,
                     "tech_quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", filed.case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "more_time", filed.case_id)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "The lab needs four more days for the batch test.")
    await sender.run_once()
    return filed.case_id, sender


def sent(session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in session.requests if isinstance(m, SendMessage)
            and m.chat_id == chat_id]


async def test_a_granted_extension_moves_the_clocks_and_the_customer_hears_the_date(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender = await asked_for_time(chat, session, bot, bot_db, dispatcher,
                                           organisation)
    [alert] = [t for t in sent(session, SUPERVISORS_CHAT) if t.startswith("⏳")]
    assert alert.startswith("⏳ <b>Case 2611-0001</b>: 技术品管部 asks for more time.")
    assert "Why: The lab needs four more days for the batch test." in alert
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    # Filed Monday 2 November: three working days end Thursday 5 November (08:00–22:00).
    assert case.deadlines[Deadline.WHOLE_CASE] == datetime(2026, 11, 5, 22, tzinfo=SHANGHAI)

    await press_alert(chat, "grant_time", case_id)
    await sender.run_once()
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    # Seven working days from receipt, no further: Wednesday 11 November.
    assert case.deadlines[Deadline.WHOLE_CASE] == datetime(2026, 11, 11, 22, tzinfo=SHANGHAI)
    assert case.extension_request is None
    assert [e.action.value for e in history][-2:] == ["request_extension", "grant_extension"]
    told = sent(session, 61)[-1]
    assert told.startswith("<b>Case 2611-0001</b>\nWe need a little more time")
    assert "by <b>Wed, Nov 11, 2026 22:00</b> at the latest" in told
    # Once per case: the department's card no longer offers it.
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "more_time", case_id)
    assert session.requests[-1].text == "More time has already been asked for on this case."  # type: ignore[attr-defined]


async def test_a_refused_extension_leaves_the_clocks_and_tells_the_department_why(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender = await asked_for_time(chat, session, bot, bot_db, dispatcher,
                                           organisation)
    await press_alert(chat, "refuse_time", case_id)
    await answer_prompt(chat, session, person(SUPERVISOR_ID, "en"), group(SUPERVISORS_CHAT),
                        "Call the lab; the customer was promised Thursday.")
    await sender.run_once()
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.deadlines[Deadline.WHOLE_CASE] == datetime(2026, 11, 5, 22, tzinfo=SHANGHAI)
    assert case.extension_request is None
    assert any("refused more time" in t and "Call the lab" in t
               for t in [getattr(m, "text", "") or "" for m in session.requests[-6:]])
    assert not any("more time" in t for t in sent(session, 61))
