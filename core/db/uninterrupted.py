"""A database step that a cancellation lets finish before it takes effect.

Cancelling a task in the middle of a statement leaves SQLAlchemy to reset the connection
inside the cancelled task; the reset is cancelled too, and the pool logs it as an error
with a traceback (seen when SIGTERM arrived while polling was starting up). Steps that
run in tasks which are cancelled as a matter of course — the poller's, the pruner's — go
through here: the step finishes, then the cancellation goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def uninterrupted(step: Awaitable[T]) -> T:
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        # A second cancellation while waiting gives up on waiting, not on the step.
        await asyncio.wait([task])
        raise
