"""The fair baseline: the least a bot that loses nothing must do — record each update in
the database, commit, then reply. aiogram and SQLAlchemy on the same database as the desk
(the same engine settings: on SQLite WAL and ``synchronous=NORMAL``), served the same way
(aiohttp webhook server, handled before acknowledging).

    WEBHOOK_PORT=8080 BOT_TOKEN=... TELEGRAM_API_URL=... DATABASE_URL=... \\
        python bench/durable_echo_bot.py
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot, Dispatcher
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text

from bench.echo_bot import session
from core.db.engine import make_engine

METADATA = MetaData()
RECEIVED = Table("echo_received", METADATA,
                 Column("message_id", BigInteger, primary_key=True),
                 Column("chat_id", BigInteger, primary_key=True),
                 Column("text", Text), Column("received_at", DateTime(timezone=True)))


async def main() -> None:
    engine = make_engine(os.environ["DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
    bot = Bot(os.environ["BOT_TOKEN"], session=session())
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        async with engine.begin() as connection:  # committed before anything is said
            await connection.execute(RECEIVED.insert().values(
                message_id=message.message_id, chat_id=message.chat.id, text=message.text,
                received_at=datetime.now(UTC)))
        await message.answer(message.text or "?")

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
        await engine.dispose()


if __name__ == "__main__":
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
