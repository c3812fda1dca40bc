"""Sending an update's kept replies, in order, once its writes have committed
(``bot.runtime.update_bot`` keeps them; ``core.db.replies`` stores them)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.types import Message

from bot.delivery.already_done import EDITS

if TYPE_CHECKING:
    from bot.runtime.update_bot import UpdateBot

log = logging.getLogger(__name__)


# Told of each reply as soon as Telegram has it: (its index, the message id).
Sent = Callable[[int, int | None], Awaitable[None]]


@dataclass
class Outcome:
    left: list[int] = field(default_factory=list)  # indexes for the outbox to say
    why: str = ""
    retry_after: float = 0.0  # Telegram's flood control asked us to wait this long


async def send_kept(bot: UpdateBot, sent: Sent) -> Outcome:
    """Send in order, each recorded (``sent``) before the next goes: a kill while a later
    one waits out a 429 does not leave an earlier one to be said again. A refused request
    is logged and skipped; anything else (a 429, an outage) leaves the rest, in order, to
    the outbox."""
    outcome = Outcome()
    for index, method in enumerate(bot.kept):
        try:
            result = await bot.replies_by(method)
        except TelegramBadRequest as exc:
            log.error("%s refused by Telegram: %s", type(method).__name__, exc.message)
            continue
        except Exception as exc:
            log.warning("%s not sent now (%s): the outbox will say it",
                        type(method).__name__, exc)
            outcome.left = list(range(index, len(bot.kept)))
            outcome.why = str(exc) or type(exc).__name__
            if isinstance(exc, TelegramRetryAfter):
                outcome.retry_after = float(exc.retry_after)
            return outcome
        await sent(index, new_message_id(method, result))
    return outcome


def new_message_id(method: TelegramMethod[Any], result: object) -> int | None:
    """The id of the message a request made; an edit makes none (it names the old one)."""
    if isinstance(method, EDITS) or not isinstance(result, Message):
        return None
    return result.message_id
