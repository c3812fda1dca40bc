"""The sandbox's web chat in a real browser: a Simplified Chinese complaint from first words
to an accepted solution, every role played from the page, then a week on the clock; the
page follows new messages, speaks the language chosen on it, and asks for nothing missing.

The browser is set to zh-CN, so the page starts in Simplified Chinese."""

from __future__ import annotations

import io
from typing import Any

from sandbox.world import TOKEN
from tests.browser.conftest import OUTPUT

LI_LEI, DESK, QUALITY, SUPERVISORS = 1001, -1000000000101, -1000000000201, -1000000000301


def bottle_photo() -> bytes:
    """A milk bottle with a red cap, so the screenshots show a recognisable photo."""
    from PIL import Image, ImageDraw  # Pillow comes with matplotlib, a dependency

    image = Image.new("RGB", (320, 220), (170, 200, 230))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((115, 60, 205, 205), radius=18, fill=(250, 250, 246))
    draw.rectangle((135, 30, 185, 60), fill=(205, 45, 45))
    draw.text((128, 120), "20261031A", fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Page:
    """What a person does in the web chat, waiting as they would for the bot to answer."""

    def __init__(self, page: Any) -> None:
        self.page = page

    async def open(self, chat_id: int) -> None:
        await self.page.click(f'[data-chat-id="{chat_id}"]')
        await self.page.wait_for_selector(f'#messages[data-chat="{chat_id}"]', state="attached")

    async def acting(self) -> str:
        return await self.page.eval_on_selector("#person", "s => s.selectedOptions[0].text")

    async def say(self, text: str) -> None:
        await self.page.fill("#text", text)
        await self.page.press("#text", "Enter")
        await self.page.locator(".msg.out .text", has_text=text).last.wait_for()

    async def press(self, label: str) -> None:
        """The newest inline or reply-keyboard button with exactly this label."""
        button = self.page.locator(".inline-btn, .kb-btn").filter(has_text=label).last
        await button.click()

    async def photo(self, caption: str, data: bytes) -> None:
        await self.page.fill("#text", caption)
        await self.page.set_input_files("#file", files=[
            {"name": "bottle.png", "mimeType": "image/png", "buffer": data}])
        await self.page.locator(".msg.out img").last.wait_for()

    async def bot_says(self, text: str) -> None:
        await self.page.locator(".msg.bot .text", has_text=text).last.wait_for()

    async def screenshot(self, name: str) -> None:
        await self.page.screenshot(path=str(OUTPUT / f"{name}.png"))


async def test_a_complaint_in_zh_hans_from_filing_to_an_accepted_solution_and_a_week_later(
        page: Any) -> None:
    chat = Page(page)
    await chat.open(LI_LEI)
    assert (await chat.acting()).startswith("Li Lei")
    await chat.say("/start")
    await chat.bot_says("您好")
    # The bot's chat action (sendChatAction) shows as the typing indicator.
    api = page.url.split("/chat/")[0] + f"/bot{TOKEN}/sendChatAction"
    await page.request.post(api, data={"chat_id": LI_LEI, "action": "typing"})
    await page.locator("#chat-sub", has_text="机器人正在输入").wait_for()  # the page is in zh_Hans
    await chat.say("上周六在南京路门店买的鲜牛奶，打开就是酸的，瓶子还鼓起来了。")
    await chat.bot_says("说完后请点")
    await chat.photo("瓶盖上的喷码", bottle_photo())
    await chat.bot_says("收到，已保存")
    await chat.press("✅ 说完了")
    await chat.bot_says("这是关于哪方面的问题")
    await chat.screenshot("1-customer-tells-with-a-photo")
    await chat.press("产品质量")
    await chat.bot_says("是哪个产品或订单")
    await chat.say("鲜牛奶 1L，喷码 20261031A")
    await chat.bot_says("在哪里发生的")
    await chat.say("上海市南京路 100 号门店")
    await chat.press("昨天")
    await chat.press("换货")
    await chat.press("📱 分享我的手机号")
    await chat.bot_says("这样对吗")
    await chat.press("✅ 对，没错")
    await chat.bot_says("您的投诉已登记")
    await chat.screenshot("2-customer-files")

    # The desk specialist checks the case and passes it to the quality department.
    await chat.open(DESK)
    assert (await chat.acting()).startswith("Wang Fang")
    await chat.press("✅ 有效 → 品管部")
    await chat.bot_says("品管部")

    # A quality specialist takes it and proposes an exchange, typed as a reply to the bot.
    await chat.open(QUALITY)
    assert (await chat.acting()).startswith("Zhang Wei")
    await chat.press("🙋 接手")
    await page.locator(".msg.bot .text", has_text="负责人：Zhang Wei").wait_for()
    await chat.press("💡 提出方案")
    await chat.press("换货")
    await chat.bot_says("货物价值多少")  # an exchange is approved by the goods' value
    await page.locator("#replybar:not([hidden])").wait_for()
    await chat.say("24")
    await chat.bot_says("请写下给客户的解决方案")
    await page.locator("#replybar:not([hidden])").wait_for()  # the bot's reply prompt
    await chat.say("为您更换两瓶新鲜牛奶，明天送到南京路门店，您方便时去取。")
    await chat.screenshot("3-department-proposes")

    # The customer reads the proposal and accepts it.
    await chat.open(LI_LEI)
    await chat.bot_says("为您更换两瓶新鲜牛奶")
    await chat.press("✅ 我接受")
    await page.locator(".msg.bot .text", has_text="为您更换两瓶新鲜牛奶").last.wait_for()
    await chat.screenshot("4-customer-accepts")

    # A caller complains by phone; the desk registers it and passes it on, then nobody
    # proposes anything for a week: the supervisors hear the case is overdue.
    await chat.open(DESK)
    await chat.say("/register")
    await chat.press("产品质量")
    await chat.bot_says("第一行写来电人的姓名和电话")
    await page.locator("#replybar:not([hidden])").wait_for()
    await chat.say("刘洋 13900139000\n酸奶还没到保质期就胀袋了。")
    await chat.bot_says("来电人希望我们怎样处理")  # what the caller wants
    await chat.press("换货")
    await chat.bot_says("已登记，投诉编号")
    await chat.press("✅ 有效 → 品管部")
    await page.locator(".msg.bot .text", has_text="刘洋").filter(
        has_text="已转交责任部门").last.wait_for()
    before = await page.text_content("#clock-now")
    await page.click('[data-step="week"]')
    await page.wait_for_function("t => document.querySelector('#clock-now').textContent !== t",
                                 arg=before)
    await chat.open(SUPERVISORS)
    assert (await chat.acting()).startswith("Chen Jing")
    await chat.bot_says("已超时")
    await chat.screenshot("5-a-week-later-supervisors")

    # On a phone-sized window the page shows the chat or the list, never both.
    await page.set_viewport_size({"width": 390, "height": 760})
    assert not await page.is_visible("#chats")
    await page.click("#back")
    assert not await page.is_visible("#messages")
    await chat.screenshot("6-phone-chat-list")
    await chat.open(LI_LEI)
    assert not await page.is_visible("#chats")
    await chat.screenshot("7-phone-chat")


NEWEST_IN_VIEW = """() => {
    const box = document.querySelector('#messages').getBoundingClientRect();
    const last = [...document.querySelectorAll('#messages .msg')].at(-1);
    if (!last) return false;
    const msg = last.getBoundingClientRect();
    return msg.bottom <= box.bottom + 1 && msg.top >= box.top - 1;
}"""
IMAGES_LOADED = "() => [...document.querySelectorAll('#messages img')].every(i => i.complete)"


async def test_the_newest_message_stays_in_view_after_a_photo(page: Any) -> None:
    await page.set_viewport_size({"width": 1000, "height": 560})  # a photo fills most of it
    chat = Page(page)
    await chat.open(LI_LEI)
    await chat.say("/start")
    await chat.bot_says("您好")
    await chat.say("我买的牛奶是酸的。")
    await chat.photo("瓶子", bottle_photo())
    await chat.bot_says("收到，已保存")
    for text in ("还有一件事", "瓶子是鼓的", "店员说不能退"):
        await chat.say(text)
    await page.wait_for_function(IMAGES_LOADED)
    await page.wait_for_function(NEWEST_IN_VIEW)
    assert await page.locator(".msg.out .text", has_text="店员说不能退").last.is_visible()
    await chat.screenshot("follow-1-after-a-photo")

    # Someone reading older messages is left there when a new one comes in ...
    # As a person's scrolling would, with its scroll event handled before anything else
    # arrives (the browser's own event comes a frame later, and a message can beat it).
    await page.eval_on_selector("#messages", "box => { box.scrollTop = 0; "
                                "box.dispatchEvent(new Event('scroll')); }")
    await page.wait_for_function("() => !document.querySelector('#messages').scrollTop")
    api = page.url.split("/chat/")[0] + "/_emulator/send_text"
    await page.request.post(api, data={"user_id": LI_LEI, "text": "这是另一条消息"})
    await page.locator(".msg .text", has_text="这是另一条消息").wait_for(state="attached")
    assert not await page.evaluate(NEWEST_IN_VIEW)
    # ... and what they send themselves brings them back to the newest message.
    await chat.say("请尽快处理")
    await page.wait_for_function(NEWEST_IN_VIEW)

    # Opened again, a chat with a photo shows its end, not its top.
    await chat.open(SUPERVISORS)
    await chat.open(LI_LEI)
    await page.wait_for_function(IMAGES_LOADED)
    await page.wait_for_function(NEWEST_IN_VIEW)
    await chat.screenshot("follow-2-reopened")


async def test_the_pages_own_words_and_dates_follow_its_language_switch(page: Any) -> None:
    chat = Page(page)
    await chat.open(LI_LEI)
    await chat.say("/start")
    await chat.bot_says("您好")

    async def shows(language: str, acting: str, send: str, day: str, example: str) -> None:
        await page.select_option("#lang", language)
        assert (await page.text_content(".person span")) == acting
        assert (await page.text_content("#send")) == send
        assert (await page.text_content(".day span")) == day  # the sandbox starts on Monday
        assert (await page.text_content("#clock-now")).startswith(day)
        assert (await page.get_attribute("#clock-to", "placeholder")).startswith(example)

    await shows("zh_Hans", "当前身份", "发送", "2026年11月2日 周一", "例如 2026年11月2日 ")
    assert await page.get_attribute("html", "lang") == "zh-Hans"
    await chat.screenshot("language-zh-hans")
    await shows("zh_Hant", "目前身分", "傳送", "2026年11月2日 週一", "例如 2026年11月2日 ")
    assert await page.get_attribute("html", "lang") == "zh-Hant"
    await chat.screenshot("language-zh-hant")
    await shows("en", "Acting as", "Send", "Mon, 2 Nov 2026", "e.g. 2026-11-02 ")
    assert (await page.text_content("#chats h3")).lower() == "private chats with the bot"
    await chat.screenshot("language-en")

    # The choice is remembered; the date field takes the format it shows.
    await page.reload()
    assert (await page.text_content("#send")) == "Send"
    await page.fill("#clock-to", "2026-11-09 09:30")
    await page.click("#clock-form button")
    await page.locator("#clock-now", has_text="Mon, 9 Nov 2026, 09:3").wait_for()
    await page.select_option("#lang", "zh_Hans")
    await page.fill("#clock-to", "2026年11月10日 9:00")
    await page.click("#clock-form button")
    await page.locator("#clock-now", has_text="2026年11月10日 周二 09:0").wait_for()


async def test_the_page_asks_for_nothing_that_is_missing(page: Any) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: failed.append(f"console: {m.text}") if m.type == "error" else None)
    await page.reload()
    chat = Page(page)
    await chat.open(LI_LEI)
    await chat.say("/start")
    await chat.bot_says("您好")
    await chat.photo("瓶子", bottle_photo())
    await page.wait_for_function(IMAGES_LOADED)
    icon = await page.get_attribute('link[rel="icon"]', "href")
    answer = await page.request.get(page.url.split("/chat/")[0] + icon)
    assert answer.status == 200
    assert failed == []
