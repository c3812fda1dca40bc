"""The emulator's in-memory world: users, chats, members, messages, files, bots and their update queues.

One EmulatorState is shared by the HTTP server and by in-process tests; tests drive it
through the helper methods mixed in from world.py (setup) and actors.py (what people do).
Private chats are keyed by the user id and shared by all bots (the emulator is built around
one bot; see README.md).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from .actors import ActorsMixin
from .limits import FaultControlMixin, Limits
from .model import (  # noqa: F401 (re-exported for callers)
    MEDIA_KEYS,
    BotRuntime,
    Chat,
    EmulatorError,
    StoredFile,
    StoredMessage,
    Upload,
)
from .world import WorldMixin


class StateCore:
    """Registries, ids and message storage; mixins add the scenario helpers."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        wallclock: Callable[[], float] | None = None,
        flood_limits: bool = False,
        strict_html: bool = False,
        strict_fields: bool = True,
        accept_any_token: bool = True,
        bot_username: str = "complaint_desk_bot",
        poll_repeat_min_timeout: float = 3.0,
        webhook_retry_base: float = 1.0,
        webhook_retry_max: float = 60.0,
        callback_answer_timeout: float = 15.0,
        max_request_log: int = 20000,
    ):
        self.clock = clock or time.monotonic
        self.wallclock = wallclock or time.time
        self.limits = Limits(self.clock, flood_enabled=flood_limits)
        self.strict_html = strict_html
        self.strict_fields = strict_fields
        self.accept_any_token = accept_any_token
        self.default_bot_username = bot_username
        self.poll_repeat_min_timeout = poll_repeat_min_timeout
        self.webhook_retry_base = webhook_retry_base
        self.webhook_retry_max = webhook_retry_max
        self.callback_answer_timeout = callback_answer_timeout
        self.users: dict[int, dict[str, Any]] = {}
        self.deactivated: set[int] = set()
        self.phones: dict[int, str] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.bots: dict[int, BotRuntime] = {}
        self.revoked_tokens: set[str] = set()
        self.request_log: deque[dict[str, Any]] = deque(maxlen=max_request_log)
        self._next_user_id = 100_000_001
        self._next_group_id = 4_000_001
        self._next_supergroup_id = 2_000_000_001
        self._file_counter = 0
        self._request_seq = 0
        self._observers: set[asyncio.Future] = set()
        self.closing = False
        self.webhook_timeout = 10.0

    # -- time and change notification ---------------------------------------------------

    def now(self) -> int:
        return int(self.wallclock())

    def changed(self) -> None:
        for waiter in list(self._observers):
            if not waiter.done():
                waiter.set_result(None)
        self._observers.clear()

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait (real time) until predicate() is truthy; re-checked on every state change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            waiter = loop.create_future()
            self._observers.add(waiter)
            try:
                await asyncio.wait_for(waiter, left)
            except TimeoutError:
                pass
            finally:
                self._observers.discard(waiter)

    # -- lookups ------------------------------------------------------------------------

    def user(self, user_id: int) -> dict[str, Any]:
        try:
            return self.users[int(user_id)]
        except KeyError:
            raise EmulatorError(f"unknown user {user_id}") from None

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(int(chat_id))
        if chat is None and int(chat_id) in self.users and not self.users[int(chat_id)]["is_bot"]:
            chat = self.private_chat(int(chat_id))
        if chat is None:
            raise EmulatorError(f"unknown chat {chat_id}")
        return chat

    def private_chat(self, user_id: int) -> Chat:
        chat = self.chats.get(user_id)
        if chat is None:
            chat = Chat(id=user_id, type="private", user=self.user(user_id))
            self.chats[user_id] = chat
        return chat

    def find_chat(self, ref: Any) -> Chat | None:
        """Resolve a Bot API chat_id (int, numeric string or @username)."""
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:].lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name:
                    return chat
            return None
        try:
            chat_id = int(ref)
        except (TypeError, ValueError):
            return None
        if chat_id in self.chats:
            return self.chats[chat_id]
        user = self.users.get(chat_id)
        if user and not user["is_bot"]:
            return self.private_chat(chat_id)
        return None

    def primary_bot(self, bot_id: int | None = None) -> BotRuntime:
        if bot_id is not None:
            try:
                return self.bots[int(bot_id)]
            except KeyError:
                raise EmulatorError(f"unknown bot {bot_id}") from None
        if not self.bots:
            raise EmulatorError("no bot registered yet: pass token= to the emulator or call register_bot()")
        return next(iter(self.bots.values()))

    # -- messages -------------------------------------------------------------------------

    def post_message(
        self,
        chat: Chat,
        sender: dict[str, Any],
        content: dict[str, Any],
        *,
        thread_id: int | None = None,
        reply_to: StoredMessage | None = None,
    ) -> StoredMessage:
        """Store a new message in a chat (no update delivery here)."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        data: dict[str, Any] = {"message_id": message_id, "from": sender, "chat": chat.short(), "date": self.now()}
        if chat.is_forum and thread_id:
            data["message_thread_id"] = thread_id
            data["is_topic_message"] = True
            if reply_to is None:
                # Real forums show topic messages as replies to the topic's creation message.
                reply_to = chat.messages.get(thread_id)
        if reply_to is not None:
            quoted = {k: v for k, v in reply_to.data.items() if k != "reply_to_message"}
            data["reply_to_message"] = quoted
        data.update(content)
        stored = StoredMessage(data=data, sender_id=sender["id"], thread_id=thread_id if chat.is_forum else None)
        chat.messages[message_id] = stored
        self.changed()
        return stored

    def deliver(self, chat: Chat, stored: StoredMessage, kind: str = "message", *,
                bot_id: int | None = None) -> dict[str, Any]:
        """Queue an update about a user's message for every bot that would see it.

        Returns the update queued for the first such bot, or an Update-shaped dict with
        update_id None when no bot receives it (privacy mode, bot not in the chat, filtered).
        """
        if chat.type == "private":
            targets = [self.primary_bot(bot_id)] if self.bots else []
        else:
            targets = [
                bot for bot in self.bots.values()
                if (m := chat.members.get(bot.id)) is not None and m.is_member and self._bot_sees(bot, m, stored)
            ]
        result = None
        for bot in targets:
            update = bot.push(kind, stored.data)
            result = result or update
        return result or {"update_id": None, kind: stored.data}

    @staticmethod
    def _bot_sees(bot: BotRuntime, member: Any, stored: StoredMessage) -> bool:
        # Group privacy mode: only commands, replies to the bot, mentions and service messages.
        if not bot.privacy_mode or member.status in ("creator", "administrator"):
            return True
        data = stored.data
        text = data.get("text") or data.get("caption")
        if text is None and not any(k in data for k in MEDIA_KEYS):
            return True  # service message (members joined, topic created...)
        if (data.get("reply_to_message") or {}).get("from", {}).get("id") == bot.id:
            return True
        if text:
            username = (bot.user.get("username") or "").lower()
            if text.startswith("/"):
                target = text.split()[0].partition("@")[2].lower()
                return target in ("", username)
            return bool(username) and f"@{username}" in text.lower()
        return False

    def transcript(self, chat_id: int, *, include_deleted: bool = True) -> list[dict[str, Any]]:
        chat = self.chat(chat_id)
        return [m.transcript_entry() for m in chat.messages.values() if include_deleted or not m.deleted]

    def current_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard (ReplyKeyboardMarkup) the bot left showing in a chat, if any."""
        return self.chat(chat_id).keyboard

    def bot_messages(self, chat_id: int, bot_id: int | None = None) -> list[dict[str, Any]]:
        """Current (non-deleted) messages the bot sent to a chat, oldest first."""
        bot = self.primary_bot(bot_id)
        chat = self.chat(chat_id)
        return [m.data for m in chat.messages.values() if m.sender_id == bot.id and not m.deleted]

    async def wait_for_bot_message(
        self, chat_id: int, *, count: int = 1, after: int = 0, timeout: float = 5.0, bot_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Wait until the bot has sent `count` messages with message_id > after; return them."""

        def ready() -> list[dict[str, Any]] | None:
            found = [m for m in self.bot_messages(chat_id, bot_id) if m["message_id"] > after]
            return found if len(found) >= count else None

        return await self.wait_until(ready, timeout)

    # -- files ----------------------------------------------------------------------------

    def store_file(
        self, data: bytes, kind: str, *, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        self._file_counter += 1
        ext = {"photo": "jpg", "voice": "oga", "video": "mp4", "animation": "mp4", "sticker": "webp",
               "audio": "mp3"}.get(kind)
        if file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1]
        folder = {"photo": "photos", "voice": "voice", "document": "documents", "video": "videos",
                  "animation": "animations", "sticker": "stickers", "audio": "music"}.get(kind, "documents")
        path = f"{folder}/file_{self._file_counter}.{ext or 'bin'}"
        stored = StoredFile(
            file_id=_file_token(kind), file_unique_id="AQAD" + secrets.token_urlsafe(8), kind=kind,
            data=data, file_path=path, file_name=file_name, mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def file_alias(self, stored: StoredFile) -> StoredFile:
        """A second file_id for the same bytes (thumbnail sizes of a photo)."""
        alias = StoredFile(_file_token(stored.kind), "AQAD" + secrets.token_urlsafe(8), stored.kind, stored.data,
                           stored.file_path, stored.file_name, stored.mime_type)
        self.files[alias.file_id] = alias
        return alias

    # -- request log ----------------------------------------------------------------------

    def log_request(self, entry: dict[str, Any]) -> None:
        self._request_seq += 1
        entry["seq"] = self._request_seq
        self.request_log.append(entry)

    def requests(self, method: str | None = None) -> list[dict[str, Any]]:
        wanted = method.lower() if method else None
        return [e for e in self.request_log if wanted is None or e["method"].lower() == wanted]

    def pending_updates(self, bot_id: int | None = None) -> list[dict[str, Any]]:
        return list(self.primary_bot(bot_id).updates)

    def summary(self) -> dict[str, Any]:
        return {
            "bots": [b.user for b in self.bots.values()],
            "users": [u for u in self.users.values() if not u["is_bot"]],
            "chats": [c.short() for c in self.chats.values()],
            "requests": len(self.request_log),
            "flood_limits": self.limits.flood.enabled,
        }


def _file_token(kind: str) -> str:
    prefix = {"photo": "AgAC", "voice": "AwAC", "video": "BAAC", "sticker": "CAAC", "animation": "CgAC"}
    return prefix.get(kind, "BQAC") + "Ag" + secrets.token_urlsafe(24)


class EmulatorState(WorldMixin, ActorsMixin, FaultControlMixin, StateCore):
    """The whole emulator state plus scenario helpers (see world.py and actors.py)."""
