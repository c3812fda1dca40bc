"""The fair baseline: the least a bot that loses nothing must do — record each update in
the database, commit, then reply. aiogram and SQLAlchemy on the same database as the desk
(the same engine settings: on SQLite WAL and ``synchronous=NORMAL``), served the same way
(aiohttp webhook server, handled before acknowledging).

    WEBHOOK_PORT=8080 BOT_TOKEN=... TELEGRAM_API_URL=... DATABASE_URL=... \\
        python bench/durable_echo_bot.py
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot, Dispatcher
from aiogram.types import Message
from sqlalchemy import BigInteger, Column, DateTime, MetaData, Table, Text

from bench.echo_bot import run, serve, session
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

    try:
        await serve(dispatcher, bot)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    run(main)
