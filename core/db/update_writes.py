"""What handling one update leaves to write besides the case itself — the conversation,
a reminder to schedule, the mark that the update is done — committed in one transaction
when the handler has finished, instead of one transaction each along the way.

That is both cheaper (a transaction costs far more than a statement) and safer: the
conversation, its reminder and the "handled" mark can no longer part company in a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.db import conversations, jobs, one_statement, replies, updates
from core.db.dialect import HasDialect
from core.db.one_statement import Write
from core.db.uow import Database
from core.notices import Reply
from core.records import JobToSchedule  # where the bot builds them, without core.db

__all__ = ["JobToSchedule", "UpdateWrites"]


@dataclass
class UpdateWrites:
    conversations: dict[str, tuple[str | None, Mapping[str, Any]]] = field(default_factory=dict)
    jobs: dict[str, JobToSchedule] = field(default_factory=dict)  # by key: the latest wins
    finished_update: int | None = None
    # What the update said, keyed by it: (update id, replies, now, lease end) — ``core.db.replies``.
    replies: tuple[int, list[Reply], datetime, datetime] | None = None
    # Called if the commit fails, so caches forget what never reached the database.
    on_failure: list[Callable[[], object]] = field(default_factory=list)  # results unused

    def schedule(self, job: JobToSchedule) -> None:
        self.jobs[job.key] = job

    async def commit(self, db: Database) -> None:
        if not (self.conversations or self.jobs or self.finished_update is not None
                or self.replies):
            return
        try:
            writes = self._writes(db.engine, datetime.now(UTC))
            if one_statement.joins_writes(db.engine):  # one statement: one round trip
                async with db.autocommit.connect() as connection:
                    await one_statement.run(connection, writes)
            else:
                async with db.blind_writes.begin() as connection:  # one trip on SQLite
                    await one_statement.run(connection, writes)
        except BaseException:
            for forget in self.on_failure:
                forget()
            raise

    def _writes(self, database: HasDialect, now: datetime) -> list[Write]:
        writes = conversations.writes(database, self.conversations, now)
        writes += [jobs.scheduling(database, job.kind, job.key, job.due_at, job.payload, job.now)
                   for job in self.jobs.values()]
        if self.replies is not None:
            writes += replies.writes(database, *self.replies)
        if self.finished_update is not None:
            writes.append(updates.finishing(database, self.finished_update, now))
        return writes
