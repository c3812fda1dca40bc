"""What a handler said to someone, kept so it is said even if the handler could not.

Words to the person who just acted used to be bare Bot API calls: a 429 broke the
conversation, and a crash between the commit and the reply left a customer with a step
they could not see. Now they are rows of the outbox, committed with the update's own
writes and keyed by the update (``core.db.replies``): the handlers' process sends them at
once, and the outbox sender says what it could not. They are already rendered (a Bot API
method and its parameters), in the language of the moment they were said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.notices.base import Notice, Route

CHAT = "chat"  # a Telegram chat, by id: where the update came from, or where it was said


@dataclass(frozen=True, kw_only=True)
class Reply(Notice):
    kind: ClassVar[str] = "reply"
    routing: ClassVar[frozenset[str]] = frozenset({"chat_id"})
    chat_id: int
    method: str  # the aiogram method's class name, e.g. "SendMessage"
    params: dict[str, Any] = field(default_factory=dict)

    def route(self) -> Route:
        return Route(CHAT, str(self.chat_id))

    @classmethod
    def _routed(cls, route: Route) -> dict[str, Any]:
        return {"chat_id": int(route.address)}
