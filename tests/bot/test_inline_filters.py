"""The routers' plain filters run on the event loop, not through a thread each."""

from __future__ import annotations

import threading
from typing import Any

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


async def test_a_handlers_filters_run_in_order_each_seeing_what_the_earlier_ones_found(
        bot: Bot) -> None:
    calls: list[str] = []
    said: list[str] = []

    def first_word(message: Message) -> dict[str, Any] | bool:
        calls.append("first")
        return {"word": message.text.split()[0]} if message.text else False

    async def about_the_lid(message: Message, word: str) -> bool:
        calls.append(f"second {word}")
        return word == "lid"

    router = Router()

    @router.message(first_word, about_the_lid)
    async def lid(message: Message, word: str) -> None:
        said.append(f"lid {word}")

    @router.message()
    async def anything(message: Message) -> None:
        said.append("anything")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    run_filters_inline(dispatcher)
    chatter = Chatter(dispatcher, bot)
    for text in ("lid broken", "box crushed"):
        await chatter.say(person(13), text)
    await chatter.say(person(13), None, sticker=None)  # no words: the first refuses
    assert said == ["lid lid", "anything", "anything"]
    assert calls == ["first", "second lid", "first", "second box", "first"]
