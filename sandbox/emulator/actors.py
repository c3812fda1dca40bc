"""What simulated people do, mixed into EmulatorState: write, send media, press buttons, edit.

Every action stores the message in the chat's transcript and queues the update each bot
would receive (respecting group privacy mode and allowed_updates); it returns that Update
(update_id None when no bot receives it).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from .media import media_content, tiny_png
from .model import Chat, EmulatorError, StoredMessage
from .text import detect_entities

if TYPE_CHECKING:
    from .state import StateCore

    _Base = StateCore
else:
    _Base = object

_DEFAULT_BYTES = {
    "voice": b"OggS\x00\x02" + bytes(64),
    "audio": b"ID3\x03\x00" + bytes(64),
    "video": b"\x00\x00\x00\x18ftypmp42" + bytes(64),
    "animation": b"\x00\x00\x00\x18ftypmp42" + bytes(64),
    "document": b"%PDF-1.4\n% complaint desk emulator\n%%EOF\n",
}


class ActorsMixin(_Base):
    def _user_chat(self, user_id: int, chat_id: int | None, bot_id: int | None) -> tuple[dict, Chat]:
        user = self.user(user_id)
        if chat_id is None or int(chat_id) == int(user_id):
            chat = self.private_chat(int(user_id))
            bot = self.primary_bot(bot_id)
            if int(user_id) in bot.blocked:
                self.unblock_bot(user_id, bot_id=bot.id)  # writing to a blocked bot restarts it
            bot.started.add(int(user_id))
            return user, chat
        chat = self.chat(chat_id)
        member = chat.members.get(int(user_id))
        if member is None or not member.is_member:
            raise EmulatorError(f"user {user_id} is not a member of chat {chat_id}")
        return user, chat

    def _user_post(self, user_id: int, content: dict[str, Any], *, chat_id: int | None = None,
                   thread_id: int | None = None, reply_to: int | None = None, bot_id: int | None = None
                   ) -> dict[str, Any]:
        user, chat = self._user_chat(user_id, chat_id, bot_id)
        reply = None
        if reply_to is not None:
            reply = chat.messages.get(int(reply_to))
            if reply is None or reply.deleted:
                raise EmulatorError(f"no message {reply_to} in chat {chat.id}")
            thread_id = thread_id or reply.thread_id
        if thread_id is not None and chat.is_forum:
            topic = chat.topics.get(int(thread_id))
            if topic is None or topic.deleted:
                raise EmulatorError(f"no topic {thread_id} in chat {chat.id}")
        stored = self.post_message(chat, user, content, thread_id=thread_id, reply_to=reply)
        return self.deliver(chat, stored, bot_id=bot_id)

    # -- text -------------------------------------------------------------------------------

    def send_text(self, user_id: int, text: str, *, entities: list[dict] | None = None,
                  chat_id: int | None = None, thread_id: int | None = None, reply_to: int | None = None,
                  bot_id: int | None = None) -> dict[str, Any]:
        """The user writes `text` (entities for /commands, @mentions, links are detected)."""
        content: dict[str, Any] = {"text": text}
        found = detect_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return self._user_post(user_id, content, chat_id=chat_id, thread_id=thread_id, reply_to=reply_to,
                               bot_id=bot_id)

    def send_command(self, user_id: int, command: str, args: str = "", *, chat_id: int | None = None,
                     thread_id: int | None = None, mention: bool = False, bot_id: int | None = None
                     ) -> dict[str, Any]:
        """`/command args`; mention=True writes /command@botname as group users often do."""
        text = "/" + command.lstrip("/")
        if mention:
            text += "@" + self.primary_bot(bot_id).user["username"]
        if args:
            text += " " + args
        return self.send_text(user_id, text, chat_id=chat_id, thread_id=thread_id, bot_id=bot_id)

    def start(self, user_id: int, payload: str = "", *, bot_id: int | None = None) -> dict[str, Any]:
        """The user presses Start (optionally through a deep link with `payload`)."""
        return self.send_command(user_id, "start", payload, bot_id=bot_id)

    def edit_text(self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None,
                  bot_id: int | None = None) -> dict[str, Any]:
        """The user edits one of their messages; the bot gets edited_message."""
        _, chat = self._user_chat(user_id, chat_id, bot_id)
        stored = chat.messages.get(int(message_id))
        if stored is None or stored.sender_id != int(user_id) or "text" not in stored.data:
            raise EmulatorError(f"user {user_id} has no text message {message_id} in chat {chat.id}")
        stored.history.append(_snapshot(stored))
        stored.data["text"] = text
        stored.data.pop("entities", None)
        if found := detect_entities(text):
            stored.data["entities"] = found
        stored.data["edit_date"] = self.now()
        self.changed()
        return self.deliver(chat, stored, "edited_message", bot_id=bot_id)

    # -- media ------------------------------------------------------------------------------

    def _media(self, user_id: int, kind: str, data: bytes | None, *, caption: str | None = None,
               file_name: str | None = None, mime_type: str | None = None, meta: dict | None = None,
               media_group_id: str | None = None, **where: Any) -> dict[str, Any]:
        if data is None:
            data = tiny_png(512, 512) if kind == "sticker" else tiny_png() if kind == "photo" else _DEFAULT_BYTES[kind]
        stored = self.store_file(data, kind, file_name=file_name, mime_type=mime_type)
        content = media_content(self, kind, stored, meta)
        if caption:
            content["caption"] = caption
            if found := detect_entities(caption):
                content["caption_entities"] = found
        if media_group_id:
            content["media_group_id"] = media_group_id
        return self._user_post(user_id, content, **where)

    def send_photo(self, user_id: int, data: bytes | None = None, *, caption: str | None = None,
                   **where: Any) -> dict[str, Any]:
        """A photo (a generated 4x4 PNG unless `data` is given)."""
        return self._media(user_id, "photo", data, caption=caption, **where)

    def send_document(self, user_id: int, data: bytes | None = None, *, file_name: str = "document.pdf",
                      mime_type: str = "application/pdf", caption: str | None = None, **where: Any
                      ) -> dict[str, Any]:
        return self._media(user_id, "document", data, caption=caption, file_name=file_name, mime_type=mime_type,
                           **where)

    def send_voice(self, user_id: int, data: bytes | None = None, *, duration: int = 3, **where: Any
                   ) -> dict[str, Any]:
        return self._media(user_id, "voice", data, meta={"duration": duration}, **where)

    def send_video(self, user_id: int, data: bytes | None = None, *, duration: int = 5, width: int = 640,
                   height: int = 360, caption: str | None = None, **where: Any) -> dict[str, Any]:
        meta = {"duration": duration, "width": width, "height": height}
        return self._media(user_id, "video", data, caption=caption, meta=meta, file_name="video.mp4", **where)

    def send_audio(self, user_id: int, data: bytes | None = None, *, duration: int = 30, title: str | None = None,
                   **where: Any) -> dict[str, Any]:
        return self._media(user_id, "audio", data, meta={"duration": duration, "title": title},
                           file_name="audio.mp3", **where)

    def send_sticker(self, user_id: int, *, emoji: str = "👍", data: bytes | None = None, **where: Any
                     ) -> dict[str, Any]:
        return self._media(user_id, "sticker", data, meta={"emoji": emoji}, **where)

    def send_animation(self, user_id: int, data: bytes | None = None, *, caption: str | None = None,
                       **where: Any) -> dict[str, Any]:
        return self._media(user_id, "animation", data, caption=caption, file_name="animation.mp4",
                           meta={"duration": 2, "width": 320, "height": 240}, **where)

    def send_media_group(self, user_id: int, items: list[dict[str, Any]], **where: Any) -> list[dict[str, Any]]:
        """An album: items like {"type": "photo", "data": b"...", "caption": "..."}; one update each."""
        if not 2 <= len(items) <= 10:
            raise EmulatorError("an album has 2-10 items")
        group_id = str(secrets.randbelow(10**18) + 10**17)
        return [
            self._media(user_id, item.get("type", "photo"), item.get("data"), caption=item.get("caption"),
                        file_name=item.get("file_name"), mime_type=item.get("mime_type"),
                        media_group_id=group_id, **where)
            for item in items
        ]

    def send_contact(self, user_id: int, phone_number: str = "+15555550100", *, first_name: str | None = None,
                     last_name: str | None = None, own: bool = True, **where: Any) -> dict[str, Any]:
        """A shared contact; own=True is the "share my phone number" button (user_id included)."""
        user = self.user(user_id)
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name or user["first_name"]}
        if last_name or (own and user.get("last_name")):
            contact["last_name"] = last_name or user["last_name"]
        if own:
            contact["user_id"] = int(user_id)
        return self._user_post(user_id, {"contact": contact}, **where)

    def send_location(self, user_id: int, latitude: float, longitude: float, **where: Any) -> dict[str, Any]:
        return self._user_post(user_id, {"location": {"latitude": float(latitude), "longitude": float(longitude)}},
                               **where)

    # -- buttons ----------------------------------------------------------------------------

    def press_reply_button(self, user_id: int, text: str, *, chat_id: int | None = None,
                           latitude: float = 31.2304, longitude: float = 121.4737) -> dict[str, Any]:
        """Tap a button of the reply keyboard the bot showed: sends its text, or the user's
        contact / location for request_contact / request_location buttons."""
        chat = self.private_chat(int(user_id)) if chat_id is None else self.chat(chat_id)
        rows = (chat.keyboard or {}).get("keyboard", [])
        buttons = [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]
        button = next((b for b in buttons if b.get("text") == text), None)
        if button is None:
            raise EmulatorError(f"no reply keyboard button {text!r}; buttons: {[b.get('text') for b in buttons]}")
        if chat.keyboard.get("one_time_keyboard"):
            chat.keyboard = None
        where = {} if chat_id is None else {"chat_id": chat_id}
        if button.get("request_contact"):
            return self.send_contact(user_id, self.phones.get(int(user_id), "+15555550100"), **where)
        if button.get("request_location"):
            return self.send_location(user_id, latitude, longitude, **where)
        return self.send_text(user_id, text, **where)

    def press_button(self, user_id: int, message_id: int, *, data: str | None = None, text: str | None = None,
                     chat_id: int | None = None, forged: bool = False) -> dict[str, Any]:
        """Press an inline button (found by callback_data or by its label) -> callback_query update.
        ``forged``: send ``data`` whatever the message's buttons say, as a modified client can."""
        user = self.user(user_id)
        chat = self.private_chat(int(user_id)) if chat_id is None else self.chat(chat_id)
        stored = chat.messages.get(int(message_id))
        if stored is None or stored.deleted:
            raise EmulatorError(f"no message {message_id} in chat {chat.id}")
        buttons = [b for row in (stored.data.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        match = [b for b in buttons if (data is not None and b.get("callback_data") == data)
                 or (text is not None and b.get("text") == text)]
        if data is None and text is None and len(buttons) == 1:
            match = buttons
        if forged and data is not None:
            match = [{"callback_data": data}]
        if not match or "callback_data" not in match[0]:
            labels = [b.get("text") for b in buttons]
            raise EmulatorError(f"no callback button {data or text!r} on message {message_id}; buttons: {labels}")
        bot = self.bots.get(stored.sender_id)
        if bot is None:
            raise EmulatorError(f"message {message_id} was not sent by a bot")
        query_id = str(secrets.randbelow(9 * 10**18) + 10**18)
        payload = {"id": query_id, "from": user, "message": stored.data,
                   "chat_instance": str(abs(hash((chat.id, bot.id))) % 10**19),
                   "data": match[0]["callback_data"]}
        bot.callbacks[query_id] = {"query": payload, "created": self.clock(), "answer": None}
        return bot.push("callback_query", payload) or {"update_id": None, "callback_query": payload}

    def callback_answer(self, callback_query_id: str) -> dict[str, Any] | None:
        """What the bot answered (answerCallbackQuery params) for a pressed button, if anything."""
        for bot in self.bots.values():
            if callback_query_id in bot.callbacks:
                return bot.callbacks[callback_query_id]["answer"]
        raise EmulatorError(f"unknown callback query {callback_query_id}")


def _snapshot(stored: StoredMessage) -> dict[str, Any]:
    keys = ("text", "entities", "caption", "caption_entities", "reply_markup", "edit_date")
    return {k: stored.data[k] for k in keys if k in stored.data}
