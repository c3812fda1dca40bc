"""Run the routers' plain (non-async) filters on the event loop, not in a thread.

aiogram calls every filter or handler that is not a coroutine function through
``asyncio.to_thread`` — every ``F.chat.type == "private"``, every ``F.text == ...`` and
every small predicate of ours. An update tried against twenty routers pays for dozens of
thread hand-offs, more CPU than the rest of the routing. Our filters only look at the
event, so they are made awaitable and run in place. The intake benchmark shows the gain
(``bench/results/intake_throughput.txt``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject, HandlerObject


def run_filters_inline(root: Router) -> int:
    """Make every plain filter under ``root`` awaitable; returns how many were changed."""
    changed = 0
    for handler in _handlers(root):
        for filter_ in handler.filters or ():
            if not filter_.awaitable:
                _make_awaitable(filter_)
                changed += 1
    return changed


def _handlers(root: Router) -> Iterator[HandlerObject]:
    for router in root.chain_tail:
        for observer in router.observers.values():
            handler = getattr(observer, "_handler", None)  # the router-level filters
            if isinstance(handler, HandlerObject):
                yield handler
            yield from getattr(observer, "handlers", ())


def _make_awaitable(callable_: CallableObject) -> None:
    plain: Callable[..., Any] = callable_.callback

    async def in_place(*args: Any, **kwargs: Any) -> Any:
        return plain(*args, **kwargs)

    # ``params`` was read from the plain function's signature and still applies.
    callable_.callback = in_place
    callable_.awaitable = True
