"""004's own handling rules through the department's card (issue 19.8): a time agreed with the
customer prevails over the 12/24/48-hour clocks (第二节 三.2 "如有投诉人有约定处理时间的,以约定
时间为准"), and work is carried out only once the department head has reviewed it (三.6
"经职责部门负责人审核后")."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendMessage

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, CaseState, Remedy, RemedyKind, Role
from core.organisation import Organisation
from core.policy import Deadline
from core.services import filing, handling, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    QUALITY_ID,
    QUALITY_OTHER_ID,
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
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST)
CUSTOMER_CHAT = 61


@pytest.fixture
def organisation() -> Organisation:
    return preset_organisation("004_road_rescue", [
        member(STAFF_ID, "Wang", "specialist", "front_desk"),
        member(QUALITY_ID, "Zhang", "department", "front_desk", "rescue_ops"),
        member(QUALITY_OTHER_ID, "Zhao", "department", "department_head", "rescue_ops"),
        member(SUPERVISOR_ID, "Chen", "supervisor", "company_leader"),
    ], {DESK_CHAT: "desk", QUALITY_CHAT: "department:rescue_ops",
        SUPERVISORS_CHAT: "supervisors"})


def texts(session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in session.requests
            if isinstance(m, SendMessage | EditMessageText) and m.chat_id == chat_id and m.text]


async def taken(chat: Chatter, session: RecordingSession, bot_db: Database, rules: Rules
                ) -> int:
    """A vehicle-damage case, passed to the rescue team and taken by Zhang."""
    customer = await people.customer_for_telegram(bot_db.uow(), rules, CUSTOMER_CHAT, "Ann",
                                                  "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(category="vehicle_damage"),
                                   customer, Actor(customer, Role.CUSTOMER))
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", filed.case_id, "rescue_ops")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", filed.case_id)
    return filed.case_id


async def test_a_time_agreed_with_the_customer_replaces_the_deadlines_and_is_confirmed_to_them(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    case_id = await taken(chat, session, bot_db, rules)
    before, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert before.deadlines[Deadline.DEPARTMENT_SOLUTION] - rules.now() == timedelta(hours=12)

    # "后天上午10点", typed in the team's own words: two days on at 10:00, Shanghai time.
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "agreed", case_id)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "后天上午10点")
    local_now = rules.now().astimezone(rules.calendar.tz)
    agreed = datetime.combine(local_now.date() + timedelta(days=2), datetime.min.time(),
                              tzinfo=rules.calendar.tz).replace(hour=10)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.agreed_until == agreed
    for clock in (Deadline.DEPARTMENT_SOLUTION, Deadline.CUSTOMER_ANSWER, Deadline.WHOLE_CASE):
        assert case.deadlines[clock] == agreed  # later than 12, 24 and 48 hours: it prevails
    assert case.deadlines[Deadline.PROGRESS] < agreed  # progress reports go on meanwhile

    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    await sender.run_once()
    [told] = [t for t in texts(session, CUSTOMER_CHAT) if "As agreed with you" in t]
    # The bot tests' clock: Monday 2 November 2026, 10:00 in Shanghai.
    assert told.endswith("settled by <b>Wed, Nov 4, 2026 10:00</b>.")
    assert any("🤝 Agreed with the customer: settled by" in t
               for t in texts(session, QUALITY_CHAT))


async def test_words_that_name_no_moment_ahead_are_refused_and_change_nothing(
    chat: Chatter, session: RecordingSession, bot_db: Database, dispatcher: Dispatcher
) -> None:
    rules: Rules = dispatcher["rules"]
    case_id = await taken(chat, session, bot_db, rules)
    for words in ("when the parts arrive", "yesterday"):
        await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "agreed", case_id)
        await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT), words)
        assert session.messages[-1].text.startswith("I could not read a moment ahead")
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.agreed_until is None
    assert case.deadlines[Deadline.DEPARTMENT_SOLUTION] - rules.now() == timedelta(hours=12)


async def test_carried_out_waits_for_the_department_heads_review(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    case_id = await taken(chat, session, bot_db, rules)
    async with bot_db.uow() as uow:
        zhang = Actor((await uow.people.by_telegram(QUALITY_ID)).id,  # type: ignore[union-attr]
                      Role.DEPARTMENT, department="rescue_ops", level="front_desk")
    await handling.propose_solution(bot_db.uow(), rules, case_id, zhang, Remedy(
        RemedyKind.REPAIR, "We repair the bumper at our cost."))
    await handling.approve(bot_db.uow(), rules, case_id,
                           Actor(None, Role.SUPERVISOR, level="company_leader"))
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    await handling.customer_accepts(bot_db.uow(), rules, case_id,
                                    Actor(case.customer_id, Role.CUSTOMER))

    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "implemented", case_id)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.IMPLEMENTING and case.done_reported_by is not None
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    await sender.run_once()
    assert not any("carried out" in t.lower() for t in texts(session, CUSTOMER_CHAT))
    assert any("waiting for the department head's review" in t
               for t in texts(session, QUALITY_CHAT))
    # Zhang cannot confirm his own report; the head's press moves the case on.
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "implemented", case_id)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.IMPLEMENTING
    await press_card(chat, session, QUALITY_OTHER_ID, QUALITY_CHAT, "implemented", case_id)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.IMPLEMENTED and case.done_reported_by is None
