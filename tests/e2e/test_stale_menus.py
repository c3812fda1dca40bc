"""Menus and prompts name their case and die with it (issue 17, point 5): a menu made for
the case as it was is refused at the first press once the case has moved on, and edited
to say so; a typed answer to a prompt whose case changed meanwhile is refused, and the
customer hears nothing of it; a colleague who does not own the case is refused at the
press, before any menu opens."""

from __future__ import annotations

import re
from typing import Any

from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, QUALITY_CHAT, is_card
from tests.e2e.test_supervisor_desk import reply_privately

ANN, WANG, ZHANG, ZHAO, CHEN = 1003, 201, 301, 302, 401
MISTAKE = "这是一条误操作的测试说明。"


def buttons(message: dict[str, Any]) -> list[str]:
    return [b.get("text", "") for row in (message.get("reply_markup") or {})
            .get("inline_keyboard", []) for b in row]


def kind_menus(desk: Desk) -> list[dict[str, Any]]:
    """The "what kind of solution?" menus in the department's group, oldest first."""
    return [m for m in desk.state.bot_messages(QUALITY_CHAT)
            if m.get("text", "").startswith("哪一类解决方案？")]


def prompts(desk: Desk) -> list[dict[str, Any]]:
    return [m for m in desk.state.bot_messages(QUALITY_CHAT)
            if m.get("text", "").startswith("请写下给客户的解决方案")]


async def accepted_by_zhang(desk: Desk) -> str:
    """Ann's complaint, valid, taken by Zhang; its number."""
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    card = await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m)
                               and "负责人：Zhang Wei" in m["text"])
    return re.search(r"\d{4}-\d{4,}", card["text"]).group(0)  # type: ignore[union-attr]


async def test_a_stale_menu_is_refused_at_the_press_and_marked_spent(desk: Desk) -> None:
    number = await accepted_by_zhang(desk)

    # Zhao is in the department but does not own the case: refused at the press, before
    # any menu or prompt.
    refusal = await desk.press_in(QUALITY_CHAT, ZHAO, "💡 提出方案")
    assert refusal["text"] == "只有接手这个投诉单的同事才能进行这项操作。"
    assert kind_menus(desk) == []  # (the press is answered after anything it sends)

    # Zhang opens the menu twice; the first is forgotten, the second used.
    await desk.press_in(QUALITY_CHAT, ZHANG, "💡 提出方案")
    await desk.wait_for(QUALITY_CHAT, lambda m: len(kind_menus(desk)) == 1)
    stale = kind_menus(desk)[0]
    assert f"投诉单 {number}" in stale["text"]  # the menu names its case
    await desk.press_in(QUALITY_CHAT, ZHANG, "💡 提出方案")
    await desk.wait_for(QUALITY_CHAT, lambda m: len(kind_menus(desk)) == 2)
    await desk.press_in(QUALITY_CHAT, ZHANG, "解释说明")
    prompt = await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "").startswith(
        "请写下给客户的解决方案"))
    assert f"投诉单 {number}" in prompt["text"]  # and so does the prompt
    await desk.reply_in(QUALITY_CHAT, ZHANG, "请写下给客户的解决方案",
                        "The mould came from a broken seal; we are sorry.")
    await desk.wait_for(ANN, lambda m: "broken seal" in m.get("text", ""))
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "状态：等待客户确认方案"
                        in m["text"])

    # The first menu, pressed now: refused with an alert, edited to say it is spent, and
    # no prompt opens, so nothing can reach Ann from it.
    press = desk.state.press_button(ZHANG, stale["message_id"], text="解释说明",
                                    chat_id=QUALITY_CHAT)
    answer = await desk.answer_to(press["callback_query"]["id"])
    assert answer["text"].startswith(f"投诉单 {number} 在此之后已有变化，因此未做任何操作")
    assert answer.get("show_alert")
    spent = await desk.wait_for(QUALITY_CHAT, lambda m: m["message_id"] == stale[
        "message_id"] and "已失效" in m.get("text", ""))
    assert f"⌛ 已失效：此菜单生成后，投诉单 {number} 已有变化。" in spent["text"]
    assert buttons(spent) == []
    assert len(prompts(desk)) == 1  # no new prompt: only the one answered before
    proposals = [m for m in desk.state.bot_messages(ANN) if "broken seal" in m.get("text", "")]
    assert len(proposals) == 1


async def test_a_typed_proposal_after_the_case_moved_on_is_refused(desk: Desk) -> None:
    number = await accepted_by_zhang(desk)
    await desk.press_in(QUALITY_CHAT, ZHANG, "💡 提出方案")
    await desk.press_in(QUALITY_CHAT, ZHANG, "解释说明")
    prompt = await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "").startswith(
        "请写下给客户的解决方案"))
    assert f"投诉单 {number}" in prompt["text"]

    # While the prompt waits, the supervisor leaves an instruction: the case has moved on.
    await desk.say(CHEN, f"/case {number}", count=2)
    await desk.press(CHEN, "📝 下达指示")
    instruction = await desk.wait_for(CHEN, lambda m: "回复本条消息" in m.get("text", ""))
    assert f"投诉单 {number}" in instruction["text"]  # the supervisor's prompt names it too
    assert (await reply_privately(desk, CHEN, "Call her before proposing anything.",
                                  count=2))[0] == "已完成。"
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "Call her before" in m["text"])

    # Zhang's answer to the old prompt: refused, not applied; Ann hears nothing.
    await desk.reply_in(QUALITY_CHAT, ZHANG, "请写下给客户的解决方案", MISTAKE)
    await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "").startswith(
        f"投诉单 {number} 在此之后已有变化，因此未做任何操作"))
    card = await desk.wait_for(QUALITY_CHAT, is_card)
    assert "状态：责任部门处理中" in card["text"] and MISTAKE not in card["text"]
    assert not any(MISTAKE in m.get("text", "") for m in desk.state.bot_messages(ANN))
