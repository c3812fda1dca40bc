"""A case becoming major reaches leadership at once, and again each time ``alert_within``
passes with nobody taking it up (issue 19.2). The demo organisation runs 000_generic:
"to leadership, within 30 minutes"; its file names nobody above the vice president, so
he is the top rung told privately.

Time moves as it would for the running bot: stopped, the clock set on, started again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from core.db.uow import Database
from core.services import major
from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, SUPERVISORS_CHAT

WANG, CHEN = 201, 401  # the complaint specialist; the vice president, a supervisor


def starts(prefix: str) -> object:
    return lambda m: m.get("text", "").startswith(prefix)


async def later(desk: Desk, minutes: int) -> None:
    await desk.stop_bot()
    desk.clock.set(desk.clock.now() + timedelta(minutes=minutes))
    desk.start_bot()
    await desk.wait_until_started()


async def major_jobs_left(desk: Desk) -> list[str]:
    db = Database(desk.database_url)
    try:
        return [key for kind, key, _due in await db.jobs.pending() if kind == major.KIND]
    finally:
        await db.dispose()


async def test_a_case_marked_major_is_told_until_a_supervisor_takes_it_up(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await desk.say(CHEN, "/start")
    await play(desk.state, ANN_FILES)  # an ordinary complaint, Tuesday 10:00
    await desk.press_in(DESK_CHAT, WANG, "🚨 标记为重大投诉")
    await desk.press_in(DESK_CHAT, WANG, "其他原因")  # none of the policy's own reasons

    group = await desk.wait_for(SUPERVISORS_CHAT, starts("🚨 重大投诉"))
    private = await desk.wait_for(CHEN, starts("🚨 重大投诉"))
    for alert in (group, private):
        assert "由客服部标记为重大投诉。" in alert["text"]  # no story trigger: who marked it
        buttons = [b["text"] for row in alert["reply_markup"]["inline_keyboard"] for b in row]
        assert buttons == ["✋ 我来处理", "🔎 查看投诉"]

    await later(desk, 30)  # half an hour of working time, and nobody has answered
    again = await desk.wait_for(SUPERVISORS_CHAT, starts("⏰"))
    assert again["text"].startswith("⏰ 已有 30 分钟 无人接手。\n🚨 重大投诉")
    await desk.wait_for(CHEN, starts("⏰"))

    answer = await desk.press_in(SUPERVISORS_CHAT, CHEN, "✋ 我来处理")
    assert answer.get("text") == "已完成。"
    # The alert he pressed now shows the case, with nothing left to take up.
    view = await desk.wait_for(SUPERVISORS_CHAT, lambda m: m["message_id"] == again[
        "message_id"] and "✋ 我来处理" not in str(m.get("reply_markup")))
    assert view["text"].startswith("🚨 📋 ")
    await desk.press_in(SUPERVISORS_CHAT, CHEN, "📜 处理记录")
    history = await desk.wait_for(SUPERVISORS_CHAT, starts("📜"))
    assert "Chen Jing" in history["text"] and "接手了重大投诉警报" in history["text"]

    await later(desk, 30)  # the next round finds it taken up: no third alert
    for _ in range(100):  # the bot's job runner takes the due round within seconds
        if not await major_jobs_left(desk):
            break
        await asyncio.sleep(0.1)
    assert await major_jobs_left(desk) == []
    # The group's second alert became the case view when pressed; no third came.
    group_alerts = [m["text"][:2] for m in desk.state.bot_messages(SUPERVISORS_CHAT)
                    if m.get("text", "").startswith(("⏰", "🚨 重大投诉"))]
    assert group_alerts == ["🚨 "]
    assert [m["text"][:2] for m in desk.state.bot_messages(CHEN)
            if m.get("text", "").startswith(("⏰", "🚨"))] == ["🚨 ", "⏰ "]
