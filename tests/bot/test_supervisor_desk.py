"""The supervisor's desk through the real Dispatcher: the commands, the case view and its
buttons, typed comments, and refusals for everyone and everything that does not belong."""

from __future__ import annotations

import html
import logging
import re

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
)
from aiogram.types import Chat, Message

from bot.delivery.outbox_sender import OutboxSender
from bot.input.callbacks import SupervisorAction, SupervisorPage
from core.db.uow import Database
from core.domain import Actor, CaseState, Evidence, Remedy, RemedyKind, Role, Severity
from core.organisation import Organisation
from core.services import deadlines, filing, handling, people, queries, supervision
from core.services.rules import Rules
from tests.bot.conftest import (
    LOGISTICS_ID,
    QUALITY_CHAT,
    QUALITY_ID,
    QUALITY_OTHER_ID,
    SUPERVISOR_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    person,
)
from tests.bot.test_staff_cards import DESK, group, setup_case
from tests.factories import make_intake

CHEN = person(SUPERVISOR_ID, "en", "Chen")


def private(user_id: int) -> Chat:
    return Chat(id=user_id, type="private")


def sent(session: RecordingSession, chat_id: int) -> list[SendMessage]:
    return [m for m in session.requests if isinstance(m, SendMessage) and m.chat_id == chat_id]


def last_answer(session: RecordingSession) -> str | None:
    answers = [m for m in session.requests if isinstance(m, AnswerCallbackQuery)]
    return answers[-1].text if answers else None


def button(request: SendMessage | EditMessageText, label: str) -> str:
    for row in request.reply_markup.inline_keyboard:  # type: ignore[union-attr]
        for item in row:
            if item.text == label:
                return str(item.callback_data)
    raise AssertionError(f"no button {label!r}")


async def reply_to_prompt(chat: Chatter, session: RecordingSession, text: str,
                          where: Chat | None = None) -> None:
    """Chen answers the bot's newest comment prompt there, as a reply to it."""
    where = where or private(SUPERVISOR_ID)
    prompt = [m for m in session.messages if m.chat.id == where.id
              and "(reply to this message)" in (m.text or "")][-1]
    await chat.say(CHEN, text, chat=where, reply_to_message=prompt)


def visible(text: str) -> str:
    """What Telegram shows of an HTML message, and counts against its 4096 limit."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def press(chat: Chatter, user_id: int, chat_obj: Chat, data: str) -> None:
    message = Message(message_id=1, date=0, chat=chat_obj, text="…")  # type: ignore[arg-type]
    await chat.press(person(user_id, "en"), data, message)


async def su(chat: Chatter, action: str, case_id: int, arg: str = "", *,
             user_id: int = SUPERVISOR_ID, where: Chat | None = None, page: int = 0) -> None:
    await press(chat, user_id, where or group(SUPERVISORS_CHAT),
                SupervisorAction(action=action, case_id=case_id, arg=arg, page=page).pack())


async def assigned_case(bot: Bot, bot_db: Database, dispatcher: Dispatcher,
                        organisation: Organisation) -> tuple[int, OutboxSender, Rules]:
    case_id, sender, rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await handling.assign(bot_db.uow(), rules, case_id, DESK)
    await sender.run_once()
    return case_id, sender, rules


async def awaiting_approval(bot: Bot, bot_db: Database, dispatcher: Dispatcher,
                            organisation: Organisation) -> tuple[int, OutboxSender, Rules]:
    case_id, sender, rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    zhang_id = await people.customer_for_telegram(bot_db.uow(), rules, QUALITY_ID, "Zhang")
    zhang = Actor(zhang_id, Role.DEPARTMENT, "quality", "specialist")
    await handling.accept(bot_db.uow(), rules, case_id, zhang)
    await handling.propose_solution(bot_db.uow(), rules, case_id, zhang, Remedy(
        RemedyKind.COMPENSATION, "Refund and a voucher.", "1500", "CNY"))
    await sender.run_once()
    return case_id, sender, rules


async def test_commands_from_someone_not_a_supervisor_are_refused_and_logged(
    chat: Chatter, session: RecordingSession, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = ("These commands are for supervisors, in the supervisors' group or in a "
               "private chat with me.")
    with caplog.at_level(logging.INFO):
        await chat.say(person(61, "en"), "/overdue")
        assert sent(session, 61)[-1].text == refusal
        await chat.say(person(QUALITY_ID, "en"), "/stats", chat=group(QUALITY_CHAT))
        assert sent(session, QUALITY_CHAT)[-1].text == refusal
        # A department member who happens to sit in the supervisors' group is not one.
        await chat.say(person(QUALITY_ID, "en"), "/case 2611-0001",
                       chat=group(SUPERVISORS_CHAT))
        assert sent(session, SUPERVISORS_CHAT)[-1].text == refusal
    assert any("supervisor desk refused user 61" in r.getMessage() for r in caplog.records)


async def test_unknown_or_malformed_case_numbers_get_a_clear_answer(
    chat: Chatter, session: RecordingSession
) -> None:
    await chat.say(CHEN, "/case 2611-0042")
    assert sent(session, SUPERVISOR_ID)[-1].text == "I could not find that case."
    await chat.say(CHEN, "/case yesterday's")
    assert sent(session, SUPERVISOR_ID)[-1].text == "A case number looks like 2611-0001."
    await chat.say(CHEN, "/case")
    assert sent(session, SUPERVISOR_ID)[-1].text.startswith("Write the case number")


async def test_an_overdue_alert_leads_to_a_reassignment_in_two_taps(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    rules.clock.advance(days=4)  # Friday 10:00 in Shanghai: Thursday 17:00 has passed
    await deadlines.sweep(bot_db, rules, rules.clock.now())
    await sender.run_once()
    alert = [m for m in sent(session, SUPERVISORS_CHAT) if m.text.startswith("🔴")][-1]
    await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT),
                button(alert, "🔎 Open the case"))
    view = sent(session, SUPERVISORS_CHAT)[-1]
    assert view.text.startswith("📋 <b>2611-0001</b>") and "Escalation level:" in view.text
    await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT), button(view, "👤 Another person"))
    menu = [m for m in session.requests if isinstance(m, EditMessageText)][-1]
    await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT), button(menu, "Zhao"))
    assert last_answer(session) == "Done."
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ACCEPTED and history[-1].action.value == "reassign"
    zhao = await people.find_by_telegram(bot_db, QUALITY_OTHER_ID)
    assert zhao is not None and case.owner_id == zhao.id
    await sender.run_once()
    notes = [m.text for m in sent(session, QUALITY_CHAT)]
    assert "<b>Chen</b> gave the case to another colleague" in notes
    refreshed = [m for m in session.requests if isinstance(m, EditMessageText)
                 and m.chat_id == QUALITY_CHAT][-1]
    assert "Owner: Zhao" in refreshed.text


async def test_overdue_is_paged_and_moves_a_case_to_another_department(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    ids = [(await assigned_case(bot, bot_db, dispatcher, organisation))[0] for _ in range(9)]
    rules: Rules = dispatcher["rules"]
    rules.clock.advance(days=4)
    await chat.say(CHEN, "/overdue", chat=group(SUPERVISORS_CHAT))
    listing = sent(session, SUPERVISORS_CHAT)[-1]
    assert "Past or near a deadline: 9" in listing.text and "Page 1 of 2" in listing.text
    assert listing.text.count("🔴") == 8
    await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT), button(listing, "Next ▶️"))
    second = [m for m in session.requests if isinstance(m, EditMessageText)][-1]
    assert "Page 2 of 2" in second.text and second.text.count("🔴") == 1
    await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT),
                SupervisorPage(page=99).pack())  # stale: the last page again
    assert "Page 2 of 2" in [m for m in session.requests
                             if isinstance(m, EditMessageText)][-1].text
    await su(chat, "departments", ids[8])
    await su(chat, "transfer", ids[8], "logistics")
    case, _ = await queries.case_with_history(bot_db.uow(), ids[8], DESK)
    assert case.department == "logistics" and case.state is CaseState.ASSIGNED


async def test_approval_above_the_limit_with_a_comment_from_a_private_chat(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, _rules = await awaiting_approval(bot, bot_db, dispatcher, organisation)
    await chat.say(CHEN, "/case 2611-0001")
    view, history = sent(session, SUPERVISOR_ID)[-2:]
    assert "1500.00 CNY" in view.text and history.text.startswith("📜 <b>History of case")
    await press(chat, SUPERVISOR_ID, private(SUPERVISOR_ID),
                button(view, "👍 Approve with a comment"))
    assert sent(session, SUPERVISOR_ID)[-1].text.startswith("Your comment on the approval")
    await reply_to_prompt(chat, session, "Approved: a loyal customer.")
    case, events = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_CUSTOMER
    assert events[-1].action.value == "approve" and events[-1].note == "Approved: a loyal customer."
    await sender.run_once()
    assert "Refund and a voucher" in sent(session, 61)[-1].text


async def test_a_refusal_with_a_comment_reaches_the_department_card(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, _rules = await awaiting_approval(bot, bot_db, dispatcher, organisation)
    await su(chat, "refuse", case_id)
    await reply_to_prompt(chat, session, "Too much; offer an exchange.", group(SUPERVISORS_CHAT))
    assert sent(session, SUPERVISORS_CHAT)[-2].text == "Done."
    await sender.run_once()
    assert "<b>Chen</b> refused the solution: Too much; offer an exchange." in [
        m.text for m in sent(session, QUALITY_CHAT)]
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ACCEPTED


async def test_severity_escalation_instruction_and_external_closing(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender, _rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    await su(chat, "severities", case_id)
    await su(chat, "severity", case_id, "major")
    await su(chat, "escalate", case_id)
    await reply_to_prompt(chat, session, "A journalist called.", group(SUPERVISORS_CHAT))
    await su(chat, "instruct", case_id)
    await reply_to_prompt(chat, session, "Call her back before noon.", group(SUPERVISORS_CHAT))
    await sender.run_once()
    card = [m for m in session.requests if isinstance(m, EditMessageText)
            and m.chat_id == QUALITY_CHAT][-1]
    assert "Supervisors' instruction: Call her back before noon." in card.text
    await su(chat, "routes", case_id)
    await su(chat, "close", case_id, "arbitration")
    await reply_to_prompt(chat, session, "The arbitration committee awarded 300 yuan.",
                          group(SUPERVISORS_CHAT))
    assert "Settled outside: Arbitration" in sent(session, SUPERVISORS_CHAT)[-1].text
    await sender.run_once()  # and the customer hears how it ended
    told = sent(session, 61)[-1].text
    assert "Your complaint is now closed: it was settled through Arbitration." in told
    assert "Outcome: The arbitration committee awarded 300 yuan." in told
    case, events = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.severity is Severity.MAJOR and case.escalation_level == 1
    assert case.state is CaseState.CLOSED and case.closure == "external_arbitration"
    assert [e.action.value for e in events][-4:] == ["set_severity", "escalate", "instruct",
                                                     "close"]


async def test_forged_buttons_change_nothing(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    await su(chat, "view", 99999)
    assert last_answer(session) == "I could not find that case."
    await su(chat, "severity", case_id, "apocalyptic")
    assert last_answer(session) == "That choice is not available."
    await su(chat, "reassign", case_id, str(LOGISTICS_ID))
    assert last_answer(session) == "That person does not work in this case's department."
    await su(chat, "reassign", case_id, "-1")
    await su(chat, "close", case_id, "duel")
    await su(chat, "transfer", case_id, "nowhere")
    assert last_answer(session) == "There is no such department."
    await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT), f"su:nuke:{case_id}::0")
    assert last_answer(session) == "This button is no longer valid."
    await su(chat, "severity", case_id, "major", user_id=QUALITY_ID, where=group(QUALITY_CHAT))
    assert last_answer(session, ).startswith("These commands are for supervisors")
    _case, events = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert [e.action.value for e in events] == ["file", "assign"]


async def test_a_huge_history_is_paged_within_telegrams_limit(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    supervisor_id = await people.customer_for_telegram(bot_db.uow(), rules, SUPERVISOR_ID, "Chen")
    chen = Actor(supervisor_id, Role.SUPERVISOR, level="vice_president")
    for n in range(23):
        await handling.add_note(bot_db.uow(), rules, case_id, chen, f"{n} " + "<&>" * 600)
    await chat.say(CHEN, "/case 2611-0001", chat=group(SUPERVISORS_CHAT))
    history = sent(session, SUPERVISORS_CHAT)[-1]
    assert "(1–5 of 25)" in history.text and len(history.text) <= 4096
    data = button(history, "Next ▶️")
    for _ in range(5):
        await press(chat, SUPERVISOR_ID, group(SUPERVISORS_CHAT), data)
        page = [m for m in session.requests if isinstance(m, EditMessageText)][-1]
        assert len(page.text) <= 4096 and "&lt;&amp;&gt;" in page.text
        labels = [b.text for row in page.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
        if "Next ▶️" not in labels:
            break
        data = button(page, "Next ▶️")
    assert "(21–25 of 25)" in page.text


async def test_find_and_stats(chat: Chatter, session: RecordingSession, bot: Bot,
                              bot_db: Database, dispatcher: Dispatcher,
                              organisation: Organisation) -> None:
    await assigned_case(bot, bot_db, dispatcher, organisation)
    await chat.say(CHEN, "/find 138 0013 8000")
    found = sent(session, SUPERVISOR_ID)[-1]
    assert "Found 1" in found.text and "2611-0001" in found.text
    await chat.say(CHEN, "/find sour")
    assert "Found 1" in sent(session, SUPERVISOR_ID)[-1].text
    await chat.say(CHEN, "/find nothing like this")
    assert sent(session, SUPERVISOR_ID)[-1].text == "Nothing found for «nothing like this»."
    await chat.say(CHEN, "/stats")
    stats = sent(session, SUPERVISOR_ID)[-1].text
    assert "New cases: 1" in stats and "Closed: 0" in stats and "Overdue now: 0" in stats
    assert "no survey answers yet" in stats


async def test_only_a_reply_to_the_prompt_is_the_comment_and_cancel_drops_it(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    where = group(SUPERVISORS_CHAT)
    await su(chat, "routes", case_id)
    await su(chat, "close", case_id, "court")
    # Days later, an unrelated message in the group is not the outcome of the case.
    await chat.say(CHEN, "Lunch at noon, anyone?", chat=where)
    await chat.say(CHEN, "Lunch at noon, anyone?", chat=where,
                   reply_to_message=Message(message_id=5, date=0, chat=where, text="hi"))
    case, events = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ASSIGNED and events[-1].action.value == "assign"
    assert "Done." not in [m.text for m in sent(session, where.id)]
    # /cancel drops the pending prompt: a late reply to it changes nothing either.
    await chat.say(CHEN, "/cancel", chat=where)
    assert sent(session, where.id)[-1].text == "Cancelled."
    await reply_to_prompt(chat, session, "The court ruled for us.", where)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.ASSIGNED
    # The same in a private chat.
    await su(chat, "instruct", case_id, where=private(SUPERVISOR_ID))
    await chat.say(CHEN, "/cancel")
    assert sent(session, SUPERVISOR_ID)[-1].text == "Cancelled."
    _case, events = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert [e.action.value for e in events] == ["file", "assign"]


async def test_a_search_with_many_long_matches_stays_within_telegrams_limit(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    customer = await people.customer_for_telegram(bot_db.uow(), rules, 61, "Ann", "en")
    for n in range(25):
        await filing.file_case(bot_db.uow(), rules, make_intake(
            description=f"Sour milk {n}: " + "the carton was swollen and smelt bad " * 20,
            contact_name="Ann " + "Long-Surname " * 14), customer,
            Actor(customer, Role.CUSTOMER))
    await chat.say(CHEN, "/find sour milk")
    found = sent(session, SUPERVISOR_ID)[-1]
    assert len(found.text) < 4096 and "Found 25" in found.text
    listed = found.text.count("• <b>")
    more = re.search(r"…and (\d+) more", found.text)
    assert more is not None and 0 < listed < 20 and listed + int(more.group(1)) == 25
    assert len([b for row in found.reply_markup.inline_keyboard  # type: ignore[union-attr]
                for b in row]) == listed


async def test_file_captions_are_sent_as_plain_words(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, rules = await assigned_case(bot, bot_db, dispatcher, organisation)
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    customer = Actor(case.customer_id, Role.CUSTOMER)
    for n, caption in enumerate(["price < 50 & the <b>label</b> says 80", "x" * 1000]):
        await handling.add_evidence(bot_db.uow(), rules, case_id, customer,
                                    Evidence("photo", f"AgAC-{n}", caption))
    await su(chat, "evidence", case_id)
    # Two photos go as one album (issue 17 point 1), each with its own caption.
    albums = [m for m in session.requests if isinstance(m, SendMediaGroup)]
    assert len(albums) == 1
    photos = albums[0].media
    assert [p.media for p in photos] == ["AgAC-0", "AgAC-1"]  # the second is sent too
    assert photos[0].caption == "price &lt; 50 &amp; the &lt;b&gt;label&lt;/b&gt; says 80"
    assert len(photos[1].caption or "") <= 1024


async def test_a_case_with_every_field_at_its_longest_fits_one_message(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules: Rules = dispatcher["rules"]
    customer = await people.customer_for_telegram(bot_db.uow(), rules, 61, "Ann", "en")
    filed = await filing.file_case(bot_db.uow(), rules, make_intake(
        description="<&> sour " * 800, demand_text="<&> more " * 200,
        contact_name="N<&>" * 50, product="P<&>" * 50, place="W<&>" * 50,
        occurred="T<&>" * 50), customer, Actor(customer, Role.CUSTOMER))
    case_id = filed.case_id
    await handling.assign(bot_db.uow(), rules, case_id, DESK, department="quality")
    zhang_id = await people.customer_for_telegram(bot_db.uow(), rules, QUALITY_ID, "Z" * 200)
    zhang = Actor(zhang_id, Role.DEPARTMENT, "quality", "specialist")
    await handling.accept(bot_db.uow(), rules, case_id, zhang)
    chen_id = await people.customer_for_telegram(bot_db.uow(), rules, SUPERVISOR_ID, "Chen")
    chen = Actor(chen_id, Role.SUPERVISOR, level="vice_president")
    await supervision.instruct(bot_db.uow(), rules, case_id, chen, "Do <&> it " * 200)
    await handling.ask_customer(bot_db.uow(), rules, case_id, zhang, "Which <&> batch " * 125)
    await chat.say(CHEN, f"/case {filed.number}", chat=group(SUPERVISORS_CHAT))
    view = [m for m in sent(session, SUPERVISORS_CHAT) if m.text.startswith("📋")][-1]
    assert len(visible(view.text)) < 4096
    assert "Supervisors' instruction: Do <&> it" in visible(view.text)
    assert "Wants: <&> more" in visible(view.text)


async def test_buttons_and_comment_prompts_only_for_steps_that_can_happen(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await awaiting_approval(bot, bot_db, dispatcher, organisation)
    await chat.say(CHEN, "/case 2611-0001", chat=group(SUPERVISORS_CHAT))
    view = [m for m in sent(session, SUPERVISORS_CHAT) if m.text.startswith("📋")][-1]
    labels = [b.text for row in view.reply_markup.inline_keyboard  # type: ignore[union-attr]
              for b in row]
    assert "👍 Approve with a comment" in labels and "🏢 Another department" not in labels
    await handling.approve(bot_db.uow(), _rules, case_id, Actor(
        await people.customer_for_telegram(bot_db.uow(), _rules, SUPERVISOR_ID, "Chen"),
        Role.SUPERVISOR, level="vice_president"), "Fine.")
    before = len(sent(session, SUPERVISORS_CHAT))
    await su(chat, "approve", case_id)  # a stale button: the case has moved on meanwhile
    assert last_answer(session) == ("This case has moved on in the meantime; that step no "
                                    "longer applies.")
    assert len(sent(session, SUPERVISORS_CHAT)) == before  # no prompt to type into
