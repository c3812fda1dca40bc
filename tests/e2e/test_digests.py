"""Issue 17 point 10 through the real bot process: the 17:00 digests tell the truth.

The supervisors' overdue digest once said "没有未结的投诉，辛苦了" ("nothing open") while
a case was open: the words for "nothing open" served two digests. The bot's clock starts a
minute before the digest on a working Tuesday, and a case is open when it fires.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_staff_cards import (
    ANN_FILES,
    DESK_CHAT,
    QUALITY_CHAT,
    SUPERVISORS_CHAT,
    WANG,
    is_card,
)

BEFORE_THE_DIGEST = datetime.fromisoformat("2026-11-03T16:59:00+08:00")  # a Tuesday


async def _digest(desk: Desk, chat_id: int, mark: str) -> dict[str, Any]:
    """The digest in ``chat_id``: it comes at the job runner's next minute, not at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while loop.time() < deadline:
        for message in desk.state.bot_messages(chat_id):
            if mark in message.get("text", "") and not is_card(message):
                return message
        await asyncio.sleep(0.5)
    raise AssertionError(f"no digest in chat {chat_id}")


async def test_the_five_oclock_digests_with_a_case_open_and_none_overdue(desk: Desk) -> None:
    desk.clock.set(BEFORE_THE_DIGEST)
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.wait_for(DESK_CHAT, is_card)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.wait_for(QUALITY_CHAT, is_card)

    overdue = (await _digest(desk, SUPERVISORS_CHAT, "超时投诉"))["text"]
    assert "超时投诉：0 件" in overdue
    assert "没有超时或已升级的投诉" in overdue
    assert "没有未结的投诉" not in overdue  # a case is open: "nothing open" would be a lie
    department = (await _digest(desk, QUALITY_CHAT, "2611-0001"))["text"]
    assert "周" in department  # the due moment names its weekday
