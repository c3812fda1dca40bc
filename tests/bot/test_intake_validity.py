"""001's validity rules, through the bot (issue 19.3): the intake asks the delivery date
and for evidence; the desk's card flags a complaint past the 30-day window and one whose
evidence has not come; 30 days after the complaint the desk is told it may be invalid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import Contact, PhotoSize

from bot.delivery.outbox_sender import OutboxSender
from bot.runtime.app import build_dispatcher
from bot.runtime.i18n import make_i18n
from bot.runtime.storage import SqlStorage
from core.clock import ManualClock
from core.db.uow import Database
from core.organisation import Organisation
from core.services import validity
from core.services.rules import Rules
from tests.bot.conftest import (
    DESK_CHAT,
    STAFF_ID,
    Chatter,
    RecordingSession,
    member,
    person,
    preset_organisation,
)
from tests.bot.test_staff_cards import press_card

START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 2 November, 10:00 in Shanghai


@pytest.fixture
def organisation() -> Organisation:
    return preset_organisation("001_validity", [
        member(STAFF_ID, "Wang", "specialist", "sales_rep")], {DESK_CHAT: "desk"})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def dispatcher(bot_db: Database, organisation: Organisation, clock: ManualClock
               ) -> Dispatcher:
    return build_dispatcher(db=bot_db, rules=Rules.build(organisation.policy, clock),
                            organisation=organisation, storage=SqlStorage(bot_db),
                            i18n=make_i18n("en"))


def photo() -> list[PhotoSize]:
    return [PhotoSize(file_id="box-1", file_unique_id="box-1u", width=800, height=600)]


def desk_texts(session: RecordingSession) -> list[str]:
    return [m.text for m in session.requests
            if isinstance(m, SendMessage) and m.chat_id == DESK_CHAT]


async def file(chat: Chatter, session: RecordingSession, user_id: int, delivered: str,
               with_photo: bool) -> list[str]:
    """Files a complaint; what the customer was asked on the way."""
    ann = person(user_id, "en", "Ann")
    await chat.say(ann, "The cartons we received are delaminating.")
    await chat.say(ann, "✅ That's everything")
    await chat.press_button(ann, session, "Product quality")
    await chat.say(ann, "Carton 40x30, order 7781")
    await chat.press_button(ann, session, "Skip")
    await chat.press_button(ann, session, "Yesterday")
    asked = [session.sent_texts()[-1]]
    await chat.say(ann, delivered)
    await chat.press_button(ann, session, "Compensation")
    asked.append(session.sent_texts()[-1])
    if with_photo:
        await chat.say(ann, photo=photo())
        asked.append(session.sent_texts()[-1])
        await chat.press_button(ann, session, "✅ That's all")
    else:
        await chat.press_button(ann, session, "I'll send them later")
    await chat.say(ann, contact=Contact(phone_number="+8613800138001", first_name="Ann",
                                        user_id=user_id))
    asked.append(session.sent_texts()[-1])
    await chat.press_button(ann, session, "✅ Yes, that's right")
    return asked


async def test_a_complaint_past_the_window_is_flagged_to_the_desk(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    asked = await file(chat, session, 41, "1 October", with_photo=True)
    assert asked[0] == "When were the goods delivered to you? Tap one, or write the date."
    assert asked[1].startswith("To check a complaint our rules need evidence")
    assert "within 30 days" in asked[1]
    assert asked[2].startswith("Got it, I have kept that (1 so far).")
    assert "<b>Delivered:</b> Oct 1, 2026" in asked[3]
    await OutboxSender(bot, bot_db, dispatcher["rules"], organisation,
                       dispatcher["i18n"]).run_once()
    [card] = [t for t in desk_texts(session) if "📋" in t]
    # Delivered 1 October, complained 2 November: 32 days, the 30th being the last inside.
    assert "Delivered: Oct 1, 2026" in card
    assert "⚠️ Filed 2 days past the 30-day window after delivery." in card
    assert "evidence" not in card.lower()

    # The desk finds it invalid in one tap; the customer reads the rule in their words.
    assert "✖️ Invalid: past the window" in [
        b.text for m in session.messages if m.chat.id == DESK_CHAT and m.reply_markup
        for row in m.reply_markup.inline_keyboard for b in row]
    await press_card(chat, session, STAFF_ID, DESK_CHAT, "invalid_late", case_id=1)
    await OutboxSender(bot, bot_db, dispatcher["rules"], organisation,
                       dispatcher["i18n"]).run_once()
    finding = [m.text for m in session.requests
               if isinstance(m, SendMessage) and m.chat_id == 41][-1]
    assert ("a complaint about goods must reach us within 30 days of delivery; yours "
            "reached us 2 days after that period") in finding


async def test_evidence_promised_for_later_is_chased_after_thirty_days(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation, clock: ManualClock
) -> None:
    await file(chat, session, 42, "Yesterday", with_photo=False)  # inside the window
    rules: Rules = dispatcher["rules"]
    sender = OutboxSender(bot, bot_db, rules, organisation, dispatcher["i18n"])
    await sender.run_once()
    [card] = [t for t in desk_texts(session) if "📋" in t]
    assert "window" not in card
    assert "📎 No evidence yet; the rules require it by" in card

    [(_kind, _key, due)] = [job for job in await bot_db.jobs.pending()
                           if job[0] == validity.KIND]
    assert due == START + timedelta(days=30)  # 001 §4.3 e: 30 days from the complaint
    clock.set(due)
    [job] = await bot_db.jobs.claim(due, kinds=[validity.KIND])
    assert await validity.run_evidence_overdue(bot_db, rules, job.payload) \
        == "2611-0001: evidence overdue, the desk is told"
    await sender.run_once()
    told = desk_texts(session)[-1]
    assert told.startswith("📎 <b>Case 2611-0001</b>: no evidence has come within 30 days")
    assert any("⚠️ No evidence within 30 days of the complaint: it may be found invalid."
               in (getattr(m, "text", "") or "") for m in session.requests[-3:])
