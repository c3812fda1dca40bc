"""What the bot says to the person who acted is durable: written with the update, sent
after the commit, and said by the outbox when the handler could not send it.

A reply that failed used to break the conversation ("Sorry, something went wrong", then a
step the customer could not see); at the confirm step the case was filed, the number never
reached the customer, and the conversation was wiped, so writing again began a second
complaint.
"""

from __future__ import annotations

from sqlalchemy import func, select

from core.db.models import CaseRow, NotificationRow
from core.db.uow import Database
from sandbox.script import play, settle
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step

LI_LEI = 1001
STORY = "上周六买的鲜牛奶，打开就是酸的。"
LISTENING = "说完后请点“说完了”"
BROKEN = ("抱歉，我们这边出了点问题", "抱歉，我没有理解")
FILED = "谢谢。您的投诉已登记，投诉编号 "


def _texts(desk: Desk) -> list[str]:
    return [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]


async def _count(desk: Desk, *what: object) -> list[int]:
    db = Database(desk.database_url)
    try:
        async with db.uow(read_only=True) as uow:
            return [int((await uow.session.execute(select(func.count()).select_from(table)
                                                   .where(*where))).scalar_one())
                    for table, where in what]  # type: ignore[misc]
    finally:
        await db.dispose()


async def test_a_reply_the_network_loses_is_said_by_the_outbox_and_the_talk_goes_on(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await desk.say(LI_LEI, "/start")
    desk.state.fail_next("sendMessage", code=502)  # Telegram's front end has a bad moment
    desk.state.send_text(LI_LEI, STORY)
    await desk.wait_for(LI_LEI, lambda m: LISTENING in m.get("text", ""))
    await play(desk.state, [step("li_lei", press="✅ 说完了")])
    texts = _texts(desk)
    assert len([t for t in texts if LISTENING in t]) == 1, texts
    assert not [t for t in texts if t.startswith(BROKEN)], texts
    assert texts[-2:] == ["谢谢，我都记下了。接下来问您几个简单的问题。", "这是关于哪方面的问题？"]


async def test_the_case_number_lost_on_the_way_still_arrives_and_nothing_is_filed_twice(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    *before, share_phone = ZH_HANS_INTAKE
    await play(desk.state, before)
    await play(desk.state, [share_phone])
    desk.state.fail_next("sendMessage", count=2, code=502)  # the number's way out fails twice
    await play(desk.state, [step("li_lei", press="✅ 对，没错")], )
    await desk.wait_for(LI_LEI, lambda m: m.get("text", "").startswith(FILED))
    # The customer writes again: a new complaint begins, the first is not filed again.
    await desk.say(LI_LEI, "还有一件事想说。")
    await settle(desk.state)
    texts = _texts(desk)
    assert len([t for t in texts if t.startswith(FILED)]) == 1, texts
    assert not [t for t in texts if t.startswith(BROKEN)], texts
    cases, unsent = await _count(desk, (CaseRow, ()), (NotificationRow, (
        NotificationRow.kind == "reply", NotificationRow.status != "sent")))
    assert (cases, unsent) == (1, 0)


async def test_a_press_telegram_cannot_answer_still_takes_its_step(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await desk.say(LI_LEI, "/start")
    await desk.say(LI_LEI, STORY)
    await play(desk.state, [step("li_lei", press="✅ 说完了")])
    # Stopping the button's spinner fails (Telegram has a bad moment): the choice counts.
    desk.state.fail_next("answerCallbackQuery", code=502)
    await play(desk.state, [step("li_lei", press="产品质量")])
    await settle(desk.state)
    texts = _texts(desk)
    assert not [t for t in texts if t.startswith(BROKEN)], texts
    assert texts[-1].startswith("是哪个产品或订单？"), texts[-2:]
