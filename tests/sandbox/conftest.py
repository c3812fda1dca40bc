"""Fixtures for the Telegram emulator tests: a fresh emulator on a free port per test and an
aiogram Bot wired to it through TelegramAPIServer.from_base (as the real bot process is)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox.emulator import Emulator, FakeClock, start_emulator

TOKEN = "123456789:TEST-token_for-emulator"


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emulator(fake_clock: FakeClock) -> AsyncIterator[Emulator]:
    # poll_repeat_min_timeout=0: tests call getUpdates back to back; the 3 s anti-busy-loop
    # rule of the real server has its own test.
    emu = await start_emulator(token=TOKEN, clock=fake_clock, webhook_retry_base=0.05, poll_repeat_min_timeout=0)
    try:
        yield emu
    finally:
        await emu.close()


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    client = Bot(TOKEN, session=session)
    try:
        yield client
    finally:
        await close_quickly(session)


async def close_quickly(session: AiohttpSession) -> None:
    """AiohttpSession.close() sleeps 250 ms for TLS shutdown; plain HTTP needs none."""
    inner = getattr(session, "_session", None)
    if inner is not None and not inner.closed:
        await inner.close()


@pytest.fixture
def state(emulator: Emulator):
    return emulator.state


@pytest.fixture
def user(state) -> dict:
    """A person who has already pressed Start in the bot's private chat."""
    return state.create_user("Ann", username="ann", started=True)
