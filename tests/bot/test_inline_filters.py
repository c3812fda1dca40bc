"""The routers' plain filters run on the event loop, not through a thread each."""

from __future__ import annotations

import threading

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.runtime.inline_filters import run_filters_inline
from tests.bot.conftest import Chatter, person


async def test_every_filter_of_the_desk_runs_in_place(dispatcher: Dispatcher) -> None:
    assert run_filters_inline(dispatcher) == 0  # build_dispatcher already did them all


async def test_plain_filters_see_the_event_on_the_loop_thread(bot: Bot) -> None:
    seen: list[str] = []

    def plain_filter(message: Message) -> bool:
        seen.append(threading.current_thread().name)
        return message.text == "hello"

    router = Router()
    router.message.filter(F.chat.type == "private")

    @router.message(plain_filter, F.text.len() < 10)
    async def greet(message: Message) -> None:
        seen.append("handled")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    assert run_filters_inline(dispatcher) == 3
    await Chatter(dispatcher, bot).say(person(11), "hello")
    assert seen == [threading.current_thread().name, "handled"]


async def test_a_command_filter_refuses_plain_words_without_parsing_them(
        bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    parse = Command.parse_command

    async def counted(self: Command, text: str, bot: Bot) -> CommandObject:
        parsed.append(text)
        return await parse(self, text=text, bot=bot)

    monkeypatch.setattr(Command, "parse_command", counted)
    said: list[str] = []
    router = Router()

    @router.message(Command("status"))
    async def status(message: Message, command: CommandObject) -> None:
        said.append(f"status {command.args}")

    @router.message()
    async def words(message: Message) -> None:
        said.append(f"words {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    assert run_filters_inline(dispatcher) == 1
    chatter = Chatter(dispatcher, bot)
    for text in ("The lid was mouldy.", "  /status 2611-0001", "/status",
                 "/start", "   "):
        await chatter.say(person(12), text)
    assert said == ["words The lid was mouldy.", "status 2611-0001", "status None",
                    "words /start", "words    "]
    assert parsed == ["  /status 2611-0001", "/status", "/start"]
