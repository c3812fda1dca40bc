"""Approval as 001 requires (issue 19.4): a return is approved by the goods' value on the
§4.5.2 bands, and every plan, money or not, goes to the leader above its proposer
(范文3 (6) "主管领导应对投诉的处理方案一一过目")."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendMessage

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, CaseState, Role
from core.organisation import Organisation
from core.services import filing, people, queries
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

MANAGER, VICE_PRESIDENT, SALES_MANAGER = 7010, 7011, 7012
DESK = Actor(None, Role.SPECIALIST)


@pytest.fixture
def organisation() -> Organisation:
    return preset_organisation("001_validity", [
        member(STAFF_ID, "Wang", "specialist", "sales_rep"),
        member(QUALITY_ID, "Zhang", "department", "sales_rep", "quality"),
        member(MANAGER, "Qian", "supervisor", "department_manager"),
        member(VICE_PRESIDENT, "Sun", "supervisor", "marketing_vp"),
        member(SALES_MANAGER, "Li", "supervisor", "department_manager"),
    ], {DESK_CHAT: "desk", QUALITY_CHAT: "department:quality",
        SUPERVISORS_CHAT: "supervisors"})


async def proposed(chat: Chatter, session: RecordingSession, bot_db: Database, rules: Rules,
                   customer_telegram: int, remedy: str, *answers: str) -> int:
    customer = await people.customer_for_telegram(bot_db.uow(), rules, customer_telegram,
                                                  "Ann", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(), customer,
                                   Actor(customer, Role.CUSTOMER))
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", filed.case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", filed.case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "remedy", filed.case_id, remedy)
    for answer in answers:
        await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                            answer)
    return filed.case_id


async def test_a_3000_return_waits_for_the_vice_president_not_the_manager(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    case_id = await proposed(chat, session, bot_db, rules, 61, "return", "3000",
                             "Take the cartons back and refund them.")
    assert any(p.text.startswith("What are the goods worth?") for p in session.prompts
               if p.text)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_APPROVAL  # §4.5.2 b: 2000–5000, 营销副总
    assert rules.policy.escalation[case.approval_level or 0].code == "marketing_vp"

    await press_card(chat, session, MANAGER, SUPERVISORS_CHAT, "approve", case_id)
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery)
    assert refusal.text == "That amount is beyond your authority; it needs approval."
    await press_card(chat, session, VICE_PRESIDENT, SUPERVISORS_CHAT, "approve", case_id)
    await OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"]).run_once()
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_CUSTOMER
    told = [m.text for m in session.requests if isinstance(m, SendMessage) and m.chat_id == 61]
    assert "<b>Return it for a refund — 3000.00 CNY</b>" in told[-1]


async def test_an_explanation_goes_to_the_leader_above_too(
    chat: Chatter, session: RecordingSession, bot_db: Database, dispatcher: Dispatcher
) -> None:
    rules: Rules = dispatcher["rules"]
    case_id = await proposed(chat, session, bot_db, rules, 62, "explanation",
                             "Delamination comes from the storage damp; here is why.")
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_APPROVAL
    assert rules.policy.escalation[case.approval_level or 0].code == "department_manager"
    await press_card(chat, session, MANAGER, SUPERVISORS_CHAT, "approve", case_id)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_CUSTOMER


async def test_a_return_under_2000_needs_both_managers(
    chat: Chatter, session: RecordingSession, bot_db: Database, dispatcher: Dispatcher
) -> None:
    """§4.5.2 a "必须经公司质量部经理和销售经理批准认可": two people of the rung sign."""
    rules: Rules = dispatcher["rules"]
    case_id = await proposed(chat, session, bot_db, rules, 64, "return", "1500",
                             "Take back the 300 delaminated cartons.")
    await press_card(chat, session, MANAGER, SUPERVISORS_CHAT, "approve", case_id)
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_APPROVAL  # one signature of two
    assert history[-1].action.value == "cosign"
    await press_card(chat, session, MANAGER, SUPERVISORS_CHAT, "approve", case_id)
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery)
    assert refusal.text == ("You have signed already; the approval needs a second person of "
                            "your rung.")
    await press_card(chat, session, SALES_MANAGER, SUPERVISORS_CHAT, "approve", case_id)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_CUSTOMER
