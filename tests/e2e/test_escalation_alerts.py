"""Escalation reaches the people it names (issue 17, point 9): a missed deadline that moves
a case up to the department manager is told to her privately — which deadline, when it
was due, how late in working time — and the supervisors' alert and her group's card name
the level (and her).

Time moves as it would for the running bot: it is stopped, the shared clock is set past
the deadline, and it starts again there; its own deadline sweep does the rest."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from core.clock import ManualClock
from core.db.uow import Database
from core.organisation import load_organisation
from core.policy import Deadline
from core.services.rules import Rules
from sandbox.script import play
from tests.e2e.conftest import ROOT, Desk
from tests.e2e.test_staff_cards import (
    ANN_FILES,
    DESK_CHAT,
    QUALITY_CHAT,
    SUPERVISORS_CHAT,
    is_card,
)

WANG, ZHANG, ZHAO = 201, 301, 302  # Zhao Min: the quality department's manager


@pytest.mark.parametrize("private", [True, False], ids=["privately", "in-her-group"])
async def test_a_breach_escalation_alerts_the_department_manager(desk: Desk,
                                                                 private: bool) -> None:
    """Privately once she has a chat with the bot; else by name in her department's group
    (Telegram lets no bot write first to a person)."""
    desk.start_bot()
    await desk.wait_until_started()
    for person in (ZHAO, ZHANG) if private else (ZHANG,):
        await desk.say(person, "/start")
    await play(desk.state, ANN_FILES)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    card = await desk.wait_for(QUALITY_CHAT, is_card)
    number = re.search(r"\d{4}-\d{4,}", card["text"]).group(0)  # type: ignore[union-attr]

    # The department's solution is due Friday 17:00 (three working days from Tuesday).
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    rules = Rules.build(organisation.policy, ManualClock(desk.clock.now()))
    db = Database(desk.database_url)
    try:
        async with db.uow(read_only=True) as uow:
            case = await uow.cases.get(1, lock=False)
    finally:
        await db.dispose()
    assert str(case.number) == number
    due = case.deadlines[Deadline.DEPARTMENT_SOLUTION]
    assert due == datetime.fromisoformat("2026-11-06T17:00:00+08:00")

    # Nine working hours later is Tuesday 10:00: by the wall clock, 3 days 17 hours.
    later = rules.calendar.add_working(due, hours=9)
    assert later == datetime.fromisoformat("2026-11-10T10:00:00+08:00")
    await desk.stop_bot()
    desk.clock.set(later)
    desk.start_bot()
    await desk.wait_until_started()

    if private:
        alert = await desk.wait_for(ZHAO, lambda m: m.get("text", "").startswith("⬆️"))
        text = alert["text"]
    else:
        alert = await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "").startswith(
            "Zhao Min\n⬆️"))
        mention = alert["entities"][0]
        assert mention["type"] == "text_mention" and mention["user"]["id"] == ZHAO
        text = alert["text"].removeprefix("Zhao Min\n")
    assert text.startswith(f"⬆️ 投诉单 {number} 已升级到您所在的层级：部门经理。")
    assert ("错过的期限：部门提出方案，应于 11月6日周五 17:00 完成；"
            "已超时 9 小时（工作时间）。") in text
    assert "天" not in text  # working time, not days on the wall clock
    assert "责任部门：品管部" in text

    breach = await desk.wait_for(SUPERVISORS_CHAT, lambda m: m.get("text", "").startswith(
        "🔴") and number in m["text"])
    assert "已升级至：部门经理（Zhao Min）" in breach["text"]
    assert breach["text"].startswith(f"🔴 投诉单 {number}：部门提出方案已超时 9 小时（工作时间）。\n"
                                     "应于 11月6日周五 17:00 完成。")
    assert "天" not in breach["text"]
    note = await desk.wait_for(QUALITY_CHAT, lambda m: "升级了投诉" in m.get("text", ""))
    assert "系统 升级了投诉 → 部门经理" in note["text"]

    # Only the new level is told privately: not Zhang, who is a specialist.
    assert not any(m.get("text", "").startswith("⬆️") for m in desk.state.bot_messages(ZHANG))
