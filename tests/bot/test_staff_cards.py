"""Staff work a case from cards in their groups; the card edits in place as it moves."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Chat, Message

from bot.delivery.outbox_sender import OutboxSender
from bot.input.callbacks import StaffAction
from core.db.uow import Database
from core.domain import Actor, CaseState, Role
from core.organisation import Organisation
from core.services import filing, people, queries
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    LOGISTICS_ID,
    QUALITY_CHAT,
    QUALITY_ID,
    QUALITY_OTHER_ID,
    STAFF_ID,
    SUPERVISOR_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    answer_prompt,
    person,
)
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST)


def group(chat_id: int) -> Chat:
    return Chat(id=chat_id, type="supergroup", title=str(chat_id))


def sent_to(session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in session.requests
            if isinstance(m, SendMessage) and m.chat_id == chat_id]


async def press_card(chat: Chatter, session: RecordingSession, user_id: int, chat_id: int,
                     action: str, case_id: int, arg: str = "") -> None:
    # Pressed on the case's card in that group, as staff do.
    message = Message(message_id=card_id(session, chat_id, case_id), date=0,  # type: ignore[arg-type]
                      chat=group(chat_id), text="card")
    await chat.press(person(user_id, "en"), StaffAction(action=action, case_id=case_id,
                                                        arg=arg).pack(), message)


def card_id(session: RecordingSession, chat_id: int, case_id: int) -> int:
    """The id of the first message in ``chat_id`` with a button for ``case_id`` (1: none)."""
    for sent in session.messages:
        rows = sent.reply_markup.inline_keyboard if sent.reply_markup else []
        for button in (b for row in rows for b in row):
            data = button.callback_data or ""
            if sent.chat.id == chat_id and data.startswith("st:") and \
                    StaffAction.unpack(data).case_id == case_id:
                return sent.message_id
    return 1


async def setup_case(bot: Bot, bot_db: Database, dispatcher: Dispatcher,
                     organisation: Organisation) -> tuple[int, OutboxSender, Rules]:
    rules: Rules = dispatcher["rules"]
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    customer = await people.customer_for_telegram(bot_db.uow(), rules, 61, "Ann", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(), customer,
                                   Actor(customer, Role.CUSTOMER))
    await sender.run_once()
    return filed.case_id, sender, rules


async def test_a_case_goes_from_the_desk_through_the_department_with_one_card_each(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    card = sent_to(session, DESK_CHAT)[0]
    assert card.startswith("📋 <b>2611-0001</b> · minor\nState: new, to be checked by the desk")
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await sender.run_once()
    quality_card = sent_to(session, QUALITY_CHAT)[0]
    assert "Department: Quality" in quality_card
    edits = [m for m in session.requests if isinstance(m, EditMessageText)]
    assert edits and edits[-1].chat_id == DESK_CHAT
    assert "State: assigned, waiting for the department to take it" in edits[-1].text
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await sender.run_once()
    assert any(t.startswith("<b>Zhang</b> took the case") for t in sent_to(session, QUALITY_CHAT))
    edits = [m for m in session.requests
             if isinstance(m, EditMessageText) and m.chat_id == QUALITY_CHAT]
    assert "Owner: Zhang" in edits[-1].text
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ACCEPTED


async def test_strangers_and_the_second_to_accept_are_refused_and_nothing_changes(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, 99999, DESK_CHAT, "assign", case_id, "quality")
    assert session.requests[-1].text == "Sorry, that is not something you can do here."  # type: ignore[attr-defined]
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, LOGISTICS_ID, QUALITY_CHAT, "accept", case_id)
    assert session.requests[-1].text == "This case belongs to another department."  # type: ignore[attr-defined]
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_OTHER_ID, QUALITY_CHAT, "accept", case_id)
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery)
    assert refusal.text == "Zhang has already taken this case."
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.owner_id is not None


async def test_a_solution_beyond_authority_goes_to_the_supervisors_for_approval(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "remedy", case_id,
                     "compensation")
    zhang = person(QUALITY_ID, "en")
    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT), "1500")
    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT),
                        "Refund and a voucher for the trouble.")
    await sender.run_once()
    approval = sent_to(session, SUPERVISORS_CHAT)[0]
    assert "State: solution waiting for the supervisors' approval" in approval
    assert "1500.00 CNY" in approval
    await press_card(chat, session, SUPERVISOR_ID, SUPERVISORS_CHAT, "approve", case_id)
    await sender.run_once()
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_CUSTOMER
    customer_prompt = [m for m in session.requests
                       if isinstance(m, SendMessage) and m.chat_id == 61][-1]
    assert "Refund and a voucher" in customer_prompt.text


async def test_a_member_of_a_department_group_the_organisation_does_not_name_is_refused(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    # Issue 18: membership of the group was once all the authority needed.
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    newcomer = 7100  # not in the organisation file, but a member of the quality group
    session.members.add((QUALITY_CHAT, newcomer))
    for action, arg in (("accept", ""), ("remedy", "discount"), ("ask", ""), ("capa", "")):
        await press_card(chat, session, newcomer, QUALITY_CHAT, action, case_id, arg)
        refusal = session.requests[-1]
        assert isinstance(refusal, AnswerCallbackQuery)
        assert refusal.text == "Sorry, that is not something you can do here."
    assert session.prompts == []  # nobody was asked to type for nothing
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ASSIGNED and case.owner_id is None
    assert [event.action.value for event in history] == ["file", "assign"]


async def test_a_forged_remedy_press_from_a_colleague_who_is_not_the_owner_asks_nothing(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_OTHER_ID, QUALITY_CHAT, "remedy", case_id,
                     "compensation")
    refusal = session.requests[-1]
    assert isinstance(refusal, AnswerCallbackQuery)
    assert refusal.text == "Only the colleague who took this case can do that."
    assert session.prompts == []


async def test_a_forged_register_press_outside_the_desk_or_by_a_department_asks_nothing(
    chat: Chatter, session: RecordingSession
) -> None:
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "register", 0, "product_quality")
    answer = session.requests[-1]
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "Register phone complaints in the customer-service desk group."
    await press_card(chat, session, QUALITY_ID, DESK_CHAT, "register", 0, "product_quality")
    answer = session.requests[-1]
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.text == "Sorry, that is not something you can do here."
    await press_card(chat, session, 99999, DESK_CHAT, "register", 0, "product_quality")
    assert session.requests[-1].text == "Sorry, that is not something you can do here."  # type: ignore[attr-defined]
    assert session.prompts == []
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "register", 0, "no_such_thing")
    assert session.requests[-1].text == "There is no such category."  # type: ignore[attr-defined]
    assert session.prompts == []  # not a category of this organisation
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "register", 0, "product_quality")
    assert len(session.prompts) == 1  # the desk is asked for the caller, as ever


async def test_a_customer_who_is_also_listed_as_staff_is_refused_on_her_own_case(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    zhang = await people.customer_for_telegram(bot_db.uow(), rules, QUALITY_ID, "Zhang", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(), zhang,
                                   Actor(zhang, Role.CUSTOMER))
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", filed.case_id, "quality")
    for action, arg in (("accept", ""), ("remedy", "compensation"), ("ask", "")):
        await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, action, filed.case_id, arg)
        refusal = session.requests[-1]
        assert isinstance(refusal, AnswerCallbackQuery)
        assert refusal.text is not None and refusal.text.startswith(
            "This is your own complaint")
    assert session.prompts == []
    case, history = await queries.case_with_history(bot_db.uow(), filed.case_id, DESK)
    assert case.state is CaseState.ASSIGNED and len(history) == 2


async def test_forged_ids_too_large_for_the_database_are_stale_buttons(
    chat: Chatter, session: RecordingSession
) -> None:
    message = Message(message_id=1, date=0, chat=group(QUALITY_CHAT), text="card")  # type: ignore[arg-type]
    for data in ("st:accept:100000000000000000000:", "st:accept:-1:",
                 "sp:100000000000000000000", "su:view:100000000000000000000::0",
                 "cv:100000000000000000000", "dc:accept:100000000000000000000"):
        await chat.press(person(QUALITY_ID, "en"), data, message)
        answer = session.requests[-1]
        assert isinstance(answer, AnswerCallbackQuery), data
        assert answer.text == "This button is no longer valid.", data


async def test_the_owner_records_a_root_cause_and_an_improvement(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "capa", case_id)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "Cold chain broke in truck 7.\n\nTemperature loggers on every truck.")
    _case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    capa = history[-1]
    assert capa.action.value == "add_capa"
    assert capa.data["root_cause"] == "Cold chain broke in truck 7."
    assert capa.note == "Temperature loggers on every truck."


async def test_a_department_that_never_answers_is_warned_then_escalated_to_supervisors(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    from core.services import deadlines

    case_id, sender, rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await sender.run_once()
    clock = rules.clock
    # Assigned Monday 10:00 (Shanghai): the solution is due Thursday 17:00; the policy
    # warns two working hours before, Thursday 15:00 (07:00 UTC).
    clock.advance(days=3)
    clock.set(clock.now().replace(hour=7))
    await deadlines.sweep(bot_db, rules, clock.now())
    await sender.run_once()
    warnings = [t for t in sent_to(session, QUALITY_CHAT) if t.startswith("⏰")]
    assert warnings and "department's solution is due in" in warnings[-1]
    clock.advance(hours=19)  # Friday 10:00 Shanghai: past Thursday 17:00
    await deadlines.sweep(bot_db, rules, clock.now())
    await sender.run_once()
    breach = [t for t in sent_to(session, SUPERVISORS_CHAT) if t.startswith("🔴")][-1]
    assert "department's solution is" in breach and "late" in breach
    assert "Escalated to: head of department" in breach
    # The department's card says why, in words, not in the audit trail's codes.
    notes = [t for t in sent_to(session, QUALITY_CHAT) if "escalated the case" in t]
    assert notes and notes[-1].endswith("missed the deadline: department's solution")


async def test_the_daily_digest_goes_out_once_at_the_policy_time_on_working_days(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    from core.services import digest

    case_id, sender, rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    clock = rules.clock
    clock.set(clock.now().replace(hour=8, minute=59))  # 16:59 in Shanghai
    assert not await digest.send_if_due(bot_db, rules, clock.now())
    clock.advance(minutes=1)  # 17:00, the digest time of the test policy
    assert await digest.send_if_due(bot_db, rules, clock.now())
    assert not await digest.send_if_due(bot_db, rules, clock.now())  # once a day
    await sender.run_once()
    [report] = [t for t in sent_to(session, QUALITY_CHAT) if t.startswith("📊")]
    assert report.startswith("📊 Open cases on 2026-11-02: 1\n• 2611-0001 — ")
    [overdue] = [t for t in sent_to(session, SUPERVISORS_CHAT) if t.startswith("🔴")]
    assert overdue.startswith("🔴 Overdue cases on 2026-11-02:")
    clock.set(clock.now().replace(day=7))  # a Saturday: no digest
    assert not await digest.send_if_due(bot_db, rules, clock.now())


async def test_only_a_reply_to_the_prompt_answers_it_and_cancel_drops_it(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "hand_back", case_id)
    zhang = person(QUALITY_ID, "en")
    # Group chatter while the prompt waits is not the reason for handing the case back.
    await chat.say(zhang, "Lunch at noon?", chat=group(QUALITY_CHAT))
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ACCEPTED
    await chat.say(zhang, "/cancel", chat=group(QUALITY_CHAT))
    assert sent_to(session, QUALITY_CHAT)[-1] == "Cancelled."
    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT), "Not ours after all.")
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ACCEPTED  # the dropped prompt answers nothing


async def test_an_answer_to_a_prompt_nobody_waits_for_is_told_so_and_changes_nothing(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "capa", case_id)
    await chat.say(person(QUALITY_ID, "en"), "/cancel", chat=group(QUALITY_CHAT))
    _case, before = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    await answer_prompt(chat, session, person(QUALITY_ID, "en"), group(QUALITY_CHAT),
                        "Cold chain broke in truck 7.")
    assert session.sent_texts()[-1].startswith("I am no longer waiting for an answer")
    _case, after = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert after == before


async def test_a_second_card_of_the_same_case_retires_the_older_one_when_it_is_used(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    # A card Telegram took just before a crash, never recorded: not the case's card here.
    orphan = Message(message_id=card_id(session, DESK_CHAT, case_id) - 1, date=0,  # type: ignore[arg-type]
                     chat=group(DESK_CHAT), text="card")
    _case, before = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    await chat.press(person(STAFF_ID, "en"), StaffAction(action="assign", case_id=case_id,
                                                         arg="quality").pack(), orphan)
    [retired] = [m for m in session.requests if isinstance(m, EditMessageText)]
    assert (retired.message_id, retired.reply_markup) == (orphan.message_id, None)
    assert retired.text.startswith("This card was replaced by a newer one")
    answer = [m for m in session.requests if isinstance(m, AnswerCallbackQuery)][-1]
    assert answer.show_alert and answer.text == "This card was replaced by a newer one."
    _case, after = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert after == before  # nothing was done from the older card
