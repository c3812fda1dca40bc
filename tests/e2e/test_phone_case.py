"""A complaint by phone, from /register to closed, through the real bot process: the caller
has no Telegram chat, so every word owed to them becomes the desk's call task with their
number, and the desk records their answers with the task's buttons. And a notice no group
can receive is told to the desk, never dropped in silence."""

from __future__ import annotations

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from core.domain import Actor, CaseState, Role
from core.services import queries
from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, QUALITY_CHAT, WANG, ZHANG, is_card

CALLER, PHONE = "Liu Yang", "13900139000"
SPECIALIST = Actor(None, Role.SPECIALIST, level="specialist")


def is_call(message: dict) -> bool:
    return "请致电客户" in message.get("text", "")


def buttons(message: dict) -> list[str]:
    return [b["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


async def test_a_phone_case_runs_from_register_to_closed_through_the_desks_calls(
    desk: Desk
) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    # The desk registers the call, with what the caller wants.
    desk.state.send_text(WANG, "/register", chat_id=DESK_CHAT)
    await desk.press_in(DESK_CHAT, WANG, "产品质量")
    await desk.reply_in(DESK_CHAT, WANG, "第一行写来电人的姓名和电话",
                        f"{CALLER} {PHONE}\nThe yoghurt was swollen a week before its date.")
    await desk.wait_for(DESK_CHAT, lambda m: m.get("text", "").startswith("来电人希望我们怎样处理"))
    await desk.press_in(DESK_CHAT, WANG, "换货")
    await desk.wait_for(DESK_CHAT, lambda m: m.get("text", "").startswith("已登记，投诉编号 "))
    card = await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and CALLER in m["text"])
    assert "诉求：换货" in card["text"]

    # The department takes it and proposes a solution.
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
    await desk.press_in(QUALITY_CHAT, ZHANG, "💡 提出方案")
    await desk.press_in(QUALITY_CHAT, ZHANG, "换货")
    await desk.reply_in(QUALITY_CHAT, ZHANG, "货物价值多少", "120")  # 001 §4.5.2: by value
    await desk.reply_in(QUALITY_CHAT, ZHANG, "请写下给客户的解决方案",
                        "Two fresh pots, delivered tomorrow.")

    # The caller has no chat: the desk is asked to call them, with the number and the words.
    call = await desk.wait_for(DESK_CHAT, lambda m: is_call(m) and "Two fresh pots" in m["text"])
    assert PHONE in call["text"] and CALLER in call["text"]
    assert buttons(call) == ["✅ 客户接受", "✖️ 客户不接受"]
    toast = await desk.press_in(DESK_CHAT, WANG, "✅ 客户接受")
    assert toast["text"] == "已代客户记录。"
    # The department's card hears it, said as the desk's, for the customer.
    await desk.wait_for(QUALITY_CHAT, lambda m: "Wang Fang（代客户） 接受了解决方案" in m.get(
        "text", ""))
    pressed = await desk.wait_for(DESK_CHAT, lambda m: m["message_id"] == call["message_id"])
    assert buttons(pressed) == []  # the task is done

    # Carried out; the survey falls due at once (working hours) and is the desk's call too.
    await desk.press_in(QUALITY_CHAT, ZHANG, "✅ 已落实")
    survey = await desk.wait_for(DESK_CHAT, lambda m: is_call(m) and "满意" in m["text"]
                                 and "非常满意" in buttons(m))
    assert PHONE in survey["text"]
    await desk.press_in(DESK_CHAT, WANG, "非常满意")
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "已结案（客户满意）" in m["text"])
    # Even the closing is told to the caller, by the desk.
    await desk.wait_for(DESK_CHAT, lambda m: is_call(m) and "投诉已结案" in m["text"])

    db = Database(desk.database_url)
    try:
        async with db.uow() as uow:
            case_id = (await uow.session.execute(select(CaseRow.id))).scalar_one()
        case, history = await queries.case_with_history(db.uow(), case_id, SPECIALIST)
        assert case.state is CaseState.CLOSED_SATISFIED
        assert case.intake.demand == "exchange"
        by_desk = {e.action.value: e.actor.role for e in history}
        assert by_desk["customer_accept"] is Role.SPECIALIST
        assert by_desk["record_revisit"] is Role.SPECIALIST
    finally:
        await db.dispose()


async def test_a_card_for_a_department_without_a_group_alerts_the_desk(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.wait_for(DESK_CHAT, is_card)
    # Engineering has no group bound in the demo organisation.
    await desk.press_in(DESK_CHAT, WANG, "🏢 其他部门")
    await desk.press_in(DESK_CHAT, WANG, "工程部")
    alert = await desk.wait_for(DESK_CHAT, lambda m: m.get("text", "").startswith("⚠️"))
    assert "发给工程部的一张投诉卡片无人收到" in alert["text"]
    assert "/bind" in alert["text"]
