"""Nothing is lost while someone cannot be reached: the bot out of a department's group
(the group bound in the organisation file) and a customer who blocked the bot."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from core.db.models import NotificationRow
from core.db.uow import Database
from sandbox.script import play
from tests.e2e.conftest import REPLY_TIMEOUT, Desk
from tests.e2e.test_customer_intake import step
from tests.e2e.test_staff_cards import (
    ANN,
    ANN_FILES,
    DESK_CHAT,
    QUALITY_CHAT,
    SUPERVISORS_CHAT,
    WANG,
    ZHANG,
    is_card,
)


def has_button(label: str) -> Any:
    return lambda m: any(b.get("text") == label for row in (
        m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row)


async def until(check: Any) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while not await check():
        assert loop.time() < deadline, "it never happened"
        await asyncio.sleep(0.1)


async def test_a_card_missed_while_the_bot_was_out_of_the_group_arrives_when_it_is_back(
    desk: Desk
) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    desk.state.remove_bot(QUALITY_CHAT)
    # The quality group is bound in the organisation file: the supervisors hear of it.
    await desk.wait_for(SUPERVISORS_CHAT, lambda m: m.get("text", "") == (
        "我已被移出品管部的群：在我重新加入之前，那里的投诉卡片无法更新。"))

    await play(desk.state, ANN_FILES)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    db = Database(desk.database_url)

    async def card_missed() -> bool:
        async with db.sessions() as session:
            return (await session.execute(select(NotificationRow.id).where(
                NotificationRow.kind == "card", NotificationRow.audience == "department",
                NotificationRow.status == "unreachable"))).first() is not None
    try:
        await until(card_missed)
    finally:
        await db.dispose()
    assert not any(is_card(m) for m in desk.state.bot_messages(QUALITY_CHAT))

    desk.state.add_bot(QUALITY_CHAT, status="administrator")
    await desk.wait_for(SUPERVISORS_CHAT, lambda m: m.get("text", "") == "我已重新加入品管部的群。")
    card = await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and has_button("🙋 接手")(m))
    assert "状态：已转交责任部门，待接单" in card["text"]
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "负责人：Zhang Wei" in m["text"])
    cards = [m for m in desk.state.bot_messages(QUALITY_CHAT) if is_card(m)]
    assert len(cards) == 1  # posted once, then edited in place as ever


async def test_a_question_asked_while_the_customer_blocked_the_bot_is_answered_after(
    desk: Desk
) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "负责人：Zhang Wei" in m["text"])

    desk.state.block_bot(ANN)
    await desk.press_in(QUALITY_CHAT, ZHANG, "❓ 询问客户")
    await desk.reply_in(QUALITY_CHAT, ZHANG, "您想问客户什么", "What is the best-before date?")

    async def refused() -> bool:
        return any(str(r["params"].get("chat_id")) == str(ANN) and r.get("error_code") == 403
                   for r in desk.state.requests("sendMessage"))
    await until(refused)

    desk.state.unblock_bot(ANN)
    listed, asked = await desk.say(ANN, "/status", count=2)
    assert listed.startswith("Your complaints:")
    assert asked.endswith("A colleague handling your complaint asks:\n"
                          "What is the best-before date?")
    await play(desk.state, [step("ann", press="✍️ Answer"), step("ann", say="12 November")])
    await desk.wait_for(ANN, lambda m: m.get("text") == "Thank you, your answer has been passed on.")
    await desk.wait_for(QUALITY_CHAT, lambda m: "12 November" in m.get("text", ""))
