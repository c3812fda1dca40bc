"""One closing transaction per update (``core.db.update_writes``), as an update middleware.

Inside an update the conversation storage and the intake reminder add to the current
batch instead of writing at once; outside one (jobs, the outbox) they write straight
through. In webhook mode the request handler asks (``finishing``) for the update's
"handled" mark to go into the same transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from core.db.uow import Database
from core.db.update_writes import UpdateWrites

_current: ContextVar[UpdateWrites | None] = ContextVar("update_writes", default=None)
_finishing: ContextVar[FinishMark | None] = ContextVar("finish_mark", default=None)


@dataclass
class FinishMark:
    update_id: int
    done: bool = False  # committed with the update's writes; else the caller marks it


def current() -> UpdateWrites | None:
    """The running update's batch, or None outside an update."""
    return _current.get()


@contextlib.contextmanager
def finishing(update_id: int) -> Iterator[FinishMark]:
    mark = FinishMark(update_id)
    token = _finishing.set(mark)
    try:
        yield mark
    finally:
        _finishing.reset(token)


class UpdateBatchMiddleware:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def __call__(self, handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
                       event: Any, data: dict[str, Any]) -> Any:
        writes = UpdateWrites()
        token = _current.set(writes)
        try:
            result = await handler(event, data)
        except BaseException:
            _current.reset(token)
            await writes.commit(self.db)  # what the customer told us is kept regardless
            raise
        _current.reset(token)
        mark = _finishing.get()
        if mark is not None:
            writes.finished_update = mark.update_id
        await writes.commit(self.db)
        if mark is not None:
            mark.done = True
        return result
