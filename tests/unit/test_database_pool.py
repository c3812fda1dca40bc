"""How many PostgreSQL connections a process keeps is a setting; SQLite's pool is the
engine's (40 for a file, SQLAlchemy's own in memory), and updates get a slot each but a
few of the pool's connections."""

from __future__ import annotations

from pydantic import SecretStr
from sqlalchemy.pool import NullPool

from bot.runtime.settings import Settings
from bot.runtime.update_slots import UpdateSlots
from core.db.uow import Database


def settings(**values: object) -> Settings:
    return Settings(bot_token=SecretStr("1:x"), _env_file=None, **values)  # type: ignore[arg-type]


async def test_a_postgresql_process_keeps_the_configured_number_of_connections() -> None:
    chosen = settings(database_url="postgresql://desk@db.internal/desk", database_pool_size=7)
    db = Database(chosen.database_url, **chosen.pool_options())  # no connection is opened
    assert db.engine.pool.size() == 7
    default = settings(database_url="postgresql://desk@db.internal/desk")
    assert Database(default.database_url, **default.pool_options()).engine.pool.size() == 15


def test_sqlite_gets_no_pool_options() -> None:
    assert settings(database_url="sqlite:///desk.db").pool_options() == {}


def test_an_in_memory_or_unpooled_sqlite_database_still_builds() -> None:
    in_memory = Database("sqlite+aiosqlite://")  # SQLAlchemy keeps its one connection
    assert UpdateSlots.for_pool(in_memory.engine.pool).size is None  # no count, no limit
    unpooled = Database("sqlite+aiosqlite:///desk.db", poolclass=NullPool)
    assert UpdateSlots.for_pool(unpooled.engine.pool).size is None
    assert UpdateSlots.for_pool(Database("sqlite+aiosqlite:///desk.db").engine.pool).size == 37
