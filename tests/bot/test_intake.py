"""Filing a complaint in the private chat: listen, calm, ask, confirm, file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram import Bot
from aiogram.types import Contact, PhotoSize, Sticker

from bot.runtime.app import build_dispatcher
from bot.runtime.i18n import make_i18n
from bot.runtime.storage import SqlStorage
from core.clock import ManualClock
from core.db.uow import Database
from core.domain import Action, Actor, CaseState, Role, Severity
from core.organisation import organisation_from_mapping
from core.policy import MajorTrigger
from core.services import people, queries
from core.services.rules import Rules
from tests.bot.conftest import Chatter, RecordingSession, person
from tests.factories import POLICY


def photo(file_id: str) -> list[PhotoSize]:
    return [PhotoSize(file_id=f"{file_id}-s", file_unique_id=f"{file_id}u1", width=90,
                      height=90),
            PhotoSize(file_id=file_id, file_unique_id=f"{file_id}u2", width=800, height=600)]


async def test_a_complaint_is_heard_confirmed_and_filed_in_english(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    ann = person(11, "en", "Ann")
    await chat.say(ann, "/start")
    await chat.say(ann, "The milk I bought on Saturday was sour.")
    calm = session.sent_texts()[-1]
    assert "Tell me everything you want us to know" in calm
    await chat.say(ann, "The bottle was bloated too.")
    await chat.say(ann, photo=photo("AgAC-photo-1"), caption="the cap")
    assert session.sent_texts()[-1] == "Got it, I have kept that (1 so far)."
    await chat.say(ann, "✅ That's everything")
    assert session.sent_texts()[-1] == "What is it about?"
    await chat.press_button(ann, session, "Product quality")
    assert session.sent_texts()[-1].startswith("Which product or order is it?")
    await chat.say(ann, "Fresh milk 1L, batch 20261031A")
    await chat.say(ann, "Store 12, Nanjing Road")
    await chat.press_button(ann, session, "Yesterday")
    await chat.press_button(ann, session, "An exchange")
    assert session.sent_texts()[-1].startswith("How can we reach you?")
    await chat.say(ann, contact=Contact(phone_number="+8613800138000", first_name="Ann",
                                        user_id=11))
    summary = session.sent_texts()[-1]
    # Restated without the photo's caption (the file is counted on its own line).
    assert "<b>What happened:</b> The milk I bought on Saturday was sour. The bottle was " \
        "bloated too.\n" in summary
    assert "<b>Where:</b> Store 12, Nanjing Road" in summary
    assert "<b>When:</b> Nov 1, 2026" in summary  # "yesterday" as the day it was
    assert "<b>You would like:</b> An exchange" in summary
    await chat.press_button(ann, session, "✅ Yes, that's right")
    filed = session.sent_texts()[-1]
    assert filed.startswith("Thank you. Your complaint is registered as case <b>2611-0001</b>.")
    # Filed Monday 2 Nov 10:00 Shanghai; five working days later, at closing time.
    assert "We will answer you by <b>Mon, Nov 9, 2026 17:00</b> at the latest." in filed

    customer = await people.find_by_telegram(bot_db, 11)
    assert customer is not None
    [listed] = await queries.cases_of_customer(bot_db.uow(), customer.id)
    case, _history = await queries.case_with_history(bot_db.uow(), listed.id, _actor(customer.id))
    assert case.state is CaseState.RECEIVED and case.intake.category == "product_quality"
    assert case.intake.contact_phone == "+8613800138000"
    assert case.intake.product == "Fresh milk 1L, batch 20261031A"
    assert [e.file_ref for e in case.evidence] == ["AgAC-photo-1"]


async def test_one_part_is_corrected_without_starting_over(
    chat: Chatter, session: RecordingSession
) -> None:
    lei = person(12, "zh-hans", "Lei")
    await chat.say(lei, "快递送到的时候箱子破了，里面的杯子碎了两个。")
    await chat.say(lei, "✅ 说完了")
    await chat.press_button(lei, session, "运输或包装")
    await chat.press_button(lei, session, "跳过")
    await chat.press_button(lei, session, "今天")
    await chat.press_button(lei, session, "换货")
    await chat.say(lei, "李雷 13800138000")
    assert "<b>联系方式：</b>李雷 13800138000" in session.sent_texts()[-1]
    await chat.press_button(lei, session, "✏️ 发生地点")
    await chat.say(lei, "上海市南京路 100 号")
    summary = session.sent_texts()[-1]
    assert "<b>发生地点：</b>上海市南京路 100 号" in summary
    assert "<b>您的诉求：</b>换货" in summary  # the other answers are untouched


async def test_cancelling_midway_discards_after_asking(chat: Chatter,
                                                      session: RecordingSession) -> None:
    mei = person(13, "zh-TW", "Mei")
    await chat.say(mei, "服務員態度很差。")
    await chat.say(mei, "/cancel")
    assert session.sent_texts()[-1] == "要放棄這次投訴嗎？不會建立投訴單。"
    await chat.press_button(mei, session, "是，放棄")
    assert session.sent_texts()[-1].startswith("已放棄。")
    await chat.say(mei, "/cancel")
    assert session.sent_texts()[-1] == "目前沒有可以取消的內容。"


async def test_stickers_and_bad_phones_get_a_clear_answer(chat: Chatter,
                                                         session: RecordingSession) -> None:
    ann = person(14, "en", "Ann")
    await chat.say(ann, "My parcel never came.")
    await chat.say(ann, sticker=Sticker(file_id="st", file_unique_id="stu", type="regular",
                                        width=512, height=512, is_animated=False,
                                        is_video=False))
    assert session.sent_texts()[-1].startswith("I can keep text, photos")
    await chat.say(ann, "✅ That's everything")
    # Issue 16: where a button is asked for, a sticker or words get one friendly line and
    # the question again, its buttons with it, instead of "I did not understand".
    sticker = Sticker(file_id="st", file_unique_id="stu", type="regular", width=512,
                      height=512, is_animated=False, is_video=False)
    for wrong in ({"sticker": sticker}, {"text": "the courier"}):
        await chat.say(ann, **wrong)  # type: ignore[arg-type]
        assert session.sent_texts()[-2:] == [
            "I can't take that as an answer here, so here is the question again.",
            "What is it about?"]
    await chat.press_button(ann, session, "Transport or packaging")
    await chat.say(ann, sticker=sticker)  # a typed step: the same, not "answer in words"
    assert session.sent_texts()[-2] == (
        "I can't take that as an answer here, so here is the question again.")
    await chat.press_button(ann, session, "Skip")
    await chat.press_button(ann, session, "Skip")
    await chat.press_button(ann, session, "An explanation")
    await chat.say(ann, "call me maybe")
    assert session.sent_texts()[-1].startswith("Please send your phone number")
    await chat.say(ann, "Ann 1234567890123456789")
    assert session.sent_texts()[-1] == (
        "That number is too long (19 digits): a phone number has at most 15.")
    await chat.say(ann, "Ann 12-3-4")
    assert session.sent_texts()[-1] == (
        "That number is too short (4 digits): a phone number has at least 6.")
    # Issue 18: a flood of digits is refused before any pattern looks at it.
    await chat.say(ann, "1" * 20_000 + "x")
    assert session.sent_texts()[-1].startswith("Please send your phone number")
    await chat.say(ann, "Ann 13800138000")
    assert session.sent_texts()[-2] == "Thank you."


async def test_an_over_long_story_is_refused_kindly(chat: Chatter,
                                                   session: RecordingSession) -> None:
    ann = person(15, "en", "Ann")
    await chat.say(ann, "It started in May.")
    for _ in range(2):
        await chat.say(ann, "x" * 4000)
    assert session.sent_texts()[-1].startswith("That is more than I can keep")


async def test_a_double_tap_on_confirm_files_one_case(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    ann = person(16, "en", "Ann")
    await chat.say(ann, "Wrong invoice.")
    await chat.say(ann, "✅ That's everything")
    await chat.press_button(ann, session, "Transport or packaging")
    for _ in range(2):
        await chat.press_button(ann, session, "Skip")
    await chat.press_button(ann, session, "An explanation")
    await chat.say(ann, "Ann +44 20 7946 0958")
    await chat.press_button(ann, session, "✅ Yes, that's right")
    await chat.press_button(ann, session, "✅ Yes, that's right")
    customer = await people.find_by_telegram(bot_db, 16)
    assert customer is not None
    cases = await queries.cases_of_customer(bot_db.uow(), customer.id)
    assert len(cases) == 1
    _case, history = await queries.case_with_history(bot_db.uow(), cases[0].id,
                                                     _actor(customer.id))
    assert [e.action for e in history] == [Action.FILE]


def _actor(person_id: int) -> Actor:
    return Actor(person_id, Role.CUSTOMER)


async def test_an_album_is_acknowledged_once_and_a_flood_of_messages_is_all_kept(
    chat: Chatter, session: RecordingSession
) -> None:
    ann = person(17, "en", "Ann")
    await chat.say(ann, "Several things went wrong.")
    for index in range(3):
        await chat.say(ann, photo=photo(f"AgAC-album-{index}"), media_group_id="album-1")
    acknowledgements = [t for t in session.sent_texts() if t.startswith("Got your files")]
    assert len(acknowledgements) == 1
    before = len(session.sent_texts())
    for index in range(40):
        await chat.say(ann, f"detail {index}")
    assert len(session.sent_texts()) == before  # listening quietly, not answering each line
    await chat.say(ann, "✅ That's everything")
    await chat.press_button(ann, session, "Transport or packaging")
    for _ in range(2):
        await chat.press_button(ann, session, "Skip")
    await chat.press_button(ann, session, "An exchange")
    await chat.say(ann, "Ann 13800138000")
    summary = session.sent_texts()[-1]
    assert "detail 0" in summary and "detail 39" in summary
    assert "<b>Attachments:</b> 3" in summary


async def test_a_twenty_thousand_character_message_is_refused_kindly(
    chat: Chatter, session: RecordingSession
) -> None:
    ann = person(18, "en", "Ann")
    await chat.say(ann, "y" * 20_000)
    assert session.sent_texts()[-1].startswith("That is more than I can keep in one complaint.")


async def test_a_returning_customer_is_not_asked_for_their_phone_again(
    chat: Chatter, session: RecordingSession
) -> None:
    ann = person(19, "en", "Ann")
    for story in ("The first parcel was late.", "The second parcel was late too."):
        await chat.say(ann, story)
        if story.startswith("The second"):  # the first case is open: Ann says it is new
            await chat.press_button(ann, session, "🆕 Something new")
        await chat.say(ann, "✅ That's everything")
        await chat.press_button(ann, session, "Transport or packaging")
        for _ in range(2):
            await chat.press_button(ann, session, "Skip")
        await chat.press_button(ann, session, "An explanation")
        if story.startswith("The first"):
            await chat.say(ann, "Ann Smith 13800138000")
        assert session.sent_texts()[-1].startswith("Let me make sure")
        await chat.press_button(ann, session, "✅ Yes, that's right")
    asked = [t for t in session.sent_texts() if t.startswith("How can we reach you?")]
    assert len(asked) == 1


async def test_a_story_of_harm_is_met_with_care_first_and_files_a_major_case(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    li = person(12, "zh-hans", "Li")
    await chat.say(li, "辣椒油里面有一小块玻璃碴！孩子吃了一口，现在在医院。")
    care, listening = session.sent_texts()[-2:]
    assert care.startswith("非常抱歉。首先想问一句：大家都还好吗？")
    assert "请先就医" in care
    assert "说完后请点“说完了”" in listening
    await chat.say(li, "医生说没有大碍。")  # said once, not at every mention
    assert not [t for t in session.sent_texts() if t.startswith("非常抱歉")][1:]
    await chat.say(li, "✅ 说完了")
    await chat.press_button(li, session, "产品质量")
    await chat.say(li, "辣椒油 500ml")
    await chat.say(li, "南京路门店")
    await chat.press_button(li, session, "今天")
    await chat.press_button(li, session, "换货")
    await chat.say(li, contact=Contact(phone_number="+8613800138001", first_name="Li",
                                       user_id=12))
    await chat.press_button(li, session, "✅ 对，没错")
    customer = await people.find_by_telegram(bot_db, 12)
    assert customer is not None
    [listed] = await queries.cases_of_customer(bot_db.uow(), customer.id)
    case, _history = await queries.case_with_history(bot_db.uow(), listed.id,
                                                     _actor(customer.id))
    # The test policy counts safety as major (tests/factories.py), not injury.
    assert case.severity is Severity.MAJOR
    assert case.intake.triggers == {MajorTrigger.SAFETY, MajorTrigger.INJURY}


async def test_ordinary_words_raise_no_alarm(chat: Chatter, session: RecordingSession) -> None:
    ann = person(13, "en", "Ann")
    await chat.say(ann, "My new glasses arrived scratched and the knitted sweater pills.")
    assert not [t for t in session.sent_texts() if t.startswith("I'm so sorry. Before")]


async def test_a_demand_may_be_skipped_only_where_the_policy_does_not_require_one(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database
) -> None:
    async def to_the_demand(chatter: Chatter, user_id: int) -> list[str]:
        ann = person(user_id, "en", "Ann")
        await chatter.say(ann, "The parcel arrived crushed.")
        await chatter.say(ann, "✅ That's everything")
        await chatter.press_button(ann, session, "Transport or packaging")
        for _ in range(2):
            await chatter.press_button(ann, session, "Skip")
        await chatter.press_button(ann, session, "Yesterday")
        [question] = [m for m in session.requests if getattr(m, "text", None) ==
                      "What would you like us to do about it?"][-1:]
        return [b.text for row in question.reply_markup.inline_keyboard for b in row]

    # The tests' policy keeps the default: a concrete demand is required (001 §4.3 d).
    assert "Skip" not in await to_the_demand(chat, 31)
    lenient = organisation_from_mapping({
        "name": "Test Dairy", "default_language": "en",
        "policy": {**POLICY, "validity": {"demand_required": False}}}, "<test>")
    rules = Rules.build(lenient.policy, ManualClock(datetime(2026, 11, 2, 2, 0, tzinfo=UTC)))
    elsewhere = Chatter(build_dispatcher(db=bot_db, rules=rules, organisation=lenient,
                                         storage=SqlStorage(bot_db), i18n=make_i18n("en")), bot)
    assert "Skip" in await to_the_demand(elsewhere, 32)
    ann = person(32, "en", "Ann")
    await elsewhere.press_button(ann, session, "Skip")
    await elsewhere.say(ann, contact=Contact(phone_number="+8613800138002", first_name="Ann",
                                             user_id=32))
    assert "<b>You would like:</b> not given" in session.sent_texts()[-1]
    await elsewhere.press_button(ann, session, "✅ Yes, that's right")
    assert session.sent_texts()[-1].startswith("Thank you. Your complaint is registered")


async def test_a_time_typed_in_words_is_kept_as_the_day_it_was(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    li = person(15, "zh-hant", "Li")
    await chat.say(li, "網購的電飯煲壞了。")
    await chat.say(li, "✅ 說完了")
    await chat.press_button(li, session, "產品品質")
    await chat.say(li, "電飯煲 A100")
    await chat.press_button(li, session, "跳過")
    await chat.say(li, "上週五")  # Monday 2 November: Friday 30 October
    await chat.press_button(li, session, "換貨")
    await chat.say(li, contact=Contact(phone_number="+85291234567", first_name="Li",
                                       user_id=15))
    assert "<b>發生時間：</b>2026年10月30日" in session.sent_texts()[-1]
    await chat.press_button(li, session, "✅ 對，沒錯")
    customer = await people.find_by_telegram(bot_db, 15)
    assert customer is not None
    [listed] = await queries.cases_of_customer(bot_db.uow(), customer.id)
    case, _history = await queries.case_with_history(bot_db.uow(), listed.id,
                                                     _actor(customer.id))
    assert case.intake.occurred == "2026-10-30"


async def test_the_day_the_story_names_is_offered_for_one_tap(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    """Issue 16.5: "今天打开一瓶…" no longer gets a blank "when?"; the day is offered."""
    li = person(16, "zh-hans", "Li")
    await chat.say(li, "你好！今天打开一瓶辣椒油，里面有一小块玻璃碴。")
    await chat.say(li, "✅ 说完了")
    await chat.press_button(li, session, "产品质量")
    await chat.say(li, "辣椒油 500ml")
    await chat.press_button(li, session, "跳过")
    question = session.sent_texts()[-1]
    assert question.startswith("是什么时候发生的？您提到“今天”：点按确认这一天")
    await chat.press_button(li, session, "✅ 2026年11月2日")  # Monday 2 November
    await chat.press_button(li, session, "换货")
    await chat.say(li, contact=Contact(phone_number="+8613800138016", first_name="Li",
                                       user_id=16))
    assert "<b>发生时间：</b>2026年11月2日" in session.sent_texts()[-1]


async def test_an_english_story_offers_its_day_too(chat: Chatter, session: RecordingSession
                                                   ) -> None:
    ann = person(17, "en", "Ann")
    await chat.say(ann, "The parcel I got on Saturday was crushed.")
    await chat.say(ann, "✅ That's everything")
    await chat.press_button(ann, session, "Transport or packaging")
    await chat.press_button(ann, session, "Skip")
    assert session.sent_texts()[-1].startswith("When did it happen? You wrote “on Saturday”")
    await chat.press_button(ann, session, "✅ Oct 31, 2026")


@pytest.mark.parametrize(("language", "story", "done", "category", "place", "confirm"), [
    ("zh-hans", "上周六在南京路门店买的鲜牛奶，打开就是酸的。", "✅ 说完了", "产品质量",
     "南京路门店", "您提到“南京路门店”：点按确认"),
    ("zh-hant", "上週六在彌敦道分店買的牛奶是酸的。", "✅ 說完了", "產品品質", "彌敦道分店",
     "您提到「彌敦道分店」"),
    ("en", "I bought sour milk at the Nanjing Road store.", "✅ That's everything",
     "Product quality", "Nanjing Road store", "You wrote “Nanjing Road store”: tap to confirm"),
])
async def test_the_place_the_story_names_is_offered_for_one_tap(
    chat: Chatter, session: RecordingSession, language: str, story: str, done: str,
    category: str, place: str, confirm: str
) -> None:
    """Issue 16.5: where it happened is read out of the story, like the day."""
    customer = person(19, language, "Li")
    await chat.say(customer, story)
    await chat.say(customer, done)
    await chat.press_button(customer, session, category)
    await chat.say(customer, "Milk 1L")
    assert confirm in session.sent_texts()[-1]
    await chat.press_button(customer, session, "✅ " + place)
    await chat.press_button(customer, session, "Yesterday" if language == "en" else "昨天")
    await chat.press_button(customer, session, {"en": "An exchange", "zh-hans": "换货"}.get(
        language, "換貨"))
    await chat.say(customer, contact=Contact(phone_number="+8613800138019", first_name="Li",
                                             user_id=19))
    assert place in session.sent_texts()[-1]  # the restatement, for the customer to confirm


async def test_a_customer_with_a_number_on_another_clock_reads_our_zone(
    chat: Chatter, session: RecordingSession
) -> None:
    """Issue 16.9: a London number at a Shanghai desk is told whose 17:00 it is, at filing
    and under /status."""
    ann = person(20, "en", "Ann")
    await chat.say(ann, "The yoghurt was mouldy.")
    await chat.say(ann, "✅ That's everything")
    await chat.press_button(ann, session, "Product quality")
    await chat.say(ann, "Yoghurt 500g")
    await chat.press_button(ann, session, "Skip")
    await chat.press_button(ann, session, "Yesterday")
    await chat.press_button(ann, session, "An exchange")
    await chat.say(ann, contact=Contact(phone_number="+447700900123", first_name="Ann",
                                        user_id=20))
    await chat.press_button(ann, session, "✅ Yes, that's right")
    assert ("We will answer you by <b>Mon, Nov 9, 2026 17:00 (China Time)</b> at the "
            "latest.") in session.sent_texts()[-1]
    await chat.say(ann, "/status")
    assert "Mon, Nov 9, 2026 17:00 (China Time)" in "\n".join(session.sent_texts()[-2:])


async def test_an_edited_message_updates_what_was_collected(
    chat: Chatter, session: RecordingSession
) -> None:
    """Issue 16.9: a typo corrected in Telegram is a correction, not a message lost."""
    ann = person(18, "en", "Ann")
    await chat.say(ann, "The yoghurt was mouldy.")
    story_id = chat.last_message_id
    await chat.say(ann, "✅ That's everything")
    await chat.press_button(ann, session, "Product quality")
    await chat.say(ann, "Yoghurt 500g")
    await chat.say(ann, "Store 21")
    place_id = chat.last_message_id
    await chat.press_button(ann, session, "Yesterday")
    await chat.press_button(ann, session, "An exchange")
    await chat.say(ann, contact=Contact(phone_number="+8613800138018", first_name="Ann",
                                        user_id=18))
    await chat.edit(ann, place_id, "Store 12, Nanjing Road")
    assert session.sent_texts()[-2] == "I have updated your answer."
    await chat.edit(ann, story_id, "The strawberry yoghurt was mouldy under the lid.")
    summary = session.sent_texts()[-1]
    assert session.sent_texts()[-2] == "I have updated what you told me."
    assert "<b>Where:</b> Store 12, Nanjing Road" in summary
    assert "<b>What happened:</b> The strawberry yoghurt was mouldy under the lid." in summary
