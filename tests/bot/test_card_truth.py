"""Every card of a case tells where it stands now, in staff words, with the customer's
verdict and language; an edit that would change nothing is never sent."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendMessage

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, Rating, Role
from core.organisation import Organisation
from core.services import handling, people
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
    person,
)
from tests.bot.test_staff_cards import group, press_card, sent_to, setup_case

SUPERVISOR = Actor(None, Role.SUPERVISOR, level="company_head")


def edits_in(session: RecordingSession, chat_id: int) -> list[EditMessageText]:
    return [m for m in session.requests if isinstance(m, EditMessageText) and m.chat_id == chat_id]


def card_now(session: RecordingSession, chat_id: int) -> str:
    """The card as the group sees it: the last edit, or the card as posted."""
    edits = edits_in(session, chat_id)
    return edits[-1].text if edits else sent_to(session, chat_id)[0]


def assert_no_idle_edits(session: RecordingSession) -> None:
    """No edit repeats what the same card already showed (Telegram refuses those)."""
    shown: dict[tuple[object, object], tuple[str, str]] = {}
    for request in session.requests:
        if isinstance(request, SendMessage) and request.text.startswith("📋"):
            continue  # a new card; its message id is the emulator's to give
        if isinstance(request, EditMessageText):
            key = (request.chat_id, request.message_id)
            now = (request.text, request.reply_markup.model_dump_json()
                   if request.reply_markup else "")
            assert shown.get(key) != now, f"edit repeats the card: {request.text[:60]}"
            shown[key] = now


async def approved_case(chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
                        dispatcher: Dispatcher, organisation: Organisation
                        ) -> tuple[int, OutboxSender]:
    case_id, sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "remedy", case_id,
                     "compensation")
    zhang = person(QUALITY_ID, "en")
    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT), "1500")
    await answer_prompt(chat, session, zhang, group(QUALITY_CHAT), "A voucher for the trouble.")
    await sender.run_once()
    await press_card(chat, session, SUPERVISOR_ID, SUPERVISORS_CHAT, "approve", case_id)
    await sender.run_once()
    return case_id, sender


async def test_every_card_follows_the_case_to_its_close_in_staff_words(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, sender = await approved_case(chat, session, bot, bot_db, dispatcher, organisation)
    supervisors = card_now(session, SUPERVISORS_CHAT)
    assert "waiting for the supervisors' approval" not in supervisors
    assert "State: waiting for the customer to confirm the solution" in supervisors
    quality = card_now(session, QUALITY_CHAT)
    assert "State: waiting for the customer to confirm the solution" in quality
    assert "Solution: Compensation 1500.00 CNY" in quality
    assert "Language: English" in quality and "Language: English" in card_now(session, DESK_CHAT)
    await handling.close(bot_db.uow(), dispatcher["rules"], case_id, SUPERVISOR, "withdrawn",
                         "The customer withdrew the complaint.")
    await sender.run_once()
    for chat_id in (DESK_CHAT, QUALITY_CHAT, SUPERVISORS_CHAT):
        assert "\nState: closed\n" in card_now(session, chat_id), chat_id
    assert any(t.startswith("<b>") and "closed the case" in t for t in sent_to(session, DESK_CHAT))
    assert_no_idle_edits(session)


async def test_the_customers_rejection_and_its_reason_reach_the_cards(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    _case_id, sender = await approved_case(chat, session, bot, bot_db, dispatcher, organisation)
    ann = person(61, "en", "Ann")
    await chat.press_button(ann, session, "✖️ I do not accept")
    await chat.say(ann, "I want my money back, not a voucher.")
    await sender.run_once()
    line = "Customer's view: did not accept the solution — «I want my money back, not a voucher.»"
    assert line in card_now(session, QUALITY_CHAT)
    assert line in card_now(session, DESK_CHAT)
    note = "<b>Ann</b> did not accept the solution: I want my money back, not a voucher."
    assert note in sent_to(session, QUALITY_CHAT) and note in sent_to(session, DESK_CHAT)
    assert "State: the department is working on it" in card_now(session, QUALITY_CHAT)
    assert_no_idle_edits(session)


async def test_a_dissatisfied_survey_reopens_with_the_customers_words_on_the_cards(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    rules = dispatcher["rules"]
    case_id, sender = await approved_case(chat, session, bot, bot_db, dispatcher, organisation)
    customer = await people.customer_for_telegram(bot_db.uow(), rules, 61, "Ann", "en")
    zhang = await people.customer_for_telegram(bot_db.uow(), rules, QUALITY_ID, "Zhang", "en")
    await handling.customer_accepts(bot_db.uow(), rules, case_id, Actor(customer, Role.CUSTOMER))
    await handling.mark_implemented(bot_db.uow(), rules, case_id,
                                    Actor(zhang, Role.DEPARTMENT, department="quality"))
    await handling.record_revisit(bot_db.uow(), rules, case_id, Actor(customer, Role.CUSTOMER),
                                  Rating.DISSATISFIED)
    await handling.add_note(bot_db.uow(), rules, case_id, Actor(customer, Role.CUSTOMER),
                            "The voucher never arrived.")
    await sender.run_once()
    line = "Customer's view: Dissatisfied — «The voucher never arrived.»"
    assert line in card_now(session, DESK_CHAT)
    assert "State: being checked by the desk" in card_now(session, DESK_CHAT)
    # The department that had the case hears of the reopening, with the rating.
    assert "<b>Ann</b> answered the survey (Dissatisfied)" in sent_to(session, QUALITY_CHAT)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await sender.run_once()
    assert line in card_now(session, QUALITY_CHAT)
    assert_no_idle_edits(session)


async def test_the_staff_remedy_menu_speaks_as_staff(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    case_id, _sender, _rules = await setup_case(bot, bot_db, dispatcher, organisation)
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "assign", case_id, "quality")
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "accept", case_id)
    await press_card(chat, session, QUALITY_ID, QUALITY_CHAT, "propose", case_id)
    menu = [m for m in session.requests if getattr(m, "reply_markup", None) is not None][-1]
    labels = [b.text for row in menu.reply_markup.inline_keyboard for b in row]  # type: ignore[attr-defined]
    assert "Explanation" in labels and "Return" in labels
    assert "An explanation" not in labels
