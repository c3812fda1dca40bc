"""Case numbers YYMM-NNNN stay unique under concurrency and restart each month."""

from __future__ import annotations

import asyncio
from datetime import datetime

from core.clock import ManualClock
from core.db.uow import Database
from core.services import filing
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import CUSTOMER, make_intake


async def test_fifty_concurrent_filings_get_fifty_distinct_numbers(
    database: Database, rules: Rules
) -> None:
    results = await asyncio.gather(*(
        filing.file_case(database.uow(), rules, make_intake(description=f"complaint {n}"),
                         CUSTOMER.person_id, CUSTOMER)
        for n in range(50)
    ))
    numbers = sorted(str(result.number) for result in results)
    assert len(set(numbers)) == 50
    assert numbers[0] == "2611-0001" and numbers[-1] == "2611-0050"
    async with database.uow() as uow:
        assert await uow.cases.count() == 50


async def test_the_serial_restarts_each_month_in_the_organisations_time_zone(
    database: Database, rules: Rules, clock: ManualClock
) -> None:
    async def file() -> str:
        return str((await filing.file_case(database.uow(), rules, make_intake(),
                                           CUSTOMER.person_id, CUSTOMER)).number)

    clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI))
    assert [await file(), await file()] == ["2611-0001", "2611-0002"]
    # 1 December 00:30 in Shanghai is still 30 November in UTC: Shanghai decides.
    clock.set(datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI))
    assert await file() == "2612-0001"


async def test_serials_keep_working_past_9999(database: Database, rules: Rules) -> None:
    async with database.uow() as uow:
        from core.db.models import CaseCounterRow

        uow.session.add(CaseCounterRow(period="2611", last_serial=9999))
        await uow.commit()
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    assert str(filed.number) == "2611-10000"
