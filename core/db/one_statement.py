"""Several writes that read nothing back, sent to PostgreSQL as one statement.

An update's closing write was BEGIN, one statement per write and COMMIT: a round trip
each, and on PostgreSQL each costs more of the process's time than the statement does
(``bench/intake_throughput.py``). PostgreSQL runs data-modifying statements in ``WITH``
as parts of one statement — all of them or none, with one snapshot — so the writes go
as one statement in autocommit: one round trip. With one snapshot no write sees another's
rows, so this is only for writes to different rows (the update's conversation, its
reminder, its replies and its "handled" mark are). Elsewhere each runs on its own, in
the caller's transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import BindParameter

from core.db.dialect import HasDialect

Write = tuple[UpdateBase, Mapping[str, Any]]  # a statement with named parameters, and them


def joins_writes(database: HasDialect) -> bool:
    """Whether ``run`` sends its writes as one statement on this database."""
    return database.dialect.name == "postgresql"


async def run(connection: AsyncConnection, writes: Sequence[Write]) -> None:
    """``writes``, in order: as one statement where the database allows it."""
    if len(writes) > 1 and joins_writes(connection):
        statement = _joined(tuple(statement for statement, _ in writes))
        await connection.execute(statement, {
            f"{name}_{index}": value
            for index, (_, params) in enumerate(writes) for name, value in params.items()})
        return
    for statement, params in writes:
        await connection.execute(statement, params)


@functools.lru_cache(maxsize=256)  # one per shape of update; the statements are built once
def _joined(statements: tuple[UpdateBase, ...]) -> UpdateBase:
    *earlier, last = [_suffixed(statement, f"_{index}") for index, statement in
                      enumerate(statements)]
    for index, statement in enumerate(earlier):
        last = last.add_cte(statement.cte(f"write_{index}"))
    return last


def _suffixed(statement: UpdateBase, suffix: str) -> UpdateBase:
    """The statement with each named parameter renamed: the same statement may come twice."""
    def rename(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and not element.unique:
            return bindparam(element.key + suffix, element.value, type_=element.type,
                             required=element.required, callable_=element.callable,
                             expanding=element.expanding,
                             literal_execute=element.literal_execute)
        return None
    return cast(UpdateBase, visitors.replacement_traverse(statement, {}, rename))
