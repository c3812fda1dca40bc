"""Programmatic Alembic: ``upgrade(url)`` creates or upgrades a database to head.

Alembic is imported only when a database must change: with its templating and the
migration scripts it loaded, it held about 11 MB of every running instance's memory,
though a restarted instance (every start but the first) finds its database at the head
revision already (``upgrade_if_behind``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.db.engine import make_engine, normalise_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([\w]+)['\"]?",
                       re.MULTILINE)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Run migrations on one connection of our own engine (SQLite pragmas included)."""
    from alembic import command

    engine = make_engine(url)
    config = alembic_config(url)

    def _run(connection: Any) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def head_in_scripts() -> str | None:
    """The head revision read from the scripts' own ``revision``/``down_revision`` lines,
    without Alembic: the one revision no other script names as its predecessor."""
    revisions, predecessors = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(script.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            predecessors.add(found.get("down_revision"))
    heads = revisions - predecessors
    return heads.pop() if len(heads) == 1 else None  # several, or none: let Alembic say


async def upgrade_if_behind(url: str) -> bool:
    """Upgrade unless the database is at the head revision already; whether it ran."""
    head = head_in_scripts()
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            found = (await connection.execute(
                text("SELECT version_num FROM alembic_version"))).scalars().all()
    except DBAPIError:  # no version table: a new database
        found = []
    finally:
        await engine.dispose()
    if head is not None and found == [head]:
        return False
    await upgrade(url)
    return True

