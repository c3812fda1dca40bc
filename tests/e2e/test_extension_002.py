"""002's distinctive rule through the real process (issue 19.6): "特殊情况不能超过7个工作日".
The quality department asks for more time from its card, the supervisor grants it from the
alert in the supervisors' group, and the customer hears the new date in their chat. The
organisation file is the demo's people and groups on the 002 preset."""

from __future__ import annotations

import re

from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import step
from tests.e2e.test_staff_cards import DESK_CHAT, QUALITY_CHAT, SUPERVISORS_CHAT, is_card

ANN, WANG, ZHANG, CHEN = 1003, 201, 301, 401
ORGANISATION = """
name = "Spicy Foods"
preset = "002_food"
default_language = "zh_Hans"

[[staff]]
telegram_id = 201
name = "Wang Fang"
role = "specialist"
level = "specialist"

[[staff]]
telegram_id = 301
name = "Zhang Wei"
role = "department"
department = "tech_quality"
level = "sales_rep"

[[staff]]
telegram_id = 401
name = "Chen Jing"
role = "supervisor"
level = "company_head"

[[groups]]
chat_id = -1000000000101
binding = "desk"

[[groups]]
chat_id = -1000000000201
binding = "department:tech_quality"

[[groups]]
chat_id = -1000000000301
binding = "supervisors"
"""


async def test_more_time_is_asked_granted_and_told_to_the_customer(desk: Desk) -> None:
    await desk.start_organisation(ORGANISATION)
    await play(desk.state, [
        step("ann", say="The chilli oil tastes burnt and bitter."),
        step("ann", press="✅ That's everything"),
        step("ann", press="Product quality"),
        step("ann", say="Chilli oil 500ml, code 20261101"),
        step("ann", press="Skip"),
        step("ann", press="Today"),
        step("ann", press="An exchange"),
        step("ann", press="📱 Share my phone number"),
        step("ann", press="✅ Yes, that's right"),
    ])
    filed = await desk.wait_for(ANN, lambda m: "registered as case" in m.get("text", ""))
    number = re.search(r"\d{4}-\d{4,}", filed["text"]).group(0)  # type: ignore[union-attr]
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 技术品管部")
    await desk.wait_for(QUALITY_CHAT, is_card)
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    await desk.press_in(QUALITY_CHAT, ZHANG, "⏳ 申请延期")
    await desk.reply_in(QUALITY_CHAT, ZHANG, "为什么需要延期", "批次检验还要四天。")

    alert = await desk.wait_for(SUPERVISORS_CHAT, lambda m: m.get("text", "").startswith("⏳"))
    assert alert["text"].startswith(f"⏳ 投诉单 {number}：技术品管部 申请延期。")
    assert "原因：批次检验还要四天。" in alert["text"]
    toast = await desk.press_in(SUPERVISORS_CHAT, CHEN, "⏳ 批准延期")
    assert toast["text"] == "已完成。"
    told = await desk.wait_for(ANN, lambda m: "more time" in m.get("text", ""))
    # Filed Tuesday 3 November: seven working days after it is Thursday 12 November; Ann's
    # number is a London one, so the time names the zone it is in (issue 16.9).
    assert ("We will answer you by Thu, Nov 12, 2026 22:00 (China Time) at the latest."
            in told["text"])
    await desk.wait_for(QUALITY_CHAT, lambda m: "批准了延期" in m.get("text", ""))
