"""Long polling that loses no update to a crash (``core.db.updates.UpdateInbox``).

aiogram confirms an update to Telegram (the next ``getUpdates`` offset) once it has handed
it to a handler task, not once the handler is done: a kill mid-update lost it, and the
person met a conversation that had moved on ("This button is no longer valid", "I did
not understand that") until /start. Here every update is recorded before the poll goes on,
and its "handled" mark commits with the update's own writes (``bot.runtime.update_work``);
on start, what a previous run left unfinished is handled first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.runtime.update_work import FinishMark
from core.db import replies
from core.db.uninterrupted import uninterrupted
from core.db.updates import UpdateInbox

log = logging.getLogger(__name__)
RECORD_RETRY = 1.0  # seconds between attempts while the database does not answer


def _now() -> datetime:
    return datetime.now(UTC)  # claims are about real time, like the webhook's


class InboxDispatcher(Dispatcher):
    """A Dispatcher whose polling goes through an inbox when one is set (polling mode);
    webhook mode claims its updates itself (``bot.runtime.webhook``)."""

    inbox: UpdateInbox | None = None

    async def _listen_updates(  # type: ignore[override]  # aiogram's is a classmethod
            self, bot: Bot, *args: Any, **kwargs: Any) -> AsyncGenerator[Update, None]:
        inbox = self.inbox
        if inbox is not None:
            released = await uninterrupted(replies.release_held(inbox.db, self["rules"].now()))
            if released:
                log.info("%s replies the last run could not send go out now", released)
            for payload in await uninterrupted(inbox.unfinished(_now())):
                log.info("handling update %s, left unfinished by the last run",
                         payload.get("update_id"))
                yield Update.model_validate(payload, context={"bot": bot})
        async for update in super()._listen_updates(bot, *args, **kwargs):
            if inbox is None or await self._record(inbox, update):
                yield update
            else:
                log.info("update %s was handled already; skipped", update.update_id)

    async def _record(self, inbox: UpdateInbox, update: Update) -> bool:
        """Recorded before the poll goes on (which confirms it to Telegram)."""
        payload = update.model_dump(mode="json", exclude_unset=True)
        while True:
            try:
                return await uninterrupted(inbox.record(update.update_id, payload, _now()))
            except Exception:  # the database is briefly away: hold the poll, lose nothing
                log.exception("recording update %s failed; trying again", update.update_id)
                await asyncio.sleep(RECORD_RETRY)

    async def _process_update(self, bot: Bot, update: Update, call_answer: bool = True,
                              **kwargs: Any) -> bool:
        if self.inbox is None or "finish_mark" in kwargs:
            return await super()._process_update(bot, update, call_answer, **kwargs)
        mark = FinishMark(update.update_id)
        handled = await super()._process_update(bot, update, call_answer, finish_mark=mark,
                                                **kwargs)
        # Not on cancellation (a shutdown past its grace): that one is replayed on start.
        if not mark.done:  # handling failed and was answered; nothing left to do
            await self.inbox.finish(update.update_id, _now())
        return handled
