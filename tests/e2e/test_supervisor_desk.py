"""The supervisor's desk through the real bot process: an overdue alert leads to a
reassignment; a solution above the department's authority is refused with a comment the
department reads on its card, then approved with a comment and reaches the customer.

No test waits for a deadline: the overdue case is filed through the core services with a
clock set two weeks back, so its deadlines are already past when the bot looks."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import ManualClock
from core.db.uow import Database
from core.domain import Actor, Role
from core.organisation import load_organisation
from core.policy import MajorTrigger
from core.services import deadlines, filing, handling, people
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
from tests.factories import make_intake

ANN, WANG, ZHANG, CHEN = 1003, 201, 301, 401
DESK = Actor(None, Role.SPECIALIST, level="specialist")


def has_button(label: str):  # type: ignore[no-untyped-def]
    return lambda m: any(b.get("text") == label for row in (m.get("reply_markup") or {})
                         .get("inline_keyboard", []) for b in row)


async def test_an_overdue_alert_leads_to_a_reassignment(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    now = desk.clock.now()
    past = Rules.build(organisation.policy, ManualClock(now - timedelta(days=14)))
    db = Database(desk.database_url)
    try:
        ann = await people.customer_for_telegram(db.uow(), past, ANN, "Ann")
        # Major (a safety issue): its alerts go out at once, whatever the hour.
        filed = await filing.file_case(db.uow(), past, make_intake(
            triggers=frozenset({MajorTrigger.SAFETY})), ann, Actor(ann, Role.CUSTOMER))
        await handling.assign(db.uow(), past, filed.case_id, DESK, department="quality")
        swept = await deadlines.sweep(db, Rules.build(organisation.policy, desk.clock),
                                      desk.clock.now())
        assert {a.stage for a in swept.alerts if a.case_id == filed.case_id} == {"breach"}
    finally:
        await db.dispose()
    number = str(filed.number)
    alert = await desk.wait_for(SUPERVISORS_CHAT, lambda m: m.get("text", "").startswith(
        "🔴") and number in m["text"])
    assert "已升级至" in alert["text"] and has_button("🔎 查看投诉")(alert)
    await desk.press_in(SUPERVISORS_CHAT, CHEN, "🔎 查看投诉")
    await desk.wait_for(SUPERVISORS_CHAT, lambda m: is_card(m) and "升级层级" in m["text"])

    desk.state.send_text(CHEN, "/overdue", chat_id=SUPERVISORS_CHAT)
    listing = await desk.wait_for(SUPERVISORS_CHAT, lambda m: "已超期或即将到期" in m.get(
        "text", ""))
    assert number in listing["text"] and "已超期" in listing["text"]
    await desk.press_in(SUPERVISORS_CHAT, CHEN, f"打开 {number}")
    await desk.press_in(SUPERVISORS_CHAT, CHEN, "👤 改派他人")
    toast = await desk.press_in(SUPERVISORS_CHAT, CHEN, "Zhao Min")
    assert toast.get("text") == "已完成。"
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "负责人：Zhao Min" in m["text"])
    await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "").startswith(
        "Chen Jing 将投诉改派给另一位同事"))


async def reply_privately(desk: Desk, user_id: int, text: str, count: int) -> list[str]:
    """Answer the bot's newest prompt in the private chat, as a reply to it."""
    prompt = await desk.wait_for(user_id, lambda m: "回复本条消息" in m.get("text", ""))
    after = desk.last_id(user_id)
    desk.state.send_text(user_id, text, reply_to=prompt["message_id"])
    return [m.get("text", "") for m in await desk.replies(user_id, after, count)]


async def propose_1500(desk: Desk, text: str) -> None:
    after = desk.last_id(QUALITY_CHAT)
    await desk.press_in(QUALITY_CHAT, ZHANG, "💡 提出方案")
    # The menu this press opens, not an older one: the toast can come before the menu.
    menu = await desk.wait_for(QUALITY_CHAT, lambda m: m["message_id"] > after and any(
        b.get("text") == "赔偿"
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row))
    pressed = desk.state.press_button(ZHANG, menu["message_id"], text="赔偿",
                                      chat_id=QUALITY_CHAT)
    await desk.answer_to(pressed["callback_query"]["id"])
    await desk.reply_in(QUALITY_CHAT, ZHANG, "金额是多少", "1500")
    await desk.reply_in(QUALITY_CHAT, ZHANG, "请写下给客户的解决方案", text)


async def test_a_refused_then_an_approved_solution_above_the_limit_with_comments(
    desk: Desk
) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    await propose_1500(desk, "A refund and a voucher for your trouble.")
    card = await desk.wait_for(SUPERVISORS_CHAT, lambda m: is_card(m) and "1500.00 CNY" in
                               m["text"])
    number = re.search(r"\d{4}-\d{4,}", card["text"]).group(0)  # type: ignore[union-attr]

    # From his phone, in a private chat: the case, then a refusal with a comment.
    view, history = await desk.say(CHEN, f"/case {number}", count=2)
    assert "1500.00 CNY" in view and f"投诉 {number} 的处理记录" in history
    await desk.press(CHEN, "👎 不批准并写理由")
    replies = await reply_privately(desk, CHEN, "Too much for mould: offer an exchange and "
                                    "200.", count=2)
    assert replies[0] == "已完成。"
    await desk.wait_for(QUALITY_CHAT, lambda m: m.get("text", "") ==
                        "Chen Jing 没有批准解决方案: Too much for mould: offer an exchange and 200.")
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "状态：责任部门处理中" in m["text"])

    # The department tries again; this time the supervisor approves, with a comment.
    await propose_1500(desk, "An exchange, a refund and a voucher.")
    await desk.wait_for(SUPERVISORS_CHAT, lambda m: is_card(m) and "An exchange" in m["text"])
    await desk.say(CHEN, f"/case {number}", count=2)
    await desk.press(CHEN, "👍 批准并写意见")
    await reply_privately(desk, CHEN, "Approved: she has bought from us for ten years.",
                          count=2)
    await desk.wait_for(ANN, lambda m: "An exchange, a refund and a voucher." in m.get(
        "text", ""))
    await desk.wait_for(QUALITY_CHAT, lambda m: "she has bought from us for ten years" in m.get(
        "text", ""))
