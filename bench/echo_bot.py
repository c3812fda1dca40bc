"""The baseline: a bare aiogram bot that echoes each text, served the same way as the desk
(aiohttp webhook server, handled before acknowledging, same emulator), nothing else.

    WEBHOOK_PORT=8080 BOT_TOKEN=... TELEGRAM_API_URL=... python bench/echo_bot.py
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web


def session() -> AiohttpSession:
    """As the desk's (``bot.runtime.app.build_bot``), without importing the desk's modules."""
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"])
    try:
        import orjson
    except ImportError:
        return AiohttpSession(api=api)
    return AiohttpSession(api=api, json_loads=orjson.loads,
                          json_dumps=lambda value: orjson.dumps(value).decode())


async def main() -> None:
    bot = Bot(os.environ["BOT_TOKEN"], session=session())
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    await serve(dispatcher, bot)


async def serve(dispatcher: Dispatcher, bot: Bot) -> None:
    """Until stopped: the webhook on WEBHOOK_PORT, each update handled before it is
    acknowledged, as the desk does."""
    app = web.Application()
    app.router.add_post("/hook", SimpleRequestHandler(
        dispatcher, bot, handle_in_background=False,
        secret_token=os.environ.get("WEBHOOK_SECRET")).handle)
    app.router.add_get("/readyz", lambda _: web.Response(text="ready"))  # type: ignore[arg-type, return-value]
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["WEBHOOK_PORT"])).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await bot.session.close()


def run(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    try:  # the loop the desk's ``run`` picks (bot.cli.event_loop_runner)
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        try:
            runner.run(main())
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    run(main)
