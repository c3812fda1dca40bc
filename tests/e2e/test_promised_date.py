"""The date a customer is promised counts the document's units (002 §7.1 "3个工作日").

002's hotline answers every day, but "不得超过受理投诉当日起3个工作日" means working days
of the statutory calendar: a complaint on a Thursday night is settled by Tuesday, not by
the Sunday three hotline days later.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step

THURSDAY_NIGHT = datetime.fromisoformat("2026-12-03T22:18:00+08:00")


async def test_food_customer_on_thursday_night_is_promised_tuesday(desk: Desk) -> None:
    organisation = desk.tmp_path / "food.toml"
    organisation.write_text(
        'name = "辣妹子食品"\ndefault_language = "zh_Hans"\npreset = "002_food"\n'
        "admins = [100]\n", encoding="utf-8")
    desk.clock.set(THURSDAY_NIGHT)  # the bot starts on the shared clock (CLOCK_START)
    desk.start_bot(CONFIG_FILE=str(organisation))
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    filed = desk.state.bot_messages(1001)[-1]["text"]
    assert filed.startswith("谢谢。您的投诉已登记，投诉编号 ")
    # Fri 4, Mon 7, Tue 8 December, at the hotline's 22:00 close.
    assert "2026年12月8日周二 22:00" in filed
    assert "12月6日" not in filed


async def test_a_missed_promise_is_told_to_the_customer_first(desk: Desk) -> None:
    desk.start_bot()  # Tuesday 3 November, 10:00: promised within 5 working days (000)
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    await desk.stop_bot()
    desk.clock.set(datetime.fromisoformat("2026-11-11T10:00:00+08:00"))  # nobody answered
    desk.start_bot()
    await desk.wait_until_started()
    told = (await desk.wait_for(1001, lambda m: "没有做到" in m.get("text", "")))["text"]
    assert "我们曾承诺在 2026年11月10日周二" in told
    assert told.endswith("我们仍在处理，一有结果会马上告诉您。")  # 000 sets no end date
