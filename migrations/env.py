"""Alembic environment: async engine, batch mode for SQLite, our naming convention."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context

from core.db.dialect import include_in_model_comparison
from core.db.engine import make_engine, normalise_url
from core.db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only ALTER via copy-and-move
        compare_type=True,
        include_name=include_in_model_comparison,  # the search indexes are not models
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    url = normalise_url(config.get_main_option("sqlalchemy.url") or "")
    engine = make_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _configure(connectable)
    else:
        asyncio.run(_run_online())
