"""Migrations and models agree, and upgrading is repeatable."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.db.dialect import include_in_model_comparison
from core.db.migrate import (
    alembic_config,
    current_revision,
    head_in_scripts,
    head_revision,
    upgrade,
    upgrade_if_behind,
)
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


async def test_a_database_at_head_is_not_migrated_again(database: Database) -> None:
    """A restarted instance: nothing to do, and Alembic stays out of its memory."""
    assert head_in_scripts() == head_revision()
    assert not await upgrade_if_behind(database.url)


async def test_a_new_or_older_database_is_brought_to_head(sqlite_database_url: str) -> None:
    assert await upgrade_if_behind(sqlite_database_url)  # new: no version table yet
    await _downgrade(sqlite_database_url, "0020")
    assert await upgrade_if_behind(sqlite_database_url)
    assert await current_revision(sqlite_database_url) == head_revision()
    assert not await upgrade_if_behind(sqlite_database_url)


async def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    from core.db.engine import make_engine

    engine = make_engine(url)
    config = alembic_config(url)

    def run(connection: object) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()
