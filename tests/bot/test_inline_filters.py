"""The routers' plain filters run on the event loop, not through a thread each."""

from __future__ import annotations

import threading

from aiogram import Bot, Dispatcher, F, Router
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
