"""Scenario helpers that model events a bot hears about: joins, topics, edits, deleted accounts."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramForbiddenError

from sandbox.emulator import EmulatorError


async def test_member_joins_produce_service_message_and_opt_in_chat_member_update(bot, state):
    owner, agent = state.create_user("Owner"), state.create_user("Agent")
    group = state.create_group("Dept", owner_id=owner["id"])  # the bot is an administrator
    update = state.add_member(group["id"], agent["id"])
    assert update["message"]["new_chat_members"][0]["id"] == agent["id"]
    assert [k for u in state.pending_updates() for k in u if k != "update_id"] == ["message"]  # chat_member opt-in
    await bot.get_updates(allowed_updates=["message", "chat_member"], offset=update["update_id"] + 1)
    state.remove_member(group["id"], agent["id"], kicked=True)
    kinds = [k for u in state.pending_updates() for k in u if k != "update_id"]
    assert kinds == ["chat_member", "message"]
    assert state.pending_updates()[0]["chat_member"]["new_chat_member"]["status"] == "kicked"


async def test_user_created_topic_and_user_edits_reach_the_bot(state):
    owner = state.create_user("Owner")
    forum = state.create_forum("Support", owner_id=owner["id"])
    created = state.create_topic(forum["id"], "Refund", by_user_id=owner["id"])
    thread_id = created["message"]["message_thread_id"]
    assert created["message"]["forum_topic_created"]["name"] == "Refund"
    posted = state.send_text(owner["id"], "details", chat_id=forum["id"], thread_id=thread_id)
    edited = state.edit_text(owner["id"], posted["message"]["message_id"], "more details", chat_id=forum["id"])
    assert edited["edited_message"]["text"] == "more details" and edited["edited_message"]["edit_date"]
    assert state.transcript(forum["id"])[-1]["edits"][0]["text"] == "details"


async def test_deactivated_account_and_misuse_errors(bot, state, user):
    state.deactivate_user(user["id"])
    with pytest.raises(TelegramForbiddenError, match="Forbidden: user is deactivated"):
        await bot.send_message(user["id"], "hello?")
    with pytest.raises(EmulatorError, match="unknown user"):
        state.send_text(999, "ghost")
    group = state.create_group("Closed", bot_status="member")
    with pytest.raises(EmulatorError, match="not a member"):
        state.send_text(user["id"], "let me in", chat_id=group["id"])


async def test_bot_promotion_is_a_my_chat_member_update(bot, state):
    owner = state.create_user("Owner")
    group = state.create_group("Dept", owner_id=owner["id"], bot_status="member")
    update = state.set_bot_status(group["id"], "administrator", rights={"can_manage_topics": False})
    member = update["my_chat_member"]["new_chat_member"]
    assert member["status"] == "administrator" and member["can_manage_topics"] is False
    me = await bot.get_chat_member(group["id"], (await bot.get_me()).id)
    assert me.status == "administrator" and me.can_delete_messages
