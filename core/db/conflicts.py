"""SQLAlchemy's unique-key error, as the ports' ``Conflict``: services race on keys
(intake keys, ledger keys, outbox keys) without knowing which database said no."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from core.records import Conflict


@contextmanager
def as_conflict() -> Iterator[None]:
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(str(exc.orig)[:200]) from exc
