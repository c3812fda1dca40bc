"""What the bot says to /start, /help, /language, stale buttons, errors and groups."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Chat, Message

from bot.handlers import build_routers
from core.db.uow import Database
from core.domain import DomainError
from core.services import people
from tests.bot.conftest import Chatter, RecordingSession, person


async def test_start_greets_in_the_language_telegram_reports(chat: Chatter,
                                                             session: RecordingSession) -> None:
    await chat.say(person(1, "zh-hans", "Lei"), "/start")
    await chat.say(person(2, "zh-TW", "Mei"), "/start")
    await chat.say(person(3, "en", "Ann"), "/start")
    simplified, traditional, english = session.sent_texts()
    assert simplified.startswith("Lei，您好！这里是Test Dairy的投诉服务台")
    assert traditional.startswith("Mei，您好！這裡是Test Dairy的投訴服務台")
    assert english.startswith("Hello, Ann. This is the complaint desk of Test Dairy.")


async def test_an_unknown_language_falls_back_to_the_organisation_default(
    chat: Chatter, session: RecordingSession
) -> None:
    await chat.say(person(4, "de"), "/start")
    assert "投诉服务台" in session.sent_texts()[0]


async def test_names_are_escaped_not_interpreted(chat: Chatter, session: RecordingSession
                                                 ) -> None:
    await chat.say(person(5, "en", "<b>Bob</b> & co"), "/start")
    assert session.sent_texts()[0].startswith("Hello, &lt;b&gt;Bob&lt;/b&gt; &amp; co.")


async def test_a_chosen_language_wins_over_telegrams(chat: Chatter, session: RecordingSession,
                                                     bot_db: Database) -> None:
    user = person(6, "zh-hans")
    await chat.say(user, "/start")
    await chat.say(user, "/language")
    keyboard = session.requests[-1].reply_markup  # type: ignore[attr-defined]
    buttons = [b for row in keyboard.inline_keyboard for b in row]
    assert [b.text for b in buttons] == ["中文 (简体)", "中文 (繁體)", "English"]
    english = next(b for b in buttons if b.text == "English")
    await chat.press(user, english.callback_data)
    assert isinstance(session.requests[-2], AnswerCallbackQuery)
    assert session.requests[-1].text == "From now on I will write in English."  # type: ignore[attr-defined]
    await chat.say(user, "/help")
    assert session.sent_texts()[-1].startswith("How this works:")
    found = await people.find_by_telegram(bot_db, 6)
    assert found is not None and found.language == "en"


async def test_a_forged_or_stale_button_gets_a_short_refusal(chat: Chatter,
                                                            session: RecordingSession) -> None:
    await chat.press(person(7, "en"), "lang:xx")
    await chat.press(person(7, "en"), "nonsense")
    answers = [r for r in session.requests if isinstance(r, AnswerCallbackQuery)]
    assert [a.text for a in answers] == ["This button is no longer valid."] * 2


async def test_chatter_in_an_unbound_group_is_ignored_and_help_is_polite(
    chat: Chatter, session: RecordingSession
) -> None:
    group = Chat(id=-100123, type="supergroup", title="Random group")
    await chat.say(person(8, "en"), "hello everyone", chat=group)
    assert session.requests == []
    await chat.say(person(8, "en"), "/help", chat=group)
    assert session.sent_texts() == [
        "This group is not connected to the complaint desk. An administrator can connect it "
        "to the customer-service desk, a department or the supervisors."]


async def test_refused_commands_and_failures_are_answered_in_the_users_language(
    chat: Chatter, session: RecordingSession, dispatcher: object
) -> None:
    failing = Router(name="failing")

    @failing.message(Command("refuse"))
    async def refuse(message: Message) -> None:
        raise DomainError("bad_phone")

    @failing.message(Command("crash"))
    async def crash(message: Message) -> None:
        raise RuntimeError("database on fire")

    fallback = build_routers()[-1]
    dispatcher.sub_routers.insert(dispatcher.sub_routers.index(fallback), failing)  # type: ignore[attr-defined]
    failing._parent_router = dispatcher  # type: ignore[assignment]
    await chat.say(person(9, "zh-TW"), "/refuse")
    await chat.say(person(9, "en"), "/crash")
    refused, crashed = session.sent_texts()
    assert refused == "這看起來不像電話號碼。請只輸入數字，例如 9123 4567。"
    assert crashed.startswith("Sorry, something went wrong on our side.")
    assert "fire" not in crashed and all(isinstance(r, SendMessage) for r in session.requests)
