"""The bot process against the emulator: greetings, the menu, idle polling, SIGTERM."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import Desk


async def test_start_is_answered_in_each_language(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    # The demo world's Li Lei writes in Simplified, Chan Mei in Traditional, Ann in English.
    assert (await desk.say(1001, "/start"))[0].startswith("Li，您好！这里是Sunrise Dairy的投诉服务台")
    assert (await desk.say(1002, "/start"))[0].startswith("Chan，您好！這裡是Sunrise Dairy的投訴服務台")
    assert (await desk.say(1003, "/start"))[0].startswith("Hello, Ann. This is the complaint desk")


async def test_the_command_menu_is_set_per_language(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    calls = desk.state.requests("setMyCommands")
    languages = {call["params"].get("language_code") for call in calls}
    assert {None, "en", "zh"} <= languages


async def test_idle_polling_holds_each_request_instead_of_hammering(desk: Desk) -> None:
    # A 2-second hold here stands for the default 30 s: each idle poll is held for its
    # whole timeout, so with the default an idle bot asks about twice a minute.
    desk.start_bot(POLLING_TIMEOUT="2")
    await desk.wait_until_started()
    before = len(desk.state.requests("getUpdates"))
    await asyncio.sleep(6.5)
    polls = desk.state.requests("getUpdates")[before:]
    assert 2 <= len(polls) <= 4
    assert all(int(p["params"].get("timeout", 0)) == 2 for p in polls)


async def test_sigterm_stops_the_bot_cleanly(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    assert await desk.stop_bot() == 0
    assert "Traceback" not in desk.log.read_text(encoding="utf-8")
