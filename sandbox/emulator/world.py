"""Scenario setup mixed into EmulatorState: bots, users, groups, membership, blocking, topics.

Setup calls (create_user, create_group) change the world silently; calls that model an
event a bot would hear about (add_bot, remove_member, block_bot, create_topic...) also queue
the matching update and return it, so tests can assert on exactly what the bot receives.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .api import ApiError
from .model import BotRuntime, Chat, EmulatorError, Member, Topic

if TYPE_CHECKING:
    from .state import StateCore

    _Base = StateCore
else:
    _Base = object

TOKEN_RE = re.compile(r"^(\d{1,19}):([A-Za-z0-9_-]{1,128})$")

ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
    "can_manage_video_chats": True, "can_restrict_members": True, "can_promote_members": False,
    "can_change_info": True, "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
    "can_delete_stories": False, "can_pin_messages": True, "can_manage_topics": True,
    "can_send_welcome_messages": False,
}
TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)


def chat_member_json(user: dict[str, Any], member: Member | None) -> dict[str, Any]:
    """The ChatMember object for a user's membership record (None = never joined)."""
    if member is None:
        return {"status": "left", "user": user}
    out: dict[str, Any] = {"status": member.status, "user": user}
    if member.status == "creator":
        out["is_anonymous"] = False
    elif member.status == "administrator":
        out.update({**ADMIN_RIGHTS, **member.rights})
    elif member.status == "kicked":
        out["until_date"] = member.until_date
    return out


class WorldMixin(_Base):
    # -- bots -------------------------------------------------------------------------------

    def register_bot(self, token: str, *, username: str | None = None, first_name: str = "Complaint Desk",
                     privacy_mode: bool = True) -> dict[str, Any]:
        """Make `token` a known bot (its id is the digits before ':'); returns the bot User."""
        match = TOKEN_RE.match(token)
        if not match:
            raise EmulatorError(f"malformed token {token!r}")
        bot_id = int(match.group(1))
        if bot_id in self.bots:
            bot = self.bots[bot_id]
            if bot.token != token:
                raise EmulatorError(f"bot {bot_id} already registered with another token")
            return bot.user
        if username is None:
            username = self.default_bot_username if not self.bots else f"bot{bot_id}_bot"
        user = {"id": bot_id, "is_bot": True, "first_name": first_name, "username": username}
        self.users[bot_id] = user
        self.bots[bot_id] = BotRuntime(token, user, privacy_mode)
        return user

    def bot_for_token(self, token: str) -> BotRuntime:
        """Resolve the token of a Bot API request, or raise Telegram's 401."""
        match = TOKEN_RE.match(token)
        if not match or token in self.revoked_tokens:
            raise ApiError(401, "Unauthorized")
        bot = self.bots.get(int(match.group(1)))
        if bot is None:
            if not self.accept_any_token:
                raise ApiError(401, "Unauthorized")
            self.register_bot(token)
            bot = self.bots[int(match.group(1))]
        if bot.token != token:
            raise ApiError(401, "Unauthorized")
        return bot

    def revoke_token(self, token: str) -> None:
        """Every later request with this token gets 401 (as after /revoke in BotFather)."""
        self.revoked_tokens.add(token)

    # -- users ------------------------------------------------------------------------------

    def create_user(self, first_name: str = "Test", *, id: int | None = None, last_name: str | None = None,
                    username: str | None = None, language_code: str | None = "en",
                    is_premium: bool | None = None, started: bool = False, bot_id: int | None = None,
                    phone_number: str | None = None) -> dict[str, Any]:
        """Add a person. started=True pretends they already pressed Start in the bot's chat;
        phone_number is what they share through a request_contact button."""
        if id is None:
            id = self._next_user_id
            self._next_user_id += 1
        user: dict[str, Any] = {"id": int(id), "is_bot": False, "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username),
                           ("language_code", language_code), ("is_premium", is_premium)):
            if value is not None:
                user[key] = value
        self.users[int(id)] = user
        if phone_number:
            self.phones[int(id)] = phone_number
        if started:
            self.primary_bot(bot_id).started.add(int(id))
        return user

    def deactivate_user(self, user_id: int) -> None:
        """A deleted account: sends to it fail with 403 "user is deactivated"."""
        self.user(user_id)
        self.deactivated.add(int(user_id))

    # -- groups -----------------------------------------------------------------------------

    def create_group(self, title: str = "Group", *, type: str = "supergroup", forum: bool = False,
                     id: int | None = None, username: str | None = None, owner_id: int | None = None,
                     members: tuple | list = (), admins: tuple | list = (), bot_status: str | None = "administrator",
                     bot_rights: dict[str, Any] | None = None, bot_id: int | None = None) -> dict[str, Any]:
        """Create a group/supergroup/forum silently (no updates). bot_status None = bot not in it."""
        if type not in ("group", "supergroup"):
            raise EmulatorError("type must be 'group' or 'supergroup'")
        if forum and type != "supergroup":
            raise EmulatorError("only supergroups can be forums")
        if id is None:
            if type == "group":
                id = -self._next_group_id
                self._next_group_id += 1
            else:
                id = -(1_000_000_000_000 + self._next_supergroup_id)
                self._next_supergroup_id += 1
        chat = Chat(id=int(id), type=type, title=title, username=username, is_forum=forum)
        if forum:
            chat.next_message_id = 2  # id 1 is the General topic; real topic ids start after it
        if owner_id is not None:
            self.user(owner_id)
            chat.members[int(owner_id)] = Member("creator")
        for user_id in admins:
            self.user(user_id)
            chat.members[int(user_id)] = Member("administrator")
        for user_id in members:
            self.user(user_id)
            chat.members.setdefault(int(user_id), Member("member"))
        if bot_status:
            bot = self.primary_bot(bot_id)
            chat.members[bot.id] = Member(bot_status, dict(bot_rights or {}))
        self.chats[chat.id] = chat
        return chat.short()

    def create_forum(self, title: str = "Forum", **kwargs: Any) -> dict[str, Any]:
        return self.create_group(title, type="supergroup", forum=True, **kwargs)

    def _service(self, chat: Chat, actor: dict[str, Any], content: dict[str, Any], *,
                 thread_id: int | None = None) -> dict[str, Any]:
        stored = self.post_message(chat, actor, content, thread_id=thread_id)
        return self.deliver(chat, stored)

    def add_member(self, chat_id: int, user_id: int, *, status: str = "member",
                   rights: dict[str, Any] | None = None, by_user_id: int | None = None) -> dict[str, Any]:
        """A person joins (or is added); returns the new_chat_members service message update."""
        chat, user = self.chat(chat_id), self.user(user_id)
        old = chat.members.get(int(user_id))
        chat.members[int(user_id)] = Member(status, dict(rights or {}))
        actor = self.user(by_user_id) if by_user_id else user
        self._chat_member_update(chat, actor, user, old, chat.members[int(user_id)])
        return self._service(chat, actor, {"new_chat_members": [user], "new_chat_member": user,
                                           "new_chat_participant": user})

    def remove_member(self, chat_id: int, user_id: int, *, kicked: bool = False,
                      by_user_id: int | None = None) -> dict[str, Any]:
        chat, user = self.chat(chat_id), self.user(user_id)
        old = chat.members.get(int(user_id))
        chat.members[int(user_id)] = Member("kicked" if kicked else "left")
        actor = self.user(by_user_id) if by_user_id else user
        self._chat_member_update(chat, actor, user, old, chat.members[int(user_id)])
        return self._service(chat, actor, {"left_chat_member": user, "left_chat_participant": user})

    def _chat_member_update(self, chat: Chat, actor, user, old: Member | None, new: Member) -> None:
        # chat_member updates reach admin bots that opted in via allowed_updates.
        payload = {"chat": chat.short(), "from": actor, "date": self.now(),
                   "old_chat_member": chat_member_json(user, old), "new_chat_member": chat_member_json(user, new)}
        for bot in self.bots.values():
            member = chat.members.get(bot.id)
            if member and member.status in ("creator", "administrator"):
                bot.push("chat_member", payload)

    def set_bot_status(self, chat_id: int, status: str, *, by_user_id: int | None = None,
                       rights: dict[str, Any] | None = None, bot_id: int | None = None) -> dict[str, Any]:
        """Change the bot's membership (member/administrator/left/kicked); returns my_chat_member."""
        bot = self.primary_bot(bot_id)
        chat = self.chat(chat_id)
        if by_user_id is None:
            by_user_id = next((uid for uid, m in chat.members.items() if m.status == "creator"), None)
        actor = self.user(by_user_id) if by_user_id is not None else bot.user
        old = chat.members.get(bot.id)
        new = Member(status, dict(rights or {}))
        chat.members[bot.id] = new
        update = bot.push("my_chat_member", {
            "chat": chat.short(), "from": actor, "date": self.now(),
            "old_chat_member": chat_member_json(bot.user, old), "new_chat_member": chat_member_json(bot.user, new),
        })
        joined = new.is_member and not (old and old.is_member)
        if joined and chat.type == "group":
            self._service(chat, actor, {"new_chat_members": [bot.user], "new_chat_member": bot.user,
                                        "new_chat_participant": bot.user})
        self.changed()
        return update or {"update_id": None}

    def add_bot(self, chat_id: int, *, by_user_id: int | None = None, status: str = "member",
                rights: dict[str, Any] | None = None, bot_id: int | None = None) -> dict[str, Any]:
        return self.set_bot_status(chat_id, status, by_user_id=by_user_id, rights=rights, bot_id=bot_id)

    def remove_bot(self, chat_id: int, *, by_user_id: int | None = None, kicked: bool = True,
                   bot_id: int | None = None) -> dict[str, Any]:
        return self.set_bot_status(chat_id, "kicked" if kicked else "left", by_user_id=by_user_id, bot_id=bot_id)

    def block_bot(self, user_id: int, *, bot_id: int | None = None) -> dict[str, Any]:
        """The user blocks the bot: sends then fail with 403; the bot gets my_chat_member."""
        return self._private_status(user_id, blocked=True, bot_id=bot_id)

    def unblock_bot(self, user_id: int, *, bot_id: int | None = None) -> dict[str, Any]:
        return self._private_status(user_id, blocked=False, bot_id=bot_id)

    def _private_status(self, user_id: int, *, blocked: bool, bot_id: int | None) -> dict[str, Any]:
        bot, user = self.primary_bot(bot_id), self.user(user_id)
        chat = self.private_chat(int(user_id))
        before, after = ("member", "kicked") if blocked else ("kicked", "member")
        (bot.blocked.add if blocked else bot.blocked.discard)(int(user_id))
        if not blocked:
            bot.started.add(int(user_id))
        update = bot.push("my_chat_member", {
            "chat": chat.short(), "from": user, "date": self.now(),
            "old_chat_member": chat_member_json(bot.user, Member(before)),
            "new_chat_member": chat_member_json(bot.user, Member(after)),
        })
        self.changed()
        return update or {"update_id": None}

    # -- forums and migration ---------------------------------------------------------------

    def create_topic(self, chat_id: int, name: str, *, by_user_id: int, icon_color: int = TOPIC_COLORS[0]
                     ) -> dict[str, Any]:
        """A person creates a forum topic; returns the forum_topic_created service update."""
        chat = self.chat(chat_id)
        if not chat.is_forum:
            raise EmulatorError(f"chat {chat_id} is not a forum")
        thread_id = chat.next_message_id
        chat.topics[thread_id] = Topic(thread_id, name, icon_color)
        return self._service(chat, self.user(by_user_id), {"forum_topic_created": {"name": name,
                             "icon_color": icon_color}}, thread_id=thread_id)

    def upgrade_group(self, chat_id: int) -> dict[str, Any]:
        """Migrate a basic group to a supergroup; the old id then answers with migrate_to_chat_id."""
        old = self.chat(chat_id)
        if old.type != "group":
            raise EmulatorError("only basic groups can be upgraded")
        new_id = -(1_000_000_000_000 + self._next_supergroup_id)
        self._next_supergroup_id += 1
        new = Chat(id=new_id, type="supergroup", title=old.title, members=dict(old.members))
        self.chats[new_id] = new
        old.migrated_to = new_id
        actor = next((self.users[u] for u, m in old.members.items() if m.status == "creator"),
                     next(iter(self.users.values())))
        self._service(old, actor, {"migrate_to_chat_id": new_id})
        self._service(new, actor, {"migrate_from_chat_id": old.id})
        return new.short()
