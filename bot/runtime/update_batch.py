"""One closing transaction per update (``core.db.update_writes``), as an update middleware.

Inside an update the conversation storage and the intake reminder add to the current
batch instead of writing at once; outside one (jobs, the outbox) they write straight
through. In webhook mode the request handler asks (``finishing``) for the update's
"handled" mark to go into the same transaction. Stores outside the database (Redis)
stage their writes here too (``staged_for``); they go out just before the transaction,
which they cannot join, so a crash in between replays the update rather than loses it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from core.db.uow import Database
from core.db.update_writes import UpdateWrites

_current: ContextVar[UpdateBatch | None] = ContextVar("update_batch", default=None)
_finishing: ContextVar[FinishMark | None] = ContextVar("finish_mark", default=None)


@dataclass
class FinishMark:
    update_id: int
    done: bool = False  # committed with the update's writes; else the caller marks it


@dataclass
class UpdateBatch:
    writes: UpdateWrites = field(default_factory=UpdateWrites)
    staged: dict[int, dict[Any, Any]] = field(default_factory=dict)  # per outside store
    before_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def commit(self, db: Database) -> None:
        for write in self.before_commit:
            await write()
        await self.writes.commit(db)


def current() -> UpdateWrites | None:
    """The running update's database writes, or None outside an update."""
    batch = _current.get()
    return batch.writes if batch is not None else None


def staged_for(store: object, write: Callable[[dict[Any, Any]], Awaitable[None]]
               ) -> dict[Any, Any] | None:
    """``store``'s pending values in the running update (None outside one); ``write``
    gets them when the handler is done."""
    batch = _current.get()
    if batch is None:
        return None
    staged = batch.staged.get(id(store))
    if staged is None:
        staged = batch.staged[id(store)] = {}
        batch.before_commit.append(lambda: write(staged))
    return staged


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
        batch = UpdateBatch()
        token = _current.set(batch)
        try:
            result = await handler(event, data)
        except BaseException:
            _current.reset(token)
            await batch.commit(self.db)  # what the customer told us is kept regardless
            raise
        _current.reset(token)
        mark = _finishing.get()
        if mark is not None:
            batch.writes.finished_update = mark.update_id
        await batch.commit(self.db)
        if mark is not None:
            mark.done = True
        return result
