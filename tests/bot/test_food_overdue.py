"""002 §6.4.5 "重大投诉如超过规定期限仍未形成最终解决方案": a case whose time runs out with no
solution proposed becomes major, and the supervisors hear it at once; one with a solution on
the table does not (issue 19)."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Dispatcher

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, Remedy, RemedyKind, Role, Severity
from core.organisation import Organisation
from core.policy import Deadline, MajorTrigger
from core.services import deadlines, filing, handling, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    QUALITY_CHAT,
    QUALITY_ID,
    STAFF_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
)
from tests.bot.test_extensions import organisation, sent  # noqa: F401 - the 002 fixture
from tests.bot.test_staff_cards import press_card
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST)


async def taken_case(chat: Chatter, session: RecordingSession, bot_db: Database, rules: Rules,
                     telegram_id: int) -> int:
    customer = await people.customer_for_telegram(bot_db.uow(), rules, telegram_id, "Ann", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(), customer,
                                   Actor(customer, Role.CUSTOMER))
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", filed.case_id,
                     "tech_quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", filed.case_id)
    return filed.case_id


async def test_time_run_out_without_a_solution_makes_a_case_major(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation  # noqa: F811
) -> None:
    rules: Rules = dispatcher["rules"]
    unsolved = await taken_case(chat, session, bot_db, rules, 61)
    solved = await taken_case(chat, session, bot_db, rules, 62)
    async with bot_db.uow() as uow:
        zhang = (await uow.people.by_telegram(QUALITY_ID)).id  # type: ignore[union-attr]
    await handling.propose_solution(bot_db.uow(), rules, solved, Actor(
        zhang, Role.DEPARTMENT, department="tech_quality", level="sales_rep"),
        Remedy(RemedyKind.EXPLANATION, "The taste comes from the new chilli harvest."))
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    await sender.run_once()  # the cards so far
    case, _ = await queries.case_with_history(bot_db.uow(), unsolved, DESK)
    late = case.deadlines[Deadline.WHOLE_CASE] + timedelta(minutes=1)
    rules.clock.set(late)  # type: ignore[attr-defined]
    await deadlines.sweep(bot_db, rules, late)

    case, _ = await queries.case_with_history(bot_db.uow(), unsolved, DESK)
    assert case.severity is Severity.MAJOR
    assert MajorTrigger.OVERDUE_UNSOLVED in case.intake.triggers
    other, _ = await queries.case_with_history(bot_db.uow(), solved, DESK)
    assert other.severity is Severity.MINOR
    await sender.run_once()
    alerts = [t for t in sent(session, SUPERVISORS_CHAT) if t.startswith("🚨 <b>")]
    assert len(alerts) == 1 and "past its deadline without a solution" in alerts[0]
