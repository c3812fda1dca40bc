"""Issue 18 point 6 through the real bot process: bad input stays cheap and gets a plain
answer — forged button data with ids no database can hold, and a flood of digits where
a phone number is expected."""

from __future__ import annotations

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from sandbox.script import play, settle
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, QUALITY_CHAT, WANG, ZHANG, is_card

LI_LEI = 1001
STALE = {"这个按钮已失效。", "This button is no longer valid."}
FORGED = ("st:accept:100000000000000000000:", "st:accept:-1:", "sp:100000000000000000000",
          "su:view:100000000000000000000::0", "cv:100000000000000000000",
          "dc:accept:100000000000000000000")


async def test_forged_presses_with_impossible_ids_are_stale_buttons(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.wait_for(DESK_CHAT, is_card)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    card = await desk.wait_for(QUALITY_CHAT, is_card)
    for data in FORGED:
        press = desk.state.press_button(ZHANG, card["message_id"], data=data,
                                        chat_id=QUALITY_CHAT, forged=True)
        answer = await desk.answer_to(press["callback_query"]["id"])
        assert answer.get("text") in STALE, (data, answer)
    db = Database(desk.database_url)
    try:
        async with db.uow(read_only=True) as uow:
            state, owner = (await uow.session.execute(
                select(CaseRow.state, CaseRow.owner_id))).one()
        assert (state, owner) == ("assigned", None)
    finally:
        await db.dispose()
    log = desk.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "OverflowError" not in log


async def test_a_flood_of_digits_for_a_phone_number_gets_the_question_again(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ZH_HANS_INTAKE[:-1])  # up to the question for a phone number
    [answer] = await desk.say(LI_LEI, "1" * 20_000 + "x")
    assert answer.startswith("请点下面的按钮发送手机号，或者输入姓名和电话")
    await play(desk.state, [step("li_lei", say="李雷 13800138000")])
    await settle(desk.state)
    texts = [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]
    assert any(t.startswith("我确认一下") for t in texts[-3:]), texts[-3:]
