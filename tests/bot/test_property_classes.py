"""003's classes, with every trigger the document lists (issue 19.7; 003 投诉处理规程 四.4):
一类 D "造成了投诉人人身伤害或较大经济损失", E "以律师函或附带明确索偿要求的投诉函件"; 二类
B staff attitude, C "二次投诉", D "书面投诉", E "政府管理部门转来的业户投诉". Each through
the bot: the desk's judgement from its card, /register's "how did it reach us", the story's
words, and the owner's earlier complaint."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, CaseNumber, Role, Severity
from core.organisation import Organisation
from core.policy import MajorTrigger
from core.services import filing, handling, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
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

DESK = Actor(None, Role.SPECIALIST, level="service_staff")


@pytest.fixture
def organisation() -> Organisation:
    return preset_organisation("003_property", [
        member(STAFF_ID, "Wang", "specialist", "service_staff"),
        member(SUPERVISOR_ID, "Chen", "supervisor", "division_head"),
    ], {DESK_CHAT: "desk", SUPERVISORS_CHAT: "supervisors"})


def sent(session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in session.requests if isinstance(m, SendMessage)
            and m.chat_id == chat_id]


async def filed(bot_db: Database, rules: Rules, telegram_id: int = 61, **intake: str
                ) -> filing.Filed:
    customer = await people.customer_for_telegram(bot_db.uow(), rules, telegram_id, "Ann", "en")
    fields = {"category": "repair_service", "demand": "repair", **intake}
    return await filing.file_case(bot_db.uow(), rules, make_intake(**fields), customer,
                                  Actor(customer, Role.CUSTOMER))


async def test_the_desk_marks_a_large_loss_class_1_and_the_division_head_hears_why(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    case = await filed(bot_db, rules, description="The burst pipe ruined our parquet floor.")
    assert case.severity is Severity.MINOR
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    await sender.run_once()
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "major", case.case_id)
    asked = session.messages[-1]
    assert asked.text.startswith("Why is it major?")
    reasons = [b.text for row in asked.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    # The document's own reasons, in words; the one no story cue can make among them.
    assert "a large financial loss" in reasons and "a lawyer" in reasons
    assert reasons[-1] == "Another reason"
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "major_for", case.case_id,
                     "large_loss")
    now, _history = await queries.case_with_history(bot_db.uow(), case.case_id, DESK)
    assert now.severity is Severity.MAJOR
    assert MajorTrigger.LARGE_LOSS in now.intake.triggers
    await sender.run_once()
    [alert] = [t for t in sent(session, SUPERVISORS_CHAT) if t.startswith("🚨")]
    assert "(class 1)" in alert and "a large financial loss" in alert


async def test_a_forged_reason_marks_nothing(
    chat: Chatter, session: RecordingSession, bot_db: Database, dispatcher: Dispatcher
) -> None:
    case = await filed(bot_db, dispatcher["rules"])
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "major_for", case.case_id, "bogus")
    now, _history = await queries.case_with_history(bot_db.uow(), case.case_id, DESK)
    assert now.severity is Severity.MINOR and not now.intake.triggers


async def register(chat: Chatter, session: RecordingSession, channel: str | None,
                   demand: str) -> str:
    """/register at the desk, as a letter, an email, a transfer or a call."""
    wang, desk = person(STAFF_ID, "en"), group(DESK_CHAT)
    await chat.say(wang, "/register", chat=desk)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "register", 0, "repair_service")
    await answer_prompt(chat, session, wang, desk,
                        "Liu Yang 13900139000\nThe lift has been broken for a week.")
    asked = session.messages[-1]
    assert asked.text == "How did the complaint reach us?"
    assert [b.text for row in asked.reply_markup.inline_keyboard for b in row] == [  # type: ignore[union-attr]
        "📞 By phone", "🚶 In person", "✉️ A letter", "📧 An email",
        "🏛️ From a government office"]
    if channel is not None:
        await press_card(chat, session, STAFF_ID, DESK_CHAT, "channel", 0, channel)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "demand", 0, demand)
    return session.messages[-1].text


@pytest.mark.parametrize(("channel", "demand", "severity", "triggers"), [
    ("letter", "compensation", Severity.MAJOR, {"written_complaint", "claim_letter"}),
    ("email", "repair", Severity.SERIOUS, {"written_complaint"}),
    ("government", "repair", Severity.SERIOUS, {"government_transfer"}),
    ("phone", "compensation", Severity.MINOR, set()),
])
async def test_how_a_complaint_reached_the_desk_decides_its_class(
    chat: Chatter, session: RecordingSession, bot_db: Database, channel: str, demand: str,
    severity: Severity, triggers: set[str]
) -> None:
    said = await register(chat, session, channel, demand)
    assert said.startswith("Registered as case ")
    number = said.removeprefix("Registered as case ").rstrip(".")
    async with bot_db.uow() as uow:
        case_id = await uow.queries.case_id(CaseNumber.parse(number))
    assert case_id is not None
    case, _history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.severity is severity
    assert {t.value for t in case.intake.triggers} == triggers
    assert case.intake.channel.value == channel


async def test_a_forged_channel_is_refused_and_the_registration_waits(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    said = await register(chat, session, "carrier_pigeon", "repair")
    assert not said.startswith("Registered")  # the demand is not what the step waits for


async def test_staff_attitude_in_the_story_makes_class_2(
    bot_db: Database, dispatcher: Dispatcher
) -> None:
    case = await filed(bot_db, dispatcher["rules"],
                       description="The guard at gate 2 was rude and shouted at my mother.")
    assert case.severity is Severity.SERIOUS


async def test_complaining_again_after_our_answer_is_class_2_but_a_new_matter_is_not(
    bot_db: Database, dispatcher: Dispatcher
) -> None:
    rules: Rules = dispatcher["rules"]
    first = await filed(bot_db, rules)
    # Still open, unanswered: a second message about it is not yet a second complaint.
    assert (await filed(bot_db, rules)).severity is Severity.MINOR
    await handling.decide_invalid(bot_db.uow(), rules, first.case_id, DESK,
                                  "The leak comes from the flat upstairs.")
    again = await filed(bot_db, rules)
    assert again.severity is Severity.SERIOUS
    case, _history = await queries.case_with_history(bot_db.uow(), again.case_id, DESK)
    assert MajorTrigger.REPEAT_COMPLAINT in case.intake.triggers
    other_matter = await filed(bot_db, rules, category="fees_billing")
    assert other_matter.severity is Severity.MINOR
    someone_else = await filed(bot_db, rules, telegram_id=62)
    assert someone_else.severity is Severity.MINOR
