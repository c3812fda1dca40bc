"""004's rescue service (issue 19.8): "未完成者24小时内反馈进度". While the department works a
case it reports progress from its card; the words reach its card and the desk's, each
report starts the 24 hours again, and a missed one is a breach the supervisors hear of."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendMessage

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, Role
from core.organisation import Organisation
from core.policy import Deadline
from core.services import deadlines, filing, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    QUALITY_ID,
    STAFF_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    answer_prompt,
    member,
    person,
    preset_organisation,
)
from tests.bot.test_staff_cards import group, press_card
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST)


@pytest.fixture
def organisation() -> Organisation:
    return preset_organisation("004_road_rescue", [
        member(STAFF_ID, "Wang", "specialist", "front_desk"),
        member(QUALITY_ID, "Zhang", "department", "front_desk", "rescue_ops"),
    ], {DESK_CHAT: "desk", QUALITY_CHAT: "department:rescue_ops",
        SUPERVISORS_CHAT: "supervisors"})


def texts(session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in session.requests
            if isinstance(m, SendMessage | EditMessageText) and m.chat_id == chat_id and m.text]


async def test_progress_is_reported_from_the_card_and_a_missed_report_is_a_breach(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    customer = await people.customer_for_telegram(bot_db.uow(), rules, 61, "Ann", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(category="vehicle_damage"),
                                   customer, Actor(customer, Role.CUSTOMER))
    case_id = filed.case_id
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "rescue_ops")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    accepted = rules.now()
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.deadlines[Deadline.PROGRESS] == accepted + timedelta(hours=24)

    # Twenty hours on, the department says how far it has got: 24 hours from then.
    rules.clock.set(accepted + timedelta(hours=20))  # type: ignore[attr-defined]
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "progress", case_id)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "The bumper is ordered; fitting on Thursday.")
    await sender.run_once()
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.deadlines[Deadline.PROGRESS] == accepted + timedelta(hours=44)
    for chat_id in (QUALITY_CHAT, DESK_CHAT):
        assert any("reported progress" in t and "fitting on Thursday" in t
                   for t in texts(session, chat_id))

    # No word for the next 24 hours: the supervisors hear the report is late.
    late = accepted + timedelta(hours=45)
    rules.clock.set(late)  # type: ignore[attr-defined]
    swept = await deadlines.sweep(bot_db, rules, late)
    assert [(a.stage, a.clock) for a in swept.alerts if a.clock == "progress"] == [
        ("breach", "progress")]
    await sender.run_once()
    assert any(t.startswith("🔴 <b>Case 2611-0001</b>: progress report is 1 h of working "
                            "time late.")
               for t in texts(session, SUPERVISORS_CHAT))
