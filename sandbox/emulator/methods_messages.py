"""Text messages and message lifecycle: send, edit, delete, copy, forward, chat actions, callbacks."""

from __future__ import annotations

from typing import Any

from .api import Call, bad_request, method
from .checks import check_reply_markup, format_text
from .media import CAPTIONABLE, file_kind_of
from .model import MEDIA_KEYS, Chat, StoredMessage
from .sending import bot_is_admin, check_access, find_chat, find_message, post_as_bot, writable_chat

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message")
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}


@method("sendMessage", flood=True)
async def send_message(call: Call) -> dict[str, Any]:
    chat = writable_chat(call)
    text, entities = format_text(call.state, call.params["text"], call.get("parse_mode"), call.get("entities"))
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    if call.get("link_preview_options"):
        content["link_preview_options"] = call.params["link_preview_options"]
    return post_as_bot(call, chat, content)


# -- editing ----------------------------------------------------------------------------------

def _editable(call: Call) -> tuple[Chat, StoredMessage]:
    if call.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
    if call.get("chat_id") is None:
        raise bad_request("chat_id is empty")
    if call.get("message_id") is None:
        raise bad_request("message identifier is not specified")
    chat = find_chat(call)
    check_access(call, chat, write=True)
    stored = find_message(chat, call.params["message_id"], "message to edit not found")
    if stored.sender_id != call.bot.id:
        raise bad_request("message can't be edited")
    return chat, stored


def _apply_edit(call: Call, stored: StoredMessage, changes: dict[str, Any], removed: tuple[str, ...]
                ) -> dict[str, Any]:
    data = stored.data
    markup = call.get("reply_markup")
    check_reply_markup(markup)
    new_markup = markup if markup and "inline_keyboard" in markup else None
    same = all(data.get(k) == v for k, v in changes.items()) and all(k not in data for k in removed)
    if same and data.get("reply_markup") == new_markup:
        raise bad_request(NOT_MODIFIED)
    snapshot = {k: data[k] for k in ("text", "entities", "caption", "caption_entities", "reply_markup",
                                     "edit_date") if k in data}
    stored.history.append(snapshot)
    for key in removed:
        data.pop(key, None)
    data.update(changes)
    if new_markup is None:
        data.pop("reply_markup", None)  # omitting reply_markup removes the inline keyboard
    else:
        data["reply_markup"] = new_markup
    data["edit_date"] = call.state.now()
    call.state.changed()
    return data


@method("editMessageText", flood=True)
async def edit_message_text(call: Call) -> dict[str, Any]:
    _, stored = _editable(call)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    text, entities = format_text(call.state, call.params["text"], call.get("parse_mode"), call.get("entities"))
    changes: dict[str, Any] = {"text": text}
    if entities:
        changes["entities"] = entities
    return _apply_edit(call, stored, changes, () if entities else ("entities",))


@method("editMessageCaption", flood=True)
async def edit_message_caption(call: Call) -> dict[str, Any]:
    _, stored = _editable(call)
    if file_kind_of(stored.data) not in CAPTIONABLE:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = format_text(call.state, call.get("caption", ""), call.get("parse_mode"),
                                    call.get("caption_entities"), caption=True)
    changes: dict[str, Any] = {}
    if caption:
        changes["caption"] = caption
    if entities:
        changes["caption_entities"] = entities
    removed = tuple(k for k in ("caption", "caption_entities") if k not in changes)
    return _apply_edit(call, stored, changes, removed)


@method("editMessageReplyMarkup", flood=True)
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    _, stored = _editable(call)
    return _apply_edit(call, stored, {}, ())


# -- deleting ---------------------------------------------------------------------------------

def _delete(call: Call, chat: Chat, message_id: Any) -> None:
    stored = find_message(chat, message_id, "message to delete not found")
    if chat.is_group and stored.sender_id != call.bot.id and not bot_is_admin(call, chat, "can_delete_messages"):
        raise bad_request("message can't be deleted")
    stored.deleted = True
    call.state.changed()


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = find_chat(call)
    check_access(call, chat, write=False)
    _delete(call, chat, call.params["message_id"])
    return True


@method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    chat = find_chat(call)
    check_access(call, chat, write=False)
    for message_id in call.params["message_ids"]:
        try:
            _delete(call, chat, message_id)
        except Exception:  # deleteMessages skips what it cannot delete, as documented
            pass
    return True


# -- copy / forward ---------------------------------------------------------------------------

_CONTENT_KEYS = ("text", "entities", "caption", "caption_entities", "link_preview_options",
                 "has_media_spoiler", "show_caption_above_media", *MEDIA_KEYS)


def _source(call: Call, missing: str) -> StoredMessage:
    source_chat = find_chat(call, "from_chat_id")
    check_access(call, source_chat, write=False)
    stored = find_message(source_chat, call.params["message_id"], missing)
    if not any(k in stored.data for k in ("text", *MEDIA_KEYS)):
        raise bad_request("message can't be copied")
    return stored


@method("copyMessage", flood=True)
async def copy_message(call: Call) -> dict[str, Any]:
    source = _source(call, "message to copy not found")
    chat = writable_chat(call)
    content = {k: v for k, v in source.data.items() if k in _CONTENT_KEYS}
    if call.get("caption") is not None and file_kind_of(source.data):
        caption, entities = format_text(call.state, call.params["caption"], call.get("parse_mode"),
                                        call.get("caption_entities"), caption=True)
        content.pop("caption_entities", None)
        content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
    data = post_as_bot(call, chat, content)
    return {"message_id": data["message_id"]}


@method("forwardMessage", flood=True)
async def forward_message(call: Call) -> dict[str, Any]:
    source = _source(call, "message to forward not found")
    if source.data.get("has_protected_content"):
        raise bad_request("message can't be forwarded")
    chat = writable_chat(call)
    content = {k: v for k, v in source.data.items() if k in _CONTENT_KEYS}
    origin = source.data.get("forward_origin") or {
        "type": "user", "sender_user": source.data["from"], "date": source.data["date"]}
    content["forward_origin"] = origin
    return post_as_bot(call, chat, content, markup=False)


# -- misc ---------------------------------------------------------------------------------------

@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    chat = writable_chat(call)
    action = call.params.get("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append({"action": action, "thread_id": call.get("message_thread_id"), "date": call.state.now()})
    call.state.changed()  # watchers (the web chat) show the typing indicator
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    entry = call.bot.callbacks.get(str(call.params["callback_query_id"]))
    too_old = entry is not None and call.state.clock() - entry["created"] > call.state.callback_answer_timeout
    if entry is None or entry["answer"] is not None or too_old:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    if len(call.get("text", "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    entry["answer"] = {k: v for k, v in call.params.items() if k != "callback_query_id"}
    call.state.changed()
    return True
