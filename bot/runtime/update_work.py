"""One unit of work per update, opened by a thin middleware and committed once.

The middleware hands every handler an explicit ``work`` (``UpdateWork``) and a conversation
(``state``) whose writes wait in it. When the handler is done, the conversation, the jobs
it scheduled and — in webhook mode — the update's "handled" mark are committed in one
transaction (``core.db.update_writes``): they can no longer part company in a crash, and
a transaction costs far more than a statement. Nothing travels in context variables: what
a handler leaves to write is in its signature.

What the handler said is kept by the update's own bot and written in the same
transaction, then sent (``bot.runtime.update_bot``, ``core.db.replies``).

A conversation store outside the database (Redis) cannot join the transaction: its writes
go out just before it, so a crash in between replays the update rather than loses it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.delivery.replies import send_kept
from bot.runtime.update_bot import UpdateBot, mount
from bot.runtime.update_slots import UPDATE_SLOT
from core.db import replies
from core.db.uow import Database
from core.db.update_writes import UpdateWrites
from core.records import JobToSchedule

UNCHANGED: Any = object()
# How long the outbox leaves an update's replies to its handler (the outbox's own lease, as
# a rule: ``Settings.delivery_lease_seconds``); the handler hands a 429 over at once.
REPLY_HOLD = timedelta(seconds=60)


@dataclass
class Staged:
    """A conversation's pending state and data; UNCHANGED where the update left it alone.
    The data waits as JSON: written once, each read a fresh copy (one conversion each, not
    two, for every ``update_data``)."""

    state: str | None = UNCHANGED
    data_json: str | None = None  # None: unchanged

    @property
    def data(self) -> dict[str, Any]:
        return UNCHANGED if self.data_json is None else dict(json.loads(self.data_json))


@runtime_checkable
class CommitsStaged(Protocol):
    """A conversation store that takes an update's staged writes at its end."""

    async def commit_staged(self, staged: Mapping[StorageKey, Staged],
                            writes: UpdateWrites) -> None: ...


class StagingStorage(BaseStorage):
    """The update's view of the conversation store: it reads its own writes, which wait
    for the update's end. Data is kept as a copy, so mutating what a handler read changes
    nothing until it is saved."""

    def __init__(self, store: BaseStorage) -> None:
        self.store = store
        self.staged: dict[StorageKey, Staged] = {}

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self.staged.setdefault(key, Staged()).state = (
            state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        entry = self.staged.get(key)
        if entry is not None and entry.state is not UNCHANGED:
            return entry.state
        return await self.store.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self.staged.setdefault(key, Staged()).data_json = json.dumps(dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        entry = self.staged.get(key)
        if entry is not None and entry.data_json is not None:
            return dict(json.loads(entry.data_json))
        return await self.store.get_data(key)

    async def close(self) -> None:
        """The store belongs to the process, not to one update."""


@dataclass
class FinishMark:
    """Webhook mode's "handled" mark for an update, passed in as ``finish_mark``."""

    update_id: int
    done: bool = False  # committed with the update's writes; else the caller marks it


@dataclass
class UpdateWork:
    store: BaseStorage
    conversations: StagingStorage
    writes: UpdateWrites = field(default_factory=UpdateWrites)

    @classmethod
    def open(cls, store: BaseStorage) -> UpdateWork:
        return cls(store, StagingStorage(store))

    def schedule(self, job: JobToSchedule) -> None:
        """A durable job, committed with the conversation it belongs to."""
        self.writes.schedule(job)

    def context(self, state: FSMContext) -> FSMContext:
        """``state``'s conversation, written through this update."""
        return FSMContext(storage=self.conversations, key=state.key)

    async def commit(self, db: Database, finished_update: int | None = None) -> None:
        staged = self.conversations.staged
        if staged:
            if isinstance(self.store, CommitsStaged):
                await self.store.commit_staged(staged, self.writes)
            else:  # a store of aiogram's own (tests): straight through
                for key, entry in staged.items():
                    if entry.state is not UNCHANGED:
                        await self.store.set_state(key, entry.state)
                    if entry.data is not UNCHANGED:
                        await self.store.set_data(key, entry.data)
        self.writes.finished_update = finished_update
        await self.writes.commit(db)


class UpdateWorkMiddleware:
    """Runs inside the FSM's per-person lock, so the closing writes — and the replies
    sent after them — are still under it: one person's replies keep their order."""

    def __init__(self, db: Database, now: Callable[[], datetime],
                 reply_hold: timedelta = REPLY_HOLD, replies_by: Bot | None = None) -> None:
        self.db = db
        self.now = now  # the bot's clock: the outbox sender reads the replies' hold by it
        self.reply_hold = reply_hold
        self.replies_by = replies_by
        self.sent_marks = replies.SentMarks(db)

    async def __call__(self, handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
                       event: Any, data: dict[str, Any]) -> Any:
        work = UpdateWork.open(data["fsm_storage"])
        data["work"] = work
        if data.get("state") is not None:
            data["state"] = work.context(data["state"])
        bot = data["bot"] = UpdateBot(data["bot"], self.replies_by)
        bot.slot = data.get(UPDATE_SLOT)
        mount(event, bot)
        update_id: int = event.update_id
        try:
            result = await handler(event, data)
        except BaseException:
            # What the customer told us is kept regardless, and what was said to them.
            await self._close(work, bot, update_id, None)
            raise
        mark: FinishMark | None = data.get("finish_mark")
        await self._close(work, bot, update_id, mark)
        return result

    async def _close(self, work: UpdateWork, bot: UpdateBot, update_id: int,
                     mark: FinishMark | None) -> None:
        said = bot.replies()
        now = self.now()
        if said:
            work.writes.replies = (update_id, said, now, now + self.reply_hold)
        await work.commit(self.db, mark.update_id if mark else None)
        if bot.slot is not None:
            bot.slot.release()  # the replies go out without it
        if mark is not None:
            mark.done = True
        if said:
            async def sent(index: int, message_id: int | None) -> None:
                await self.sent_marks.mark(update_id, index, message_id, self.now())

            outcome = await send_kept(bot, sent)
            now = self.now()
            await replies.hand_over(self.db, update_id, outcome.left,
                                    now + timedelta(seconds=outcome.retry_after), outcome.why)
