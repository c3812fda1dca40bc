"""The web chat's server side, without a browser: what the page is told, what it can do,
and the clock control. Runs everywhere (no Chromium needed)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from core.calendar import BusinessCalendar
from core.clock import OffsetClock
from core.organisation import load_organisation
from sandbox.emulator.media import tiny_png
from sandbox.emulator.server import start_emulator
from sandbox.web import setup
from sandbox.web.clock import ClockControl, ClockError
from sandbox.web.views import Tracker
from sandbox.world import TOKEN, populate

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")
LI_LEI = 1001


def control(start: datetime) -> ClockControl:
    policy = load_organisation(ROOT / "sandbox" / "demo_organisation.toml").policy
    return ClockControl(OffsetClock(start), BusinessCalendar.from_spec(policy.calendar))


@pytest.fixture
async def emulator() -> Any:
    clock = control(datetime(2026, 11, 6, 10, 0, tzinfo=SHANGHAI))  # a Friday
    emulator = await start_emulator(token=TOKEN, extend=lambda app: setup(app, clock))
    populate(emulator.state)
    bot = emulator.bot()
    try:
        yield emulator, bot
    finally:
        await bot.session.close()
        await emulator.close()


async def test_the_page_hears_of_new_and_edited_messages_and_of_typing(emulator: Any) -> None:
    emu, bot = emulator
    tracker = Tracker(emu.state, lambda: None)
    emu.state.send_text(LI_LEI, "/start")
    first = tracker.collect()
    assert first and [m["text"] for m in first["messages"]] == ["/start"]
    assert {c["title"] for c in first["chats"]} >= {"Li Lei", "Supervisors"}
    assert tracker.collect() is None  # nothing new: nothing sent

    sent = await bot.send_message(LI_LEI, "您好 <b>李雷</b> &lt;3", parse_mode="HTML")
    (message,) = tracker.collect()["messages"]
    assert message["text"] == "您好 李雷 <3" and message["entities"][0]["type"] == "bold"
    assert message["from"]["is_bot"] and not message["edited"]

    await bot.edit_message_text("改过了", chat_id=LI_LEI, message_id=sent.message_id)
    (edited,) = tracker.collect()["messages"]
    assert edited["message_id"] == sent.message_id and edited["edited"]

    await bot.send_chat_action(LI_LEI, "typing")
    assert tracker.collect()["typing"] == [{"chat_id": LI_LEI, "thread_id": None,
                                            "action": "typing"}]


async def test_a_person_writes_sends_a_photo_and_the_page_streams_it(emulator: Any) -> None:
    emu, _bot = emulator
    base = emu.base_url
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/chat/api/act", json={
                "action": "text", "user_id": LI_LEI, "chat_id": LI_LEI, "text": "牛奶是酸的"}) as r:
            assert (await r.json())["ok"]
        form = aiohttp.FormData()
        form.add_field("user_id", str(LI_LEI))
        form.add_field("chat_id", str(LI_LEI))
        form.add_field("caption", "瓶盖")
        form.add_field("file", tiny_png(8, 8), filename="cap.png", content_type="image/png")
        async with http.post(f"{base}/chat/api/upload", data=form) as r:
            assert (await r.json())["ok"]
        async with http.post(f"{base}/chat/api/act", json={
                "action": "text", "user_id": 301, "chat_id": LI_LEI, "text": "x"}) as r:
            assert r.status == 400  # only Li Lei writes in Li Lei's chat with the bot
        async with http.get(f"{base}/chat/api/events") as r:
            line = b""
            while not line.startswith(b"data: "):
                line = await r.content.readline()
            batch = json.loads(line[6:])
        photo = next(m for m in batch["messages"] if m["media"])
        assert photo["text"] == "瓶盖" and photo["media"]["kind"] == "photo"
        async with http.get(base + photo["media"]["url"]) as r:
            assert await r.read() == tiny_png(8, 8)
        async with http.get(f"{base}/chat/") as r:
            assert "Complaint Desk" in await r.text()


async def test_the_clock_moves_forward_by_working_days_and_never_back(emulator: Any) -> None:
    emu, _bot = emulator
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emu.base_url}/chat/api/clock", json={"step": "workday"}) as r:
            moved = datetime.fromisoformat((await r.json())["now"])
        assert moved.astimezone(SHANGHAI).strftime("%a %H:%M") == "Mon 10:00"  # weekend skipped
        async with http.post(f"{emu.base_url}/chat/api/clock",
                             json={"to": "2026-11-01T09:00"}) as r:
            assert r.status == 400 and "only moves forward" in (await r.json())["error"]


def test_a_working_day_from_the_evening_opens_the_next_morning() -> None:
    clock = control(datetime(2026, 11, 2, 7, 30, tzinfo=SHANGHAI))  # Monday, before opening
    target = clock.move("workday")
    assert target.astimezone(SHANGHAI).strftime("%a %H:%M") == "Tue 09:00"
    assert clock.move(to="2026-11-20T15:00").astimezone(SHANGHAI).day == 20
    assert clock.clock.now() - datetime(2026, 11, 20, 15, tzinfo=SHANGHAI) < timedelta(minutes=1)
    with pytest.raises(ClockError):
        clock.move("fortnight")


async def test_the_page_declares_an_icon_that_is_served(emulator: Any) -> None:
    emu, _bot = emulator
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.base_url}/chat/") as resp:
            html = await resp.text()
        href = html.split('rel="icon" href="', 1)[1].split('"', 1)[0]
        async with http.get(f"{emu.base_url}{href}") as resp:
            assert resp.status == 200
            assert resp.content_type == "image/svg+xml"
