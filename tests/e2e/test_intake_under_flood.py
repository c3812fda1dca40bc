"""Every reply survives Telegram's limits (issue 16.8): with the emulator's flood limits on
and a 429 on the first message the bot sends after each of the customer's steps, the
intake files the case once, nobody reads "Sorry, something went wrong", and no question
is skipped or asked twice — each step's question arrives before the next step is taken."""

from __future__ import annotations

from core.db.models import CaseRow
from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step
from tests.e2e.test_durable_replies import BROKEN, FILED, LI_LEI, _count

# The questions of the intake, each asked once, in this order.
QUESTIONS = ["说完后请点“说完了”", "这是关于哪方面的问题？", "是哪个产品或订单", "在哪里发生的",
             "是什么时候发生的", "您希望我们怎么处理", "我们怎么联系您", "我确认一下", FILED]


async def test_an_intake_with_flood_limits_and_a_429_at_every_step(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    desk.state.set_flood_limits(True)  # about one message a second in a private chat
    steps = [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")]
    for one in steps:
        desk.state.fail_next("sendMessage", code=429, retry_after=1)
        await play(desk.state, [one])
    await desk.wait_for(LI_LEI, lambda m: m.get("text", "").startswith(FILED))
    refused = [e for e in desk.state.requests() if e.get("error_code") == 429]
    assert len(refused) >= len(steps)  # every injected 429 met a reply, and more may

    texts = [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]
    assert not [t for t in texts if t.startswith(BROKEN)], texts
    asked = [next(i for i, t in enumerate(texts) if question in t) for question in QUESTIONS]
    assert asked == sorted(asked), texts  # in order: none came after the step it asks for
    for question in QUESTIONS:
        assert len([t for t in texts if question in t]) == 1, (question, texts)
    [cases] = await _count(desk, (CaseRow, ()))
    assert cases == 1
