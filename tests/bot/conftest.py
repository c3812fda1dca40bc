"""Bot tests: the real Dispatcher fed Updates, with a session that records what is sent."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetChatMember, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberLeft,
    ChatMemberMember,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)

from bot.runtime.app import build_dispatcher
from bot.runtime.i18n import make_i18n
from bot.runtime.storage import SqlStorage
from core.clock import ManualClock
from core.db.migrate import upgrade
from core.db.uow import Database
from core.organisation import Organisation, organisation_from_mapping
from core.services.rules import Rules
from tests.factories import POLICY

BOT_ID = 4242
STAFF_ID = 7001
QUALITY_ID, QUALITY_OTHER_ID, LOGISTICS_ID, SUPERVISOR_ID = 7002, 7003, 7004, 7005
DESK_CHAT, QUALITY_CHAT, SUPERVISORS_CHAT = -100901, -100902, -100903


class RecordingSession(BaseSession):
    """Answers every call as Telegram would, and keeps the calls for assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self._ids = itertools.count(1000)
        self.members: set[tuple[int, int]] = set()  # (chat id, user id) of group members
        self.messages: list[Message] = []  # the messages "sent", as the bot got them back
        self.prompts: list[Message] = []  # those that asked for a reply (ForceReply)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
                           ) -> Any:
        self.requests.append(method)
        returning = method.__returning__
        if returning is Message:
            chat_id = getattr(method, "chat_id", 0) or 0
            markup = getattr(method, "reply_markup", None)
            message = Message(message_id=next(self._ids), date=datetime.now(UTC),
                              from_user=User(id=BOT_ID, is_bot=True, first_name="Desk"),
                              chat=Chat(id=chat_id,
                                        type="private" if chat_id > 0 else "supergroup"),
                              text=getattr(method, "text", None),
                              reply_markup=markup if isinstance(markup, InlineKeyboardMarkup)
                              else None)
            self.messages.append(message)
            if isinstance(markup, ForceReply):
                self.prompts.append(message)
            return message
        if returning is User:
            return User(id=BOT_ID, is_bot=True, first_name="Desk", username="desk_bot")
        if isinstance(method, GetChatMember):
            user = User(id=method.user_id, is_bot=False, first_name="U")
            if (method.chat_id, method.user_id) in self.members:
                return ChatMemberMember(user=user)
            return ChatMemberLeft(user=user)
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        pass

    def sent_texts(self) -> list[str]:
        """Texts of messages sent to chats (not the toasts of answered buttons)."""
        return [m.text for m in self.requests  # type: ignore[attr-defined]
                if getattr(m, "text", None) and getattr(m, "chat_id", None) is not None]


async def answer_prompt(chat: Chatter, session: RecordingSession, user: User, where: Chat,
                        text: str) -> None:
    """``user`` answers the bot's newest reply prompt in ``where``, as a reply to it."""
    prompt = [m for m in session.prompts if m.chat.id == where.id][-1]
    await chat.say(user, text, chat=where, reply_to_message=prompt)


class Chatter:
    """Builds the Updates a person would cause."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        self._update_ids = itertools.count(1)

    async def say(self, user: User, text: str | None = None, chat: Chat | None = None,
                  **fields: Any) -> None:
        """A message from ``user``: text, or any Message fields (photo, contact, ...)."""
        chat = chat or Chat(id=user.id, type="private", first_name=user.first_name)
        message = Message(message_id=next(self._update_ids), date=datetime.now(UTC),
                          chat=chat, from_user=user, text=text, **fields)
        self.last_message_id = message.message_id
        await self.dispatcher.feed_update(self.bot, Update(update_id=next(self._update_ids),
                                                           message=message))

    async def edit(self, user: User, message_id: int, text: str) -> None:
        """``user`` edits their message ``message_id`` in the private chat."""
        chat = Chat(id=user.id, type="private", first_name=user.first_name)
        message = Message(message_id=message_id, date=datetime.now(UTC), chat=chat,
                          from_user=user, text=text, edit_date=int(datetime.now(UTC).timestamp()))
        await self.dispatcher.feed_update(self.bot, Update(update_id=next(self._update_ids),
                                                           edited_message=message))

    async def press_button(self, user: User, session: RecordingSession, label: str) -> None:
        """Press the inline button labelled ``label`` on the newest message that has it."""
        for request in reversed(session.requests):
            markup = getattr(request, "reply_markup", None)
            for row in getattr(markup, "inline_keyboard", None) or []:
                for button in row:
                    if button.text == label:
                        await self.press(user, button.callback_data)
                        return
        raise AssertionError(f"no button {label!r} was sent")

    async def press(self, user: User, data: str, message: Message | None = None) -> None:
        message = message or Message(message_id=1, date=datetime.now(UTC),
                                     chat=Chat(id=user.id, type="private"), text="…")
        query = CallbackQuery(id=str(next(self._update_ids)), from_user=user,
                              chat_instance="ci", data=data, message=message)
        await self.dispatcher.feed_update(self.bot, Update(update_id=next(self._update_ids),
                                                           callback_query=query))


def person(user_id: int, language: str | None = None, name: str = "Li") -> User:
    return User(id=user_id, is_bot=False, first_name=name, language_code=language)


@pytest.fixture
async def bot_db(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await upgrade(url)
    db = Database(url)
    yield db
    await db.dispose()


def preset_organisation(preset: str, staff: list[dict[str, Any]], groups: dict[int, str]
                        ) -> Organisation:
    """An organisation on one of ``presets/`` with these staff and groups (chat id ->
    binding), every group in English: the tests of a document's own rules."""
    return organisation_from_mapping({
        "name": f"Test {preset}", "default_language": "en", "preset": preset, "staff": staff,
        "groups": [{"chat_id": chat_id, "binding": binding, "language": "en"}
                   for chat_id, binding in groups.items()]}, "<test>")


def member(telegram_id: int, name: str, role: str, level: str,
           department: str | None = None) -> dict[str, Any]:
    found = {"telegram_id": telegram_id, "name": name, "role": role, "level": level}
    return {**found, "department": department} if department else found


@pytest.fixture
def organisation() -> Organisation:
    return organisation_from_mapping({
        "name": "Test Dairy", "default_language": "zh_Hans", "policy": POLICY,
        "admins": [STAFF_ID],
        "staff": [{"telegram_id": STAFF_ID, "name": "Wang", "role": "specialist",
                   "level": "specialist"},
                  {"telegram_id": QUALITY_ID, "name": "Zhang", "role": "department",
                   "department": "quality", "level": "specialist"},
                  {"telegram_id": QUALITY_OTHER_ID, "name": "Zhao", "role": "department",
                   "department": "quality", "level": "specialist"},
                  {"telegram_id": LOGISTICS_ID, "name": "Sun", "role": "department",
                   "department": "logistics", "level": "specialist"},
                  {"telegram_id": SUPERVISOR_ID, "name": "Chen", "role": "supervisor",
                   "level": "vice_president"}],
        "groups": [{"chat_id": DESK_CHAT, "binding": "desk", "language": "en"},
                   {"chat_id": QUALITY_CHAT, "binding": "department:quality",
                    "language": "en"},
                   {"chat_id": SUPERVISORS_CHAT, "binding": "supervisors", "language": "en"}],
    }, "<test>")


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def bot(session: RecordingSession) -> Bot:
    return Bot("4242:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))


@pytest.fixture
def dispatcher(bot_db: Database, organisation: Organisation) -> Dispatcher:
    clock = ManualClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    return build_dispatcher(db=bot_db, rules=Rules.build(organisation.policy, clock),
                            organisation=organisation, storage=SqlStorage(bot_db),
                            i18n=make_i18n(organisation.default_language))


@pytest.fixture
def chat(dispatcher: Dispatcher, bot: Bot) -> Chatter:
    return Chatter(dispatcher, bot)
