"""002's own rules through the bot (issue 19). §6.4.5 "重大投诉如超过规定期限仍未形成最终解决
方案": a case whose time runs out with no solution proposed becomes major, and the supervisors
hear it at once; one with a solution on the table does not. §7.2 "在24小时之内派业务人员登门":
from the hand-over the department has 24 hours to meet the customer, and says so from its
card."""

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
    answer_prompt,
    person,
)
from tests.bot.test_extensions import organisation, sent  # noqa: F401 - the 002 fixture
from tests.bot.test_staff_cards import group, press_card
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


async def test_the_department_has_24_hours_to_visit_and_records_it_from_its_card(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation  # noqa: F811
) -> None:
    rules: Rules = dispatcher["rules"]
    visited = await taken_case(chat, session, bot_db, rules, 61)
    missed = await taken_case(chat, session, bot_db, rules, 62)
    case, _ = await queries.case_with_history(bot_db.uow(), visited, DESK)
    assert case.deadlines[Deadline.VISIT] - rules.now() == timedelta(hours=24)
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    await sender.run_once()
    assert any("Due: visit to the customer by" in t for t in sent(session, QUALITY_CHAT))

    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "visited", visited)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "Met Mrs Li at home; she will take two fresh jars.")
    case, _ = await queries.case_with_history(bot_db.uow(), visited, DESK)
    assert case.visited_at == rules.now() and Deadline.VISIT not in case.deadlines
    # Pressed again (a stale card): the visit is on record once.
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "visited", visited)
    case, history = await queries.case_with_history(bot_db.uow(), visited, DESK)
    assert [e.note for e in history if e.action.value == "record_visit"] == [
        "Met Mrs Li at home; she will take two fresh jars."]

    # A third cannot be visited in time: a call agrees "后天上午10点" (Wednesday 10:00,
    # 48 hours on), and the clock runs to that meeting (§7.2 "约定见面协商时间").
    called = await taken_case(chat, session, bot_db, rules, 63)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "meeting", called)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "后天上午10点")
    case, _ = await queries.case_with_history(bot_db.uow(), called, DESK)
    assert case.deadlines[Deadline.VISIT] - rules.now() == timedelta(hours=48)

    # Nobody went to the second customer: at 24 hours the supervisors hear of it; the
    # agreed meeting is not late yet.
    late = rules.now() + timedelta(hours=24, minutes=1)
    rules.clock.set(late)  # type: ignore[attr-defined]
    swept = await deadlines.sweep(bot_db, rules, late)
    assert [(a.case_id, a.stage) for a in swept.alerts if a.clock == "visit"] == [
        (missed, "breach")]
