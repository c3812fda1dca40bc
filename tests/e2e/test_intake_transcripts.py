"""A full intake in Traditional Chinese and in English through the real process, with the
small things people notice (issue 16.5, 16.6, 16.9): the day and the place the story
names offered for one tap, a sticker answered with one friendly line and the question
again, a wrong phone number told what is wrong with it and shown an example that fits the
reader, Traditional wording, and no question asked twice. The transcripts go to
``test-output/`` for people to read."""

from __future__ import annotations

from sandbox.script import play, settle, transcript
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import OUTPUT, step

MEI, ANN = 1002, 1003


def assert_asked_once(said: list[str], question: str, again: int = 0) -> None:
    """Asked once — twice where a sticker made the bot ask ``again`` — and never re-asked
    after it was answered."""
    asked = [i for i, text in enumerate(said) if text.startswith(question)]
    assert len(asked) == 1 + again, (question, said)


def texts(desk: Desk, user: int) -> list[str]:
    return [m.get("text", "") for m in desk.state.bot_messages(user)]


async def sticker(desk: Desk, user: int) -> None:
    desk.state.send_sticker(user)
    await settle(desk.state)


async def test_a_traditional_chinese_intake_reads_the_story_and_the_reader(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [
        step("chan_mei", say="你好，昨天在彌敦道分店買的杯子，送到時已經碎了兩個。"),
        step("chan_mei", photo="碎杯子"),
        step("chan_mei", press="✅ 說完了"),
        step("chan_mei", press="運輸或包裝"),
    ])
    await sticker(desk, MEI)
    await play(desk.state, [step("chan_mei", press="✅ 彌敦道分店")])
    await play(desk.state, [step("chan_mei", press="✅ 2026年11月2日")])
    await play(desk.state, [step("chan_mei", press="換貨")])
    await play(desk.state, [step("chan_mei", say="12345")])
    await play(desk.state, [step("chan_mei", press="📱 分享我的手機號碼"),
                            step("chan_mei", press="✅ 對，沒錯")])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "intake_zh_Hant.txt").write_text(transcript(desk.state), encoding="utf-8")
    said = texts(desk, MEI)
    assert said[-1].startswith("謝謝。您的投訴已登記，投訴編號 ")
    assert "收到，已儲存（目前共 1 個）。" in said  # Traditional usage, not 已保存
    # The story's place and day, offered and taken with one tap each.
    assert_asked_once(said, "在哪裡發生的？您提到「彌敦道分店」：點選確認", again=1)
    assert_asked_once(said, "是什麼時候發生的？您提到「昨天」")
    assert "這個我沒辦法當作回答，我把問題再發一次。" in said  # the sticker: one line
    # A number too short is told so, with a Hong Kong example, not a mainland one.
    [wrong] = [t for t in said if t.startswith("這個號碼太短了（5 位數字）")]
    assert "陳大文 9123 4567" in wrong and "138" not in wrong
    summary = next(t for t in said if t.startswith("我確認一下"))
    assert "問題經過：昨天在彌敦道分店買的杯子" in summary  # no 你好
    assert "發生地點：彌敦道分店" in summary and "發生時間：2026年11月2日" in summary


async def test_an_english_intake_reads_the_story_and_the_reader(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [
        step("ann", say="Hello! Yesterday I bought a kettle at the Nanjing Road store and it "
                        "leaks from the base."),
        step("ann", press="✅ That's everything"),
        step("ann", press="Product quality"),
        step("ann", say="Kettle K-20, receipt 5581"),
    ])
    await sticker(desk, ANN)
    await play(desk.state, [step("ann", press="✅ Nanjing Road store")])
    await play(desk.state, [step("ann", press="✅ Nov 2, 2026")])
    await play(desk.state, [step("ann", press="A repair")])
    await play(desk.state, [step("ann", say="Ann 12")])
    await play(desk.state, [step("ann", press="📱 Share my phone number"),
                            step("ann", press="✅ Yes, that's right")])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "intake_en.txt").write_text(transcript(desk.state), encoding="utf-8")
    said = texts(desk, ANN)
    assert said[-1].startswith("Thank you. Your complaint is registered as case ")
    assert "(China Time) at the latest." in said[-1]  # a London number: our zone named
    assert_asked_once(said, "Where did it happen? You wrote “Nanjing Road store”", again=1)
    assert_asked_once(said, "When did it happen? You wrote “Yesterday”")
    assert "I can't take that as an answer here, so here is the question again." in said
    [wrong] = [t for t in said if t.startswith("That number is too short (2 digits)")]
    assert "Ann Smith +44 7700 900123" in wrong  # an example that fits the reader
    summary = next(t for t in said if t.startswith("Let me make sure"))
    assert "What happened: Yesterday I bought a kettle" in summary  # no "Hello!"
    assert "Where: Nanjing Road store" in summary and "When: Nov 2, 2026" in summary
