"""Bot-side helpers shared by the method handlers: chat access rules, threads, replies, files.

The access rules mirror telegram-bot-api's check_chat_access: which situation yields
"chat not found" (400) versus the various 403 Forbidden texts.
"""

from __future__ import annotations

from typing import Any

from .api import Call, bad_request, forbidden
from .checks import check_reply_markup
from .media import media_content
from .model import Chat, Member, StoredFile, StoredMessage


def find_chat(call: Call, key: str = "chat_id") -> Chat:
    ref = call.params.get(key)
    if ref is None or ref == "":
        raise bad_request("chat_id is empty" if key == "chat_id" else f"{key} is empty")
    chat = call.state.find_chat(ref)
    if chat is None:
        raise bad_request("chat not found")
    if chat.is_group and chat.members.get(call.bot.id) is None:
        raise bad_request("chat not found")  # a group the bot was never in is invisible to it
    return chat


def bot_member(call: Call, chat: Chat) -> Member | None:
    return chat.members.get(call.bot.id)


def bot_is_admin(call: Call, chat: Chat, right: str | None = None) -> bool:
    member = bot_member(call, chat)
    if member is None or member.status not in ("creator", "administrator"):
        return False
    return member.status == "creator" or right is None or member.rights.get(right, True)


def check_access(call: Call, chat: Chat, *, write: bool) -> None:
    if chat.type == "private":
        user_id = chat.id
        user = call.state.users[user_id]
        if user.get("is_bot"):
            raise forbidden("bot can't send messages to bots")
        if not write:
            return
        if user_id in call.state.deactivated:
            raise forbidden("user is deactivated")
        if user_id in call.bot.blocked:
            raise forbidden("bot was blocked by the user")
        if user_id not in call.bot.started:
            raise forbidden("bot can't initiate conversation with a user")
        return
    if chat.migrated_to is not None and write:
        raise bad_request("group chat was upgraded to a supergroup chat", migrate_to_chat_id=chat.migrated_to)
    member = bot_member(call, chat)
    kind = "group chat" if chat.type == "group" else "supergroup chat"
    if member is not None and member.status == "kicked":
        raise forbidden(f"bot was kicked from the {kind}")
    if (member is None or not member.is_member) and (write or chat.type == "supergroup"):
        raise forbidden(f"bot is not a member of the {kind}")


def writable_chat(call: Call) -> Chat:
    chat = find_chat(call)
    check_access(call, chat, write=True)
    return chat


def resolve_thread(call: Call, chat: Chat) -> int | None:
    thread_id = call.params.get("message_thread_id")
    if not thread_id or not chat.is_forum:
        return None  # ignored outside forums, like the real server
    topic = chat.topics.get(int(thread_id))
    if topic is None or topic.deleted or int(thread_id) == 1:
        raise bad_request("message thread not found")
    if topic.closed and not bot_is_admin(call, chat, "can_manage_topics"):
        raise bad_request("TOPIC_CLOSED")
    return topic.thread_id


def resolve_reply(call: Call, chat: Chat) -> StoredMessage | None:
    params = call.params.get("reply_parameters") or {}
    message_id = params.get("message_id") or call.params.get("reply_to_message_id")
    if not message_id:
        return None
    source = chat
    if params.get("chat_id") is not None:
        source = call.state.find_chat(params["chat_id"]) or chat
    stored = source.messages.get(int(message_id))
    if stored is None or stored.deleted:
        if params.get("allow_sending_without_reply") or call.params.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return stored


def post_as_bot(call: Call, chat: Chat, content: dict[str, Any], *, markup: bool = True) -> dict[str, Any]:
    """Store a bot message honouring thread, reply, reply_markup and protect_content."""
    thread_id = resolve_thread(call, chat)
    reply = resolve_reply(call, chat)
    if reply is not None and reply.thread_id and thread_id is None:
        thread_id = reply.thread_id
    reply_markup = call.params.get("reply_markup") if markup else None
    check_reply_markup(reply_markup)
    if reply_markup and "inline_keyboard" in reply_markup:
        content["reply_markup"] = reply_markup  # only inline keyboards are part of a Message
    if call.params.get("protect_content"):
        content["has_protected_content"] = True
    stored = call.state.post_message(chat, call.bot.user, content, thread_id=thread_id, reply_to=reply)
    if reply_markup and "inline_keyboard" not in reply_markup:
        # Reply keyboards are not part of the Message object; keep them for the transcript
        # and for press_reply_button().
        stored.keyboard = reply_markup
        if reply_markup.get("remove_keyboard"):
            chat.keyboard = None
        elif "keyboard" in reply_markup:
            chat.keyboard = reply_markup
    return stored.data


def find_message(chat: Chat, message_id: Any, missing: str) -> StoredMessage:
    stored = chat.messages.get(int(message_id)) if message_id else None
    if stored is None or stored.deleted:
        raise bad_request(missing)
    return stored


def resolve_file(call: Call, value: Any, kind: str) -> StoredFile:
    """An InputFile field: "attach://<part>", a known file_id, or an http(s) URL."""
    state = call.state
    if not isinstance(value, str) or not value:
        raise bad_request(f"there is no {kind} in the request")
    if value.startswith("attach://"):
        upload = call.files.get(value[len("attach://"):])
        if upload is None:
            raise bad_request(f"there is no {kind} in the request")
        if not upload.data:
            raise bad_request("file must be non-empty")
        mime = upload.content_type if upload.content_type not in (None, "application/octet-stream") else None
        return state.store_file(upload.data, kind, file_name=upload.filename, mime_type=mime)
    if value.startswith(("http://", "https://")):
        # The real server downloads the URL; the emulator keeps no network access.
        return state.store_file(b"", kind, file_name=value.rsplit("/", 1)[-1] or None)
    stored = state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if (stored.kind == "photo") != (kind == "photo"):
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def file_content(call: Call, kind: str, stored: StoredFile, meta: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    return media_content(call.state, kind, stored, meta)
