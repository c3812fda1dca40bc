"""Plain records of the emulated world: users' chats, members, messages, files, bots.

Kept free of behaviour that needs the whole state so that world.py / actors.py / methods
can import them without import cycles.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

# Telegram's default update set: everything except these three, which must be asked for.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted")


class EmulatorError(Exception):
    """Misuse of the control API (unknown user, no such button...), not a Bot API error."""


@dataclass
class Upload:
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Member:
    status: str
    rights: dict[str, Any] = field(default_factory=dict)
    until_date: int = 0

    @property
    def is_member(self) -> bool:
        return self.status in MEMBER_STATUSES


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False


@dataclass
class StoredMessage:
    data: dict[str, Any]
    sender_id: int
    thread_id: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    keyboard: dict[str, Any] | None = None  # a reply keyboard sent with it (not part of Message JSON)

    @property
    def message_id(self) -> int:
        return self.data["message_id"]

    def transcript_entry(self) -> dict[str, Any]:
        d = self.data
        return {
            "message_id": d["message_id"],
            "from": d.get("from"),
            "date": d.get("date"),
            "text": d.get("text"),
            "caption": d.get("caption"),
            "entities": d.get("entities") or d.get("caption_entities"),
            "reply_markup": d.get("reply_markup"),
            "keyboard": self.keyboard,
            "thread_id": self.thread_id,
            "media": next((k for k in MEDIA_KEYS if k in d), None),
            "edits": list(self.history),
            "deleted": self.deleted,
            "message": d,
        }


MEDIA_KEYS = ("photo", "animation", "document", "voice", "video", "audio", "sticker", "contact", "location")


@dataclass
class Chat:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    username: str | None = None
    is_forum: bool = False
    user: dict[str, Any] | None = None  # the other party of a private chat
    members: dict[int, Member] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None
    keyboard: dict[str, Any] | None = None  # the reply keyboard the users currently see
    actions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def short(self) -> dict[str, Any]:
        """The Chat object embedded in messages and updates."""
        if self.type == "private":
            assert self.user is not None
            out = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
            for key in ("last_name", "username"):
                if self.user.get(key):
                    out[key] = self.user[key]
            return out
        out = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            out["username"] = self.username
        if self.is_forum:
            out["is_forum"] = True
        return out


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    task: asyncio.Task | None = None


class BotRuntime:
    """Per-bot server-side state: identity, update queue, polling/webhook, commands."""

    def __init__(self, token: str, user: dict[str, Any], privacy_mode: bool = True):
        self.token = token
        self.id: int = user["id"]
        self.user = user
        self.privacy_mode = privacy_mode
        self.updates: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.allowed: frozenset[str] | None = None  # None = Telegram's default set
        self.webhook: Webhook | None = None
        self.poller: asyncio.Future | None = None
        self.last_poll: tuple[int, float] | None = None  # (offset, loop time) for the anti-spam rule
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.texts: dict[tuple[str, str], str] = {}  # (kind, language) -> name/description
        self.menu_buttons: dict[int, dict[str, Any]] = {}
        self.callbacks: dict[str, dict[str, Any]] = {}
        self._waiters: set[asyncio.Future] = set()

    def accepts(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in OPT_IN_UPDATES
        return kind in self.allowed

    def set_allowed(self, kinds: list[str] | None) -> None:
        # Absent keeps the previous choice; an empty list restores the default (as Telegram).
        if kinds is None:
            return
        self.allowed = frozenset(k.lower() for k in kinds) or None

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        # Filtering happens when the update is created, like the real server's queue.
        if not self.accepts(kind):
            return None
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.wake()
        return update

    def confirm(self, offset: int) -> None:
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
        elif offset > 0:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()

    def peek(self, limit: int) -> list[dict[str, Any]]:
        return [self.updates[i] for i in range(min(limit, len(self.updates)))]

    def wake(self) -> None:
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_changed(self, timeout: float | None) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)
