"""Identity, chats, members and forum topics."""

from __future__ import annotations

from typing import Any

from .api import Call, bad_request, method
from .model import Chat, Topic
from .sending import bot_is_admin, check_access, find_chat, writable_chat
from .world import TOPIC_COLORS, chat_member_json

_GIFTS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
          "premium_subscription": False, "gifts_from_channels": False}


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return {**call.bot.user, "can_join_groups": True, "can_read_all_group_messages": not call.bot.privacy_mode,
            "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}


@method("logOut", "close")
async def log_out(call: Call) -> bool:
    return True


@method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    chat = find_chat(call)
    check_access(call, chat, write=False)
    info: dict[str, Any] = {**chat.short(), "accent_color_id": 0, "max_reaction_count": 11,
                            "accepted_gift_types": dict(_GIFTS)}
    if chat.type != "private":
        info["permissions"] = {"can_send_messages": True, "can_send_photos": True, "can_send_documents": True,
                               "can_send_voice_notes": True, "can_invite_users": True, "can_pin_messages": False,
                               "can_manage_topics": False}
    return info


def _member(call: Call, chat: Chat, user_id: int) -> dict[str, Any]:
    user = call.state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if chat.type == "private":
        if user_id not in (chat.id, call.bot.id):
            raise bad_request("user not found")
        return {"status": "member", "user": user}
    return chat_member_json(user, chat.members.get(user_id))


@method("getChatMember")
async def get_chat_member(call: Call) -> dict[str, Any]:
    chat = find_chat(call)
    check_access(call, chat, write=False)
    return _member(call, chat, int(call.params["user_id"]))


@method("getChatAdministrators")
async def get_chat_administrators(call: Call) -> list[dict[str, Any]]:
    chat = find_chat(call)
    check_access(call, chat, write=False)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    return [chat_member_json(call.state.users[uid], m) for uid, m in chat.members.items()
            if m.status in ("creator", "administrator")]


@method("getChatMemberCount", "getChatMembersCount")
async def get_chat_member_count(call: Call) -> int:
    chat = find_chat(call)
    check_access(call, chat, write=False)
    if chat.type == "private":
        return 2
    return sum(1 for m in chat.members.values() if m.is_member)


@method("leaveChat")
async def leave_chat(call: Call) -> bool:
    chat = find_chat(call)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    check_access(call, chat, write=True)
    call.state.set_bot_status(chat.id, "left", bot_id=call.bot.id)
    return True


@method("pinChatMessage", "unpinChatMessage", "unpinAllChatMessages")
async def pin_chat_message(call: Call) -> bool:
    chat = find_chat(call)
    check_access(call, chat, write=True)
    if chat.is_group and not bot_is_admin(call, chat, "can_pin_messages"):
        raise bad_request("not enough rights to manage pinned messages in the chat")
    return True


# -- forum topics -----------------------------------------------------------------------------

def _forum(call: Call, right_needed: bool = True) -> Chat:
    chat = writable_chat(call)
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    if right_needed and not bot_is_admin(call, chat, "can_manage_topics"):
        raise bad_request("not enough rights to create a topic")
    return chat


def _topic(call: Call, chat: Chat) -> Topic:
    thread_id = call.params.get("message_thread_id")
    topic = chat.topics.get(int(thread_id)) if thread_id else None
    if topic is None or topic.deleted:
        raise bad_request("message thread not found")
    return topic


def _service(call: Call, chat: Chat, topic: Topic, content: dict[str, Any]) -> None:
    call.state.post_message(chat, call.bot.user, content, thread_id=topic.thread_id)


@method("createForumTopic")
async def create_forum_topic(call: Call) -> dict[str, Any]:
    chat = _forum(call)
    name = call.params["name"]
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    color = int(call.get("icon_color", TOPIC_COLORS[0]))
    if color not in TOPIC_COLORS:
        raise bad_request("invalid icon_color specified")
    topic = Topic(chat.next_message_id, name, color, call.get("icon_custom_emoji_id"))
    chat.topics[topic.thread_id] = topic
    created = {"name": name, "icon_color": color}
    if topic.icon_custom_emoji_id:
        created["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
    _service(call, chat, topic, {"forum_topic_created": created})
    out = {"message_thread_id": topic.thread_id, "name": name, "icon_color": color}
    if topic.icon_custom_emoji_id:
        out["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
    return out


@method("editForumTopic")
async def edit_forum_topic(call: Call) -> bool:
    chat = _forum(call)
    topic = _topic(call, chat)
    name, emoji = call.get("name"), call.get("icon_custom_emoji_id")
    if (name is None or name == topic.name) and (emoji is None or emoji == topic.icon_custom_emoji_id):
        raise bad_request("TOPIC_NOT_MODIFIED")
    edited: dict[str, Any] = {}
    if name is not None:
        topic.name = edited["name"] = name
    if emoji is not None:
        topic.icon_custom_emoji_id = edited["icon_custom_emoji_id"] = emoji
    _service(call, chat, topic, {"forum_topic_edited": edited})
    return True


@method("closeForumTopic", "reopenForumTopic")
async def close_forum_topic(call: Call) -> bool:
    chat = _forum(call)
    topic = _topic(call, chat)
    closing = call.method.lower() == "closeforumtopic"
    if topic.closed == closing:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closing
    _service(call, chat, topic, {"forum_topic_closed" if closing else "forum_topic_reopened": {}})
    return True


@method("deleteForumTopic")
async def delete_forum_topic(call: Call) -> bool:
    chat = _forum(call)
    topic = _topic(call, chat)
    if not bot_is_admin(call, chat, "can_delete_messages"):
        raise bad_request("not enough rights to delete a topic")
    topic.deleted = True
    for stored in chat.messages.values():
        if stored.thread_id == topic.thread_id:
            stored.deleted = True
    call.state.changed()
    return True


@method("unpinAllForumTopicMessages")
async def unpin_all_forum_topic_messages(call: Call) -> bool:
    chat = _forum(call, right_needed=False)
    _topic(call, chat)
    return True
