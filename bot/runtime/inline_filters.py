"""Run the routers' plain (non-async) filters on the event loop, not in a thread.

aiogram calls every filter or handler that is not a coroutine function through
``asyncio.to_thread`` — every ``F.chat.type == "private"``, every ``F.text == ...`` and
every small predicate of ours. An update tried against twenty routers pays for dozens of
thread hand-offs, more CPU than the rest of the routing. Our filters only look at the
event, so they are made awaitable and run in place. The intake benchmark shows the gain
(``bench/results/intake_throughput.txt``).

Likewise every ``Command`` filter: a customer's words are tried against each command
handler before the intake takes them, and aiogram's filter parses the text and raises
and catches an exception each time to say "not a command". A text that does not start
with the command's prefix is refused at once instead; any other goes to the filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Bot, Router
from aiogram.dispatcher.event.handler import CallableObject, HandlerObject
from aiogram.filters import Command
from aiogram.types import Message


def run_filters_inline(root: Router) -> int:
    """Make every plain filter under ``root`` awaitable; returns how many were changed."""
    changed = 0
    for handler in _handlers(root):
        for filter_ in handler.filters or ():
            if isinstance(filter_.callback, Command):
                _refuse_plain_words(filter_, filter_.callback)
                changed += 1
            elif not filter_.awaitable:
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


def _refuse_plain_words(callable_: CallableObject, command: Command) -> None:
    prefixes = command.prefix

    async def commands_only(message: Message, bot: Bot) -> bool | dict[str, Any]:
        # aiogram takes the prefix after leading blanks (``str.split``), and so does this.
        text = (message.text or message.caption or "") if isinstance(message, Message) else ""
        first = text.lstrip()[:1]
        if not first or first not in prefixes:
            return False
        return await command(message, bot)

    callable_.callback = commands_only  # the same parameters, so ``params`` still applies
