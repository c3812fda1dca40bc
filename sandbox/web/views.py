"""What the web chat shows, built from the emulator state: chats, messages, typing.

The browser renders text from Telegram's entities (as real clients do), so bot texts sent
with parse_mode HTML arrive here already parsed by the emulator; nothing is pre-rendered.
A Tracker remembers what one browser has seen and hands out only what changed.
"""

from __future__ import annotations

from typing import Any

from sandbox.emulator.model import Chat, StoredMessage
from sandbox.emulator.state import EmulatorState

TYPING_SECONDS = 5  # Telegram shows a chat action for about five seconds
FILE_ROUTE = "/chat/file/"
_MEDIA = ("photo", "sticker", "animation", "video", "voice", "audio", "document")


def person_name(user: dict[str, Any] | None) -> str:
    if not user:
        return ""
    return " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)


def visible_chats(state: EmulatorState) -> list[Chat]:
    """Groups the bot is in and private chats of people (not bots), in a stable order."""
    chats = [c for c in state.chats.values()
             if (c.type == "private" and c.user and not c.user.get("is_bot"))
             or (c.is_group and c.migrated_to is None)]
    return sorted(chats, key=lambda c: (c.type != "private", c.id if c.type == "private" else -c.id))


def chat_view(state: EmulatorState, chat: Chat) -> dict[str, Any]:
    private = chat.type == "private"
    members = ([chat.id] if private else
               [uid for uid, m in chat.members.items()
                if m.is_member and not state.users.get(uid, {}).get("is_bot")])
    return {
        "id": chat.id, "type": chat.type, "is_forum": chat.is_forum,
        "title": person_name(chat.user) if private else chat.title,
        "members": members,
        "topics": [{"thread_id": t.thread_id, "name": t.name, "closed": t.closed}
                   for t in chat.topics.values() if not t.deleted],
        "keyboard": _reply_keyboard(chat.keyboard),
    }


def _reply_keyboard(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]] | None:
    if not markup or "keyboard" not in markup:
        return None
    return [[b if isinstance(b, dict) else {"text": b} for b in row] for row in markup["keyboard"]]


def _file_url(state: EmulatorState, file_id: str | None) -> str | None:
    stored = state.files.get(file_id or "")
    return FILE_ROUTE + stored.file_path if stored else None


def _media(state: EmulatorState, data: dict[str, Any]) -> dict[str, Any] | None:
    kind = next((k for k in _MEDIA if k in data), None)
    if kind is None:
        return None
    obj = data[kind][-1] if kind == "photo" else data[kind]  # the largest photo size comes last
    return {"kind": kind, "url": _file_url(state, obj.get("file_id")),
            "file_name": obj.get("file_name"), "mime_type": obj.get("mime_type"),
            "size": obj.get("file_size"), "duration": obj.get("duration")}


def _service(data: dict[str, Any]) -> str | None:
    if "forum_topic_created" in data:
        return f"Topic created: {data['forum_topic_created'].get('name', '')}"
    if "new_chat_members" in data:
        return "Joined: " + ", ".join(person_name(u) for u in data["new_chat_members"])
    if "left_chat_member" in data:
        return f"Left: {person_name(data['left_chat_member'])}"
    for key in ("forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
                "migrate_to_chat_id", "migrate_from_chat_id", "group_chat_created"):
        if key in data:
            return key.replace("_", " ").capitalize()
    return None


def _quote(data: dict[str, Any]) -> dict[str, Any] | None:
    quoted = data.get("reply_to_message")
    if not quoted or "forum_topic_created" in quoted:
        return None  # forum messages "reply" to their topic's first message: not a real quote
    snippet = quoted.get("text") or quoted.get("caption") or next(
        (f"[{k}]" for k in (*_MEDIA, "contact", "location") if k in quoted), "")
    return {"message_id": quoted.get("message_id"), "from": person_name(quoted.get("from")),
            "text": snippet[:140]}


def message_view(state: EmulatorState, chat: Chat, stored: StoredMessage) -> dict[str, Any]:
    data = stored.data
    sender = data.get("from") or {}
    text = data.get("text")
    view: dict[str, Any] = {
        "chat_id": chat.id, "message_id": stored.message_id, "thread_id": stored.thread_id,
        "from": {"id": sender.get("id"), "name": person_name(sender),
                 "is_bot": bool(sender.get("is_bot"))},
        "date": data.get("date"), "deleted": stored.deleted, "edited": "edit_date" in data,
        "text": text if text is not None else data.get("caption"),
        "entities": data.get("entities") if text is not None else data.get("caption_entities"),
        "media": _media(state, data), "reply_to": _quote(data),
        "contact": data.get("contact"), "location": data.get("location"),
        "service": None if text is not None else _service(data),
        "inline_keyboard": (data.get("reply_markup") or {}).get("inline_keyboard"),
        "force_reply": bool((stored.keyboard or {}).get("force_reply")),
    }
    return view


class Tracker:
    """What one browser has been sent; collect() answers only the differences."""

    def __init__(self, state: EmulatorState, clock_view: Any) -> None:
        self.state = state
        self.clock_view = clock_view  # callable -> dict describing the sandbox time
        self.chats: dict[int, Any] = {}
        self.messages: dict[tuple[int, int], tuple[int, bool]] = {}
        self.actions: dict[int, int] = {}
        self.clock: Any = None

    def collect(self) -> dict[str, Any] | None:
        state = self.state
        out: dict[str, Any] = {"chats": [], "messages": [], "typing": []}
        now = state.now()
        for chat in visible_chats(state):
            view = chat_view(state, chat)
            if self.chats.get(chat.id) != view:
                self.chats[chat.id] = view
                out["chats"].append(view)
            for stored in list(chat.messages.values()):
                # Edits append to history; deleting flips a flag: together they mark a change.
                sig = (len(stored.history), stored.deleted)
                key = (chat.id, stored.message_id)
                if self.messages.get(key) != sig:
                    self.messages[key] = sig
                    out["messages"].append(message_view(state, chat, stored))
            seen = self.actions.get(chat.id, 0)
            self.actions[chat.id] = len(chat.actions)
            for action in chat.actions[seen:]:
                if now - action["date"] <= TYPING_SECONDS:
                    out["typing"].append({"chat_id": chat.id, "thread_id": action["thread_id"],
                                          "action": action["action"]})
        clock = self.clock_view()
        if clock != self.clock:
            self.clock = clock
            out["clock"] = clock
        return out if any(out.values()) else None
