"""003's classes through the real process (issue 19.7): a letter with a compensation claim,
registered at the desk, is a class-1 complaint (一类E "附带明确索偿要求的投诉函件") and the
division head hears it at once; a call the desk judges a large loss (一类D "较大经济损失") is
marked class 1 for that reason from its card. The organisation file is the demo's people
and groups on the 003 preset."""

from __future__ import annotations

from tests.e2e.conftest import Desk
from tests.e2e.test_staff_cards import DESK_CHAT, SUPERVISORS_CHAT, is_card

WANG, CHEN = 201, 401
ORGANISATION = """
name = "Garden Court Property"
preset = "003_property"
default_language = "zh_Hans"

[[staff]]
telegram_id = 201
name = "Wang Fang"
role = "specialist"
level = "service_staff"

[[staff]]
telegram_id = 401
name = "Chen Jing"
role = "supervisor"
level = "division_head"

[[groups]]
chat_id = -1000000000101
binding = "desk"

[[groups]]
chat_id = -1000000000201
binding = "department:engineering"

[[groups]]
chat_id = -1000000000301
binding = "supervisors"
"""


def starts(prefix: str):
    return lambda m: m.get("text", "").startswith(prefix)


async def register(desk: Desk, caller: str, channel: str, demand: str) -> str:
    """/register at the desk; returns the case number."""
    before = desk.last_id(DESK_CHAT)
    desk.state.send_text(WANG, "/register", chat_id=DESK_CHAT)
    await desk.wait_for(DESK_CHAT, lambda m: m["message_id"] > before
                        and starts("电话或来访投诉")(m))
    await desk.press_in(DESK_CHAT, WANG, "维修服务")
    await desk.reply_in(DESK_CHAT, WANG, "第一行写来电人的姓名和电话",
                        f"{caller} 13900139000\n楼上漏水，泡坏了我家的实木地板和衣柜。")
    # Each question of this registration, not the last one's (its buttons may linger).
    await desk.wait_for(DESK_CHAT, lambda m: m["message_id"] > before
                        and starts("投诉是通过什么方式收到的")(m))
    await desk.press_in(DESK_CHAT, WANG, channel)
    await desk.wait_for(DESK_CHAT, lambda m: m["message_id"] > before
                        and starts("来电人希望我们怎样处理")(m))
    await desk.press_in(DESK_CHAT, WANG, demand)
    said = await desk.wait_for(DESK_CHAT, lambda m: m["message_id"] > before
                               and m.get("text", "").startswith("已登记"))
    return said["text"].removeprefix("已登记，投诉编号 ").rstrip("。")


async def test_a_claim_letter_and_a_large_loss_are_class_1(desk: Desk) -> None:
    await desk.start_organisation(ORGANISATION)
    await desk.say(CHEN, "/start")

    letter = await register(desk, "刘洋", "✉️ 信函", "赔偿")
    group = await desk.wait_for(SUPERVISORS_CHAT, starts(f"🚨 投诉 {letter}（一类投诉）"))
    assert "附带索偿要求的投诉函件" in group["text"] and "书面投诉" in group["text"]
    await desk.wait_for(CHEN, starts(f"🚨 投诉 {letter}（一类投诉）"))
    card = await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and "刘洋" in m["text"])
    assert "一类投诉" in card["text"]

    # A call: nothing in the story makes it class 1 until the desk judges the loss large.
    call = await register(desk, "赵敏", "📞 电话", "赔偿")
    card = await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and "赵敏" in m["text"])
    assert "三类投诉" in card["text"]
    asked_before = desk.last_id(DESK_CHAT)
    await desk.press_in(DESK_CHAT, WANG, "🚨 标记为重大投诉")
    reasons = await desk.wait_for(DESK_CHAT, lambda m: m["message_id"] > asked_before
                                  and m.get("text", "").startswith("为什么是重大投诉"))
    labels = [b["text"] for row in reasons["reply_markup"]["inline_keyboard"] for b in row]
    assert "较大经济损失" in labels and labels[-1] == "其他原因"
    await desk.press_in(DESK_CHAT, WANG, "较大经济损失")
    alert = await desk.wait_for(SUPERVISORS_CHAT, starts(f"🚨 投诉 {call}（一类投诉）"))
    assert "较大经济损失" in alert["text"]
