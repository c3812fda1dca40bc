"""Message lifecycle, access rules, callbacks, forums and files, seen through a real aiogram Bot."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramMigrateToChat, TelegramNotFound
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)

from sandbox.emulator import tiny_png

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


def menu(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=d.title(), callback_data=d)] for d in data])


async def test_editing_to_identical_text_and_markup_is_not_modified(bot, user, state):
    sent = await bot.send_message(user["id"], "<b>Case 7</b>", parse_mode="HTML", reply_markup=menu("ok"))
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text("<b>Case 7</b>", chat_id=user["id"], message_id=sent.message_id,
                                    parse_mode="HTML", reply_markup=menu("ok"))
    assert caught.value.message == NOT_MODIFIED
    edited = await bot.edit_message_text("Case 7 closed", chat_id=user["id"], message_id=sent.message_id)
    assert edited.text == "Case 7 closed" and edited.reply_markup is None and edited.edit_date
    entry = state.transcript(user["id"])[-1]
    assert entry["text"] == "Case 7 closed"
    assert entry["edits"][0]["text"] == "Case 7" and entry["edits"][0]["reply_markup"]["inline_keyboard"]


async def test_edit_and_delete_of_missing_messages(bot, user, state):
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to edit not found"):
        await bot.edit_message_text("x", chat_id=user["id"], message_id=999)
    sent = await bot.send_message(user["id"], "temporary")
    assert await bot.delete_message(user["id"], sent.message_id)
    assert state.transcript(user["id"])[-1]["deleted"] is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user["id"], sent.message_id)


async def test_private_chat_access_rules(bot, state):
    stranger = state.create_user("Stranger")
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot can't initiate conversation with a user"):
        await bot.send_message(stranger["id"], "hi")
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(424242, "hi")
    state.start(stranger["id"])
    await bot.send_message(stranger["id"], "welcome")
    update = state.block_bot(stranger["id"])
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(stranger["id"], "still there?")
    state.unblock_bot(stranger["id"])
    await bot.send_message(stranger["id"], "welcome back")


async def test_group_membership_rules_and_my_chat_member_updates(bot, state):
    owner = state.create_user("Owner")
    group = state.create_group("Dept", type="group", owner_id=owner["id"], bot_status=None)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(group["id"], "not in it")
    added = state.add_bot(group["id"], by_user_id=owner["id"])
    assert added["my_chat_member"]["new_chat_member"]["status"] == "member"
    await bot.send_message(group["id"], "hello group")
    removed = state.remove_bot(group["id"], by_user_id=owner["id"])
    assert removed["my_chat_member"]["old_chat_member"]["status"] == "member"
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was kicked from the group chat"):
        await bot.send_message(group["id"], "anyone?")
    kinds = [next(k for k in u if k != "update_id") for u in state.pending_updates()]
    assert kinds == ["my_chat_member", "message", "my_chat_member"]


async def test_upgraded_group_answers_with_migrate_to_chat_id(bot, state):
    owner = state.create_user("Owner")
    group = state.create_group("Old", type="group", owner_id=owner["id"], bot_status="member")
    new = state.upgrade_group(group["id"])
    with pytest.raises(TelegramMigrateToChat) as caught:
        await bot.send_message(group["id"], "x")
    assert caught.value.migrate_to_chat_id == new["id"]


async def test_privacy_mode_hides_plain_group_chatter_from_a_non_admin_bot(state):
    owner = state.create_user("Owner")
    group = state.create_group("Chat", owner_id=owner["id"], bot_status="member")
    assert state.send_text(owner["id"], "just talking", chat_id=group["id"])["update_id"] is None
    assert state.send_command(owner["id"], "help", chat_id=group["id"], mention=True)["update_id"] is not None


async def test_callback_button_round_trip_through_a_dispatcher(bot, user, state):
    router = Router()

    @router.message(CommandStart())
    async def on_start(message: Message) -> None:
        await message.answer("Choose", reply_markup=menu("file", "track"))

    @router.callback_query(F.data == "file")
    async def on_file(query: CallbackQuery) -> None:
        await query.answer("Filing…", show_alert=True)
        await query.message.edit_text("Filing a complaint")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    polling = asyncio.create_task(dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False,
                                                           close_bot_session=False))
    try:
        state.start(user["id"])
        [prompt] = await state.wait_for_bot_message(user["id"])
        assert [b["callback_data"] for row in prompt["reply_markup"]["inline_keyboard"] for b in row] == \
            ["file", "track"]
        press = state.press_button(user["id"], prompt["message_id"], data="file")
        await state.wait_until(lambda: state.bot_messages(user["id"])[-1]["text"] == "Filing a complaint")
        answer = state.callback_answer(press["callback_query"]["id"])
        assert answer == {"text": "Filing…", "show_alert": True}
        assert "reply_markup" not in state.bot_messages(user["id"])[-1]
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_callback_query_can_be_answered_only_once(bot, user, state):
    sent = await bot.send_message(user["id"], "menu", reply_markup=menu("a"))
    press = state.press_button(user["id"], sent.message_id, text="A")
    assert await bot.answer_callback_query(press["callback_query"]["id"])
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(press["callback_query"]["id"])


async def test_forum_topic_messages_carry_the_thread_id(bot, state):
    owner = state.create_user("Owner")
    member = state.create_user("Agent")
    forum = state.create_forum("Support", owner_id=owner["id"], members=[member["id"]])
    topic = await bot.create_forum_topic(forum["id"], "Case 2024-0001")
    sent = await bot.send_message(forum["id"], "Assigned to you", message_thread_id=topic.message_thread_id)
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    assert sent.reply_to_message.forum_topic_created.name == "Case 2024-0001"
    reply = state.send_text(member["id"], "on it", chat_id=forum["id"], thread_id=topic.message_thread_id)
    assert reply["message"]["message_thread_id"] == topic.message_thread_id
    await bot.close_forum_topic(forum["id"], topic.message_thread_id)
    await bot.send_message(forum["id"], "admins may still post", message_thread_id=topic.message_thread_id)
    await bot.delete_forum_topic(forum["id"], topic.message_thread_id)
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(forum["id"], "gone", message_thread_id=topic.message_thread_id)
    plain = state.create_group("Plain", owner_id=owner["id"])
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(plain["id"], "x")


async def test_file_upload_get_file_and_download_round_trip(bot, user, state):
    payload = b"%PDF-1.4 complaint evidence"
    sent = await bot.send_document(user["id"], BufferedInputFile(payload, "evidence.pdf"), caption="Evidence")
    assert sent.document.file_name == "evidence.pdf" and sent.caption == "Evidence"
    info = await bot.get_file(sent.document.file_id)
    downloaded = await bot.download_file(info.file_path)
    assert downloaded.read() == payload
    resent = await bot.send_document(user["id"], sent.document.file_id)  # by file_id
    assert resent.document.file_unique_id == sent.document.file_unique_id
    photo_update = state.send_photo(user["id"], tiny_png(640, 480), caption="the broken part")
    sizes = photo_update["message"]["photo"]
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (640, 480)
    photo_file = await bot.get_file(sizes[-1]["file_id"])
    assert (await bot.download_file(photo_file.file_path)).read()[:4] == b"\x89PNG"
    with pytest.raises(TelegramBadRequest, match="wrong file_id"):
        await bot.get_file("nonsense")


async def test_albums_voice_contact_and_location_from_a_user(state, user):
    album = state.send_media_group(user["id"], [{"type": "photo", "caption": "front"}, {"type": "photo"}])
    group_ids = {u["message"]["media_group_id"] for u in album}
    assert len(group_ids) == 1 and album[0]["message"]["caption"] == "front"
    assert state.send_voice(user["id"], duration=4)["message"]["voice"]["duration"] == 4
    contact = state.send_contact(user["id"], "+8613800000000")["message"]["contact"]
    assert contact == {"phone_number": "+8613800000000", "first_name": "Ann", "user_id": user["id"]}
    assert state.send_location(user["id"], 31.23, 121.47)["message"]["location"]["latitude"] == 31.23
    assert state.send_document(user["id"], b"x", file_name="a.txt", mime_type="text/plain")["message"][
        "document"]["mime_type"] == "text/plain"
    for action in (state.send_video, state.send_animation, state.send_sticker, state.send_audio):
        assert action(user["id"])["update_id"] is not None


async def test_bot_sends_album_copy_and_forward(bot, user, state):
    photos = [InputMediaPhoto(media=BufferedInputFile(tiny_png(), f"{i}.png"), caption=f"p{i}") for i in range(3)]
    album = await bot.send_media_group(user["id"], photos)
    assert len({m.media_group_id for m in album}) == 1 and [m.caption for m in album] == ["p0", "p1", "p2"]
    original = state.send_text(user["id"], "my complaint")["message"]
    copied = await bot.copy_message(user["id"], user["id"], original["message_id"])
    assert state.transcript(user["id"])[-1]["message"]["message_id"] == copied.message_id
    forwarded = await bot.forward_message(user["id"], user["id"], original["message_id"])
    assert forwarded.forward_origin.sender_user.id == user["id"] and forwarded.text == "my complaint"
    assert await bot.send_chat_action(user["id"], "typing")


async def test_commands_per_scope_and_language(bot, user):
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands([BotCommand(command="start", description="开始")], language_code="zh")
    scope = BotCommandScopeChat(chat_id=user["id"])
    await bot.set_my_commands([BotCommand(command="case", description="My case")], scope=scope)
    assert [c.description for c in await bot.get_my_commands()] == ["Start"]
    assert [c.description for c in await bot.get_my_commands(language_code="zh")] == ["开始"]
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["case"]
    await bot.delete_my_commands(scope=scope)
    assert await bot.get_my_commands(scope=scope) == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
    assert await bot.set_my_description("Complaint desk")
    assert (await bot.get_my_description()).description == "Complaint desk"


async def test_chat_and_member_queries(bot, state):
    owner = state.create_user("Owner")
    agent = state.create_user("Agent")
    group = state.create_group("Dept", owner_id=owner["id"], members=[agent["id"]])
    chat = await bot.get_chat(group["id"])
    assert chat.title == "Dept" and chat.type == "supergroup"
    assert (await bot.get_chat_member(group["id"], agent["id"])).status == "member"
    admins = await bot.get_chat_administrators(group["id"])
    assert {a.status for a in admins} == {"creator", "administrator"}
    state.remove_member(group["id"], agent["id"])
    assert (await bot.get_chat_member(group["id"], agent["id"])).status == "left"


async def test_unknown_method_is_404_and_unmodelled_boolean_methods_are_accepted(bot, emulator, user):
    import aiohttp

    from .conftest import TOKEN

    async with aiohttp.ClientSession() as http, \
            http.post(f"{emulator.base_url}/bot{TOKEN}/sendTelepathy", json={}) as resp:
        assert resp.status == 404 and (await resp.json())["description"].startswith("Not Found")
    assert await bot.set_message_reaction(user["id"], 1)  # accepted as a no-op returning True
    assert emulator.state.requests("setMessageReaction")[0]["noop"] is True
    with pytest.raises(TelegramNotFound):
        from aiogram.methods import GetMe

        class Unknown(GetMe):
            __api_method__ = "getYou"

        await bot(Unknown())


async def test_reply_keyboard_contact_button(bot, state):
    from aiogram.types import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

    person = state.create_user("Wang", started=True, phone_number="+8613912345678")
    share = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share phone", request_contact=True)],
                                          [KeyboardButton(text="Skip")]], one_time_keyboard=True)
    sent = await bot.send_message(person["id"], "Your phone, please", reply_markup=share)
    assert sent.reply_markup is None  # reply keyboards are not part of the Message object
    assert state.transcript(person["id"])[-1]["keyboard"]["keyboard"][0][0]["request_contact"] is True
    update = state.press_reply_button(person["id"], "Share phone")
    assert update["message"]["contact"] == {"phone_number": "+8613912345678", "first_name": "Wang",
                                            "user_id": person["id"]}
    assert state.current_keyboard(person["id"]) is None  # one_time_keyboard hides it
    await bot.send_message(person["id"], "menu", reply_markup=share)
    assert state.press_reply_button(person["id"], "Skip")["message"]["text"] == "Skip"
    await bot.send_message(person["id"], "done", reply_markup=ReplyKeyboardRemove())
    assert state.current_keyboard(person["id"]) is None
