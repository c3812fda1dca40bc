"""/find through each database's own text index (migration 0013): the index finds what
the plain ``LIKE`` found — Chinese included — stays in step with edits, and comes and
goes with its migration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import inspect, update

from core.db.copy import copy_database
from core.db.dialect import is_search_object
from core.db.migrate import alembic_config, upgrade
from core.db.models import CaseRow, PersonRow
from core.db.uow import Database
from core.services import filing
from core.services import supervision_queries as desk
from core.services.rules import Rules
from tests.factories import CUSTOMER, make_intake


async def numbers_found(database: Database, text: str) -> list[str]:
    found, total = await desk.find(database, text)
    assert total == len(found)
    return sorted(item.number for item in found)


async def file(database: Database, rules: Rules, **intake: Any) -> str:
    filed = await filing.file_case(database.uow(), rules, make_intake(**intake),
                                   CUSTOMER.person_id, CUSTOMER)
    return str(filed.number)


async def test_chinese_and_english_words_short_and_long(database: Database,
                                                        rules: Rules) -> None:
    milk = await file(database, rules, description="牛奶有酸味，包装鼓胀。",
                      product="鲜牛奶 1L", place="南京西路店")
    juice = await file(database, rules, description="The JUICE tasted of soap.",
                       contact_name="韩梅梅", contact_phone="13900139000")
    assert await numbers_found(database, "酸味") == [milk]  # two characters: no index
    assert await numbers_found(database, "包装鼓胀") == [milk]
    assert await numbers_found(database, "西路店") == [milk]
    assert await numbers_found(database, "鼓胀了") == []
    assert await numbers_found(database, "juice TASTED") == [juice]
    assert await numbers_found(database, "韩梅梅") == [juice]
    assert await numbers_found(database, 'say "soap"') == []  # quotes are characters
    assert await numbers_found(database, "牛奶") == [milk]


async def test_a_phone_matches_at_its_end_whether_the_case_or_the_customer_holds_it(
        database: Database, rules: Rules) -> None:
    by_contact = await file(database, rules, contact_phone="+86 139 0013 9000")
    async with database.uow() as uow:
        await uow.session.execute(update(PersonRow).where(
            PersonRow.id == CUSTOMER.person_id).values(phone="+8613700137000"))
        await uow.commit()
    assert await numbers_found(database, "13900139000") == [by_contact]
    # Every case of that customer: the one above too, whatever contact it gave.
    assert await numbers_found(database, "137 0013 7000") == [by_contact]
    assert await numbers_found(database, "1390013") == []  # inside, not at the end


async def test_the_index_follows_edits_to_a_case(database: Database, rules: Rules) -> None:
    number = await file(database, rules, description="The lid was cracked.")
    async with database.uow() as uow:
        await uow.session.execute(update(CaseRow).where(CaseRow.number == number).values(
            description="The seal was broken.", place="机场店"))
        await uow.commit()
    assert await numbers_found(database, "cracked") == []
    assert await numbers_found(database, "seal was") == [number]
    assert await numbers_found(database, "机场店") == [number]


async def search_objects(database: Database) -> set[str]:
    def names(sync: Any) -> set[str]:
        inspector = inspect(sync)
        found = set(inspector.get_table_names())
        for table in ("cases", "people"):
            found |= {index["name"] for index in inspector.get_indexes(table)}
        return {name for name in found if is_search_object(name)}

    async with database.engine.connect() as connection:
        return set(await connection.run_sync(names))


async def test_the_migration_indexes_cases_filed_before_it_and_goes_away_cleanly(
        database: Database, rules: Rules) -> None:
    assert await search_objects(database)
    url = database.url

    def downgrade(connection: Any) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")

    # Filed now, through today's model; the downgrade then takes the index (and any later
    # column) away, so the case is one the upgrade finds already there.
    number = await file(database, rules, description="Filed before the index existed.")
    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade)
    assert await search_objects(database) == set()
    await database.dispose()
    await upgrade(url)
    database = Database(url)
    try:
        assert await numbers_found(database, "before the index") == [number]
        assert await numbers_found(database, "13800138000") == [number]
    finally:
        await database.dispose()


async def test_a_copy_into_a_migrated_sqlite_database_is_searchable(
        tmp_path: Path, rules: Rules) -> None:
    source, target = (f"sqlite+aiosqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    await upgrade(source)
    await upgrade(target)  # its FTS tables hold bookkeeping rows: still an empty desk
    database = Database(source)
    try:
        async with database.uow() as uow:
            uow.session.add(PersonRow(id=CUSTOMER.person_id, phone="+8613700137000",
                                      created_at=rules.now()))
            await uow.commit()
        number = await file(database, rules, description="Moved with its index.")
    finally:
        await database.dispose()
    await copy_database(source, target)
    database = Database(target)
    try:
        assert await numbers_found(database, "with its index") == [number]
        assert await numbers_found(database, "13700137000") == [number]
    finally:
        await database.dispose()
