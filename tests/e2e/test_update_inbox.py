"""An update cut off by a crash is handled when the bot starts again, once.

aiogram confirms an update to Telegram as soon as it starts handling it; a kill before
the handler was done used to lose it for good: the customer's words were never answered
and the conversation met them as if they had not been said.
"""

from __future__ import annotations

import asyncio
import signal

from sandbox.script import play
from tests.e2e.conftest import REPLY_TIMEOUT, Desk
from tests.e2e.test_customer_intake import step

LI_LEI = 1001
STORY = "上周六买的鲜牛奶，打开就是酸的。"
LISTENING = "说完后请点“说完了”"  # the end of the answer to a customer's first words


async def _until(condition: object, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, what
        await asyncio.sleep(0.05)


async def test_an_update_cut_off_by_a_kill_is_answered_after_the_restart_once(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await desk.say(LI_LEI, "/start")
    # The network swallows the bot's next message: the handler is stuck mid-update...
    desk.state.hold_after("sendMessage")
    update = desk.state.send_text(LI_LEI, STORY)
    await _until(lambda: desk.state.limits.held > 0, "the bot never answered the story")
    # ...and Telegram has been told it arrived (the bot's next poll confirmed it).
    await _until(lambda: update["update_id"] not in
                 [u["update_id"] for u in desk.state.pending_updates()],
                 "the bot never confirmed the update")
    assert await desk.stop_bot(signal.SIGKILL) == -signal.SIGKILL
    desk.state.release_held()
    assert not [m for m in desk.state.bot_messages(LI_LEI) if LISTENING in m.get("text", "")]

    desk.start_bot()
    await desk.wait_until_started()
    await desk.wait_for(LI_LEI, lambda m: LISTENING in m.get("text", ""))
    # Heard once, and the conversation goes on from there.
    texts = [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]
    assert len([t for t in texts if LISTENING in t]) == 1, texts
    await play(desk.state, [step("li_lei", press="✅ 说完了")])
    texts = [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]
    assert texts[-2:] == ["谢谢，我都记下了。接下来问您几个简单的问题。", "这是关于哪方面的问题？"]
