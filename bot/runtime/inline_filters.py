"""Run the routers' plain (non-async) filters on the event loop, not in a thread.

aiogram calls every filter or handler that is not a coroutine function through
``asyncio.to_thread`` — every ``F.chat.type == "private"``, every ``F.text == ...`` and
every small predicate of ours. An update tried against twenty routers pays for dozens of
thread hand-offs, more CPU than the rest of the routing. Our filters only look at the
event, so they are made awaitable and run in place. The intake benchmark shows the gain
(``bench/results/intake_throughput.txt``).

And a handler's filters are checked by calling each directly: aiogram's check copies the
update's data (some thirty entries) into a new dict for every filter, wraps the call in a
``partial`` and a coroutine, and an update meets some forty handlers' filters before the
intake's catch-all takes it.

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

# On a filter made awaitable: the plain function it wraps.
_PLAIN = "desk_plain_callback"


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
        _check_directly(handler)
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
    setattr(callable_, _PLAIN, plain)  # called as it is by ``_check_directly``


def _check_directly(handler: HandlerObject) -> None:
    """``HandlerObject.check`` as aiogram does it — each filter with the parameters it
    names, stopping at the first refusal, a dict answer adding to the data — but a call
    each instead of a copy of the data, a ``partial`` and a coroutine."""
    if "check" in vars(handler) or not handler.filters:
        return  # done already, or nothing to check
    steps: list[tuple[Callable[..., Any], frozenset[str] | None, bool]] = []
    for filter_ in handler.filters:
        plain = getattr(filter_, _PLAIN, None)
        if plain is None and not filter_.awaitable:
            return  # aiogram would run it in a thread: leave the check to aiogram
        wanted = None if filter_.varkw else frozenset(filter_.params)
        steps.append((plain or filter_.callback, wanted, plain is None))

    async def check(*args: Any, **data: Any) -> tuple[bool, dict[str, Any]]:
        for callback, wanted, awaited in steps:
            given = data if wanted is None else {k: data[k] for k in wanted if k in data}
            answer = callback(*args, **given)
            if awaited:
                answer = await answer
            if not answer:
                return False, data
            if isinstance(answer, dict):
                data.update(answer)
        return True, data

    handler.check = check  # type: ignore[method-assign]


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
