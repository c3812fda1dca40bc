"""The audit trail is append-only: every transition is kept and none can be rewritten."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.models import CaseEventRow
from core.db.uow import Database
from core.services import filing, handling
from core.services.rules import Rules
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, make_intake


async def test_history_rows_cannot_be_changed_or_deleted(database: Database, rules: Rules
                                                         ) -> None:
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    await handling.accept(database.uow(), rules, filed.case_id, QUALITY_MEMBER)
    async with database.uow() as uow:
        rows = (await uow.session.execute(select(CaseEventRow).order_by(CaseEventRow.id))
                ).scalars().all()
        assert [(r.action, r.from_state, r.to_state, r.actor_id) for r in rows] == [
            ("file", None, "received", CUSTOMER.person_id),
            ("assign", "received", "assigned", SPECIALIST.person_id),
            ("accept", "assigned", "accepted", QUALITY_MEMBER.person_id),
        ]
        rows[1].note = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            await uow.session.flush()
    async with database.uow() as uow:
        first = (await uow.session.execute(select(CaseEventRow))).scalars().first()
        await uow.session.delete(first)
        with pytest.raises(RuntimeError, match="append-only"):
            await uow.session.flush()
