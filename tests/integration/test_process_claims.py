"""A webhook running alone keeps its claims in the process (``core.db.process_claims``): an
update is still handled once, a redelivery is still acknowledged, a crash still loses
nothing — and a new update costs no statement before its handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from core.db.process_claims import ProcessClaims
from core.db.uow import Database
from core.db.updates import Claim, mark_finished

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


@pytest.fixture
def db(database: Database) -> Database:
    return database


async def _handled(db: Database, claims: ProcessClaims, update_id: int) -> None:
    """What the update's closing transaction and the webhook handler do."""
    async with db.engine.begin() as connection:
        await mark_finished(connection, update_id, NOW)
    claims.settle(update_id)


async def test_an_update_is_handled_once_however_often_it_arrives(db: Database) -> None:
    claims = ProcessClaims(db, LEASE)
    assert await claims.claim(100, NOW) is Claim.TAKEN
    assert await claims.claim(100, NOW) is Claim.BUSY  # again while it is handled
    await _handled(db, claims, 100)
    assert await claims.claim(100, NOW) is Claim.DONE  # again once it was
    assert await claims.claim(99, NOW) is Claim.TAKEN  # an older one never seen
    await claims.release(99)  # its handling failed outright: a retry runs at once
    assert await claims.claim(99, NOW) is Claim.TAKEN


async def test_a_new_update_costs_no_statement(db: Database) -> None:
    claims = ProcessClaims(db, LEASE)
    assert await claims.claim(1, NOW) is Claim.TAKEN  # the first looks up the newest
    statements: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    for update_id in range(2, 12):
        assert await claims.claim(update_id, NOW) is Claim.TAKEN
    assert statements == []


async def test_after_a_restart_what_was_handled_is_not_handled_again(db: Database) -> None:
    before = ProcessClaims(db, LEASE)
    for update_id in (500, 501):
        assert await before.claim(update_id, NOW) is Claim.TAKEN
    await _handled(db, before, 500)
    # The process is killed while 501 is handled: nothing of it was written.
    after = ProcessClaims(db, LEASE)
    assert await after.claim(500, NOW) is Claim.DONE
    assert await after.claim(501, NOW) is Claim.TAKEN  # redelivered, and handled now
    assert await after.claim(502, NOW) is Claim.TAKEN
