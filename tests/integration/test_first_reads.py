"""The person and their conversation in one statement, on SQLite and PostgreSQL: neither
missing hides the other, and a staff record comes with the person."""

from __future__ import annotations

from datetime import UTC, datetime

from core.db.conversations import ConversationStore
from core.db.models import PersonRow
from core.db.staff_models import StaffMemberRow
from core.db.uow import Database

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def test_each_found_or_missing_on_its_own(database: Database) -> None:
    async with database.uow() as uow:
        uow.session.add(PersonRow(id=501, telegram_id=9001, name="Li", phone="+8613800000000",
                                  language="zh_Hans", created_at=NOW))
        uow.session.add(PersonRow(id=502, telegram_id=9002, name="Wang", created_at=NOW))
        uow.session.add(StaffMemberRow(telegram_id=9002, name="Wang", role="department",
                                       department="quality", level="specialist",
                                       active=True, changed_at=NOW))
        await uow.commit()
    store = ConversationStore(database)
    await store.put("c:9001", "Intake:listening", {"story": ["The milk was sour."]})
    await store.put("c:9003", "Intake:category", {"story": ["Late."]})

    assert await database.person_and_conversation(9999, "c:9999") == (None, (None, {}))

    li, conversation = await database.person_and_conversation(9001, "c:9001")
    assert li is not None and (li.id, li.name, li.phone, li.language, li.staff) == (
        501, "Li", "+8613800000000", "zh_Hans", None)
    assert conversation == ("Intake:listening", {"story": ["The milk was sour."]})

    wang, nothing = await database.person_and_conversation(9002, "c:9002")
    assert wang is not None and wang.staff is not None and nothing == (None, {})
    assert (wang.staff.role, wang.staff.department, wang.staff.active) == (
        "department", "quality", True)
    assert wang == await database.person_by_telegram(9002)

    assert await database.person_and_conversation(9003, "c:9003") == (
        None, ("Intake:category", {"story": ["Late."]}))
