"""A customer files complaints through the real bot process, as a person would chat."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from sandbox.script import play, settle, transcript
from tests.e2e.conftest import ROOT, Desk

OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output"))


def step(user: str, **action: object) -> dict[str, object]:
    return {"user": user, **action}


ZH_HANS_INTAKE = [
    step("li_lei", say="/start"),
    step("li_lei", say="上周六在南京路门店买的鲜牛奶，打开就是酸的，瓶子还鼓起来了。"),
    step("li_lei", photo="瓶盖上的喷码"),
    step("li_lei", press="✅ 说完了"),
    step("li_lei", press="产品质量"),
    step("li_lei", say="鲜牛奶 1L，喷码 20261031A"),
    step("li_lei", say="上海市南京路 100 号门店"),
    step("li_lei", press="昨天"),
    step("li_lei", press="换货"),
    step("li_lei", press="📱 分享我的手机号"),
]


async def test_a_simplified_chinese_intake_with_a_photo_and_a_correction(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✏️ 发生地点"),
                            step("li_lei", say="上海市南京路 88 号门店"),
                            step("li_lei", press="✅ 对，没错")])
    texts = [m.get("text", "") for m in desk.state.bot_messages(1001)]
    summary = next(t for t in reversed(texts) if t.startswith("我确认一下"))
    assert "发生地点：上海市南京路 88 号门店" in summary and "附件：1 个" in summary
    assert texts[-1].startswith("谢谢。您的投诉已登记，投诉编号 ")
    assert "前答复您" in texts[-1]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "intake_zh_Hans.txt").write_text(transcript(desk.state), encoding="utf-8")


async def test_traditional_and_english_customers_file_with_a_shared_contact(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [
        step("chan_mei", say="送貨員把箱子摔壞了，裡面兩個杯子碎了。"),
        step("chan_mei", photo=""),
        step("chan_mei", press="✅ 說完了"),
        step("chan_mei", press="運輸或包裝"),
        step("chan_mei", press="跳過"),
        step("chan_mei", press="今天"),
        step("chan_mei", press="換貨"),
        step("chan_mei", press="📱 分享我的手機號碼"),
        step("chan_mei", press="✅ 對，沒錯"),
        step("ann", say="My invoice shows the wrong amount."),
        step("ann", press="✅ That's everything"),
        step("ann", press="Documents or invoice"),
        step("ann", press="Skip"),
        step("ann", press="Earlier this week"),
        step("ann", press="An explanation"),
        step("ann", press="📱 Share my phone number"),
        step("ann", press="✅ Yes, that's right"),
    ])
    mei = desk.state.bot_messages(1002)[-1]["text"]
    ann = desk.state.bot_messages(1003)[-1]["text"]
    assert mei.startswith("謝謝。您的投訴已登記，投訴編號 ")
    assert ann.startswith("Thank you. Your complaint is registered as case ")
    assert mei.split("投訴編號 ")[1][:9] != ann.split("case ")[1][:9]


async def test_cancel_midway_files_nothing(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [
        step("ann", say="The driver was rude."),
        step("ann", say="/cancel"),
        step("ann", press="Yes, discard it"),
        step("ann", say="/status"),
    ])
    assert desk.state.bot_messages(1003)[-1]["text"].startswith(
        "You have no complaints with us yet.")


async def test_an_intake_survives_the_bot_being_killed_midway(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ZH_HANS_INTAKE[:6])  # told the story, chose the category
    assert desk.process is not None
    desk.process.send_signal(signal.SIGKILL)
    desk.process.wait()
    desk.process = None
    desk.state.send_text(1001, "上海市南京路 100 号门店")  # written while the bot is down
    desk.start_bot()
    await desk.wait_until_started()
    await settle(desk.state)
    await play(desk.state, [*ZH_HANS_INTAKE[7:], step("li_lei", press="✅ 对，没错")])
    texts = [m.get("text", "") for m in desk.state.bot_messages(1001)]
    summary = next(t for t in reversed(texts) if t.startswith("我确认一下"))
    assert "产品或订单：鲜牛奶 1L，喷码 20261031A" in summary
    assert "发生地点：上海市南京路 100 号门店" in summary
    assert texts[-1].startswith("谢谢。您的投诉已登记，投诉编号 ")


async def test_an_edit_in_telegram_corrects_the_place_before_confirming(desk: Desk) -> None:
    """Issue 16.9, through the real process: Telegram delivers the edit as an update of its
    own, and the summary on screen is shown again with the correction."""
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ZH_HANS_INTAKE)
    place = next(m for m in desk.state.transcript(1001)
                 if m.get("text") == "上海市南京路 100 号门店")
    after = desk.last_id(1001)
    desk.state.edit_text(1001, place["message_id"], "上海市南京路 66 号门店")
    updated, summary = await desk.replies(1001, after, count=2)
    assert updated["text"] == "我已更新您的回答。"
    assert "发生地点：上海市南京路 66 号门店" in summary["text"]
