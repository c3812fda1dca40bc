"""Migrations and models agree, and upgrading is repeatable."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.db.dialect import include_in_model_comparison
from core.db.migrate import current_revision, head_revision, upgrade
from core.db.models import Base
from core.db.uow import Database


async def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            # migration 0013's text search indexes live beside the models, not in them
            "include_name": include_in_model_comparison})
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_upgrading_twice_is_harmless_and_lands_on_head(sqlite_database_url: str) -> None:
    await upgrade(sqlite_database_url)
    await upgrade(sqlite_database_url)
    assert await current_revision(sqlite_database_url) == head_revision()
