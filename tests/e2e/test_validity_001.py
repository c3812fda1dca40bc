"""001's validity rules through the real process (issue 19.3; 范文5 §4.1–4.3): the intake asks
when the goods were delivered and for evidence; a complaint past "货到30天内" is flagged on
the desk's card with the days late, and the desk's one-tap finding reaches the customer in
their own language, worded as the rule. The organisation file is the demo's groups on the
001 preset."""

from __future__ import annotations

from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import step
from tests.e2e.test_staff_cards import DESK_CHAT, is_card

ANN, WANG = 1003, 201
ORGANISATION = """
name = "Carton Works"
preset = "001_validity"
default_language = "zh_Hans"

[[staff]]
telegram_id = 201
name = "Wang Fang"
role = "specialist"
level = "sales_rep"

[[groups]]
chat_id = -1000000000101
binding = "desk"
"""


async def test_a_complaint_past_the_delivery_window_is_flagged_and_found_invalid(
    desk: Desk
) -> None:
    await desk.start_organisation(ORGANISATION)
    await play(desk.state, [
        step("ann", say="The cartons we received are delaminating."),
        step("ann", press="✅ That's everything"),
        step("ann", press="Product quality"),
        step("ann", say="Carton 40x30, order 7781"),
        step("ann", press="Skip"),
        step("ann", press="Yesterday"),
        # Tuesday 3 November: delivered on 1 October, so the 30 days ended on 31 October.
        step("ann", say="1 October"),
        step("ann", press="Compensation"),
        step("ann", press="I'll send them later"),
        step("ann", press="📱 Share my phone number"),
        step("ann", press="✅ Yes, that's right"),
    ])
    await desk.wait_for(ANN, lambda m: "registered as case" in m.get("text", ""))
    card = await desk.wait_for(DESK_CHAT, is_card)
    assert "⚠️ 投诉时已超过货到 30 天的投诉时限 3 天。" in card["text"]
    assert "📎 尚无证据；按规定须在 " in card["text"]  # promised later: the rule's date

    await desk.press_in(DESK_CHAT, WANG, "✖️ 无效：超出投诉时限")
    finding = await desk.wait_for(ANN, lambda m: "within 30 days of delivery" in m.get("text", ""))
    assert "yours reached us 3 days after that period" in finding["text"]
    await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and "核实后无效结案" in m["text"])
