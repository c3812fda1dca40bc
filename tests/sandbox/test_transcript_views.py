"""The transcript a person reads over the control API (UTF-8 JSON, or plain text), and the
commands the sandbox's welcome text suggests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.emulator import Emulator, start_emulator
from sandbox.emulator.control import DISPLAY_TZ_KEY
from sandbox.run import LAUNCHER, SCRIPT, command_hint

from .conftest import TOKEN, close_quickly

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENT = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)  # what the messages' dates say
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def shanghai() -> AsyncIterator[Emulator]:
    """An emulator whose messages are dated MOMENT and whose text transcripts read as
    wall time in Shanghai (the sandbox sets its organisation's zone the same way)."""
    emu = await start_emulator(token=TOKEN, wallclock=MOMENT.timestamp,
                               extend=lambda app: app.__setitem__(DISPLAY_TZ_KEY, SHANGHAI))
    try:
        yield emu
    finally:
        await emu.close()


async def _conversation(emu: Emulator) -> int:
    person = emu.state.create_user("李", last_name="雷", language_code="zh-hans", started=True)
    emu.state.send_text(person["id"], "牛奶是酸的")
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    try:
        bot = Bot(TOKEN, session=session)
        await bot.send_message(person["id"], "您好\n请说明情况", reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="✅ 说完了", callback_data="done")]]))
    finally:
        await close_quickly(session)
    return person["id"]


async def test_the_json_transcript_is_utf8_with_chinese_as_is(shanghai):
    chat_id = await _conversation(shanghai)
    async with aiohttp.ClientSession() as http, http.get(
            f"{shanghai.base_url}/_emulator/transcript", params={"chat_id": chat_id}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        raw = await resp.read()
    assert "牛奶是酸的".encode() in raw
    assert b"\\u" not in raw
    assert (await resp.json())["result"][1]["text"] == "您好\n请说明情况"


async def test_the_text_transcript_is_one_line_a_message_who_when_what_and_buttons(shanghai):
    chat_id = await _conversation(shanghai)
    async with aiohttp.ClientSession() as http, http.get(
            f"{shanghai.base_url}/_emulator/transcript",
            params={"chat_id": chat_id, "format": "text"}) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
        text = await resp.text()
    assert text.splitlines() == [
        "2026-11-02 10:00  李 雷: 牛奶是酸的",
        "2026-11-02 10:00  Complaint Desk (bot): 您好 ⏎ 请说明情况  [✅ 说完了]",
    ]


async def test_a_text_transcript_of_an_unknown_chat_says_so(shanghai):
    async with aiohttp.ClientSession() as http, http.get(
            f"{shanghai.base_url}/_emulator/transcript",
            params={"chat_id": 424242, "format": "text"}) as resp:
        assert resp.status == 400
        assert (await resp.text()).startswith("error: ")


def test_the_welcome_suggests_desk_when_started_through_desk(monkeypatch):
    monkeypatch.setenv(LAUNCHER, "./desk")
    assert (command_hint("sandbox", "--script", SCRIPT, cwd=ROOT)
            == "./desk sandbox --script sandbox/scripts/intake_zh.toml")


def test_the_welcome_suggests_complaint_desk_when_installed(monkeypatch, tmp_path):
    monkeypatch.delenv(LAUNCHER, raising=False)
    assert (command_hint("sandbox", "--script", SCRIPT, cwd=ROOT)
            == "complaint-desk sandbox --script sandbox/scripts/intake_zh.toml")
    # Started elsewhere: a path that works from there.
    assert command_hint("sandbox", "--script", SCRIPT, cwd=tmp_path) == (
        f"complaint-desk sandbox --script {SCRIPT}")
