"""What handlers say keeps to the bot's overall flood budget, shared with the outbox, so
the bot does not draw Telegram's 429s on itself.

After an outage the backlog of updates is handled at once, and every handler answering
at once overran Telegram's overall limit (thirty messages a second) and drew 429s by the
dozen. Each message now reserves its slot in the process's ``Pacer`` — the outbox
sender's too — and waits for it, a few milliseconds per message ahead of it.

A private chat's own limit is paced here too, on the same log as the outbox's: Telegram
lets a chat have short bursts (three messages in three seconds, as we count it), so the
two messages of one answer go at once and only someone answering faster than any person
types waits; before, the second of them drew a 429 under load. A group's limit is not:
it is spaced evenly (twenty a minute), and a staff member pressing a button would wait
up to three seconds behind the group's last card; the rare 429 there is waited out
(``bot.delivery.flood_wait``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    ForwardMessage,
    SendAnimation,
    SendAudio,
    SendContact,
    SendDocument,
    SendLocation,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendSticker,
    SendVideo,
    SendVoice,
    TelegramMethod,
)

from bot.delivery.pacing import Pacer
from bot.delivery.send_window import SendWindow
from bot.delivery.shared_budget import SharedFloodBudget

# The requests Telegram counts against the flood limits.
COUNTED = (SendMessage, SendPhoto, SendDocument, SendVoice, SendVideo, SendAudio,
           SendAnimation, SendSticker, SendMediaGroup, SendLocation, SendContact,
           EditMessageText, EditMessageCaption, EditMessageReplyMarkup, CopyMessage,
           ForwardMessage)


def _chat(method: TelegramMethod[Any]) -> int | None:
    chat_id = getattr(method, "chat_id", None)
    return chat_id if isinstance(chat_id, int) else None


def _private_chat(method: TelegramMethod[Any]) -> int:
    """The private chat a message is paced in; 0 for a group's or an inline message,
    which take only the overall slot (see above: a group's limit is the outbox's)."""
    chat_id = _chat(method)
    return chat_id if chat_id and chat_id > 0 else 0


def _fleet_windows(shared: SharedFloodBudget | None, method: TelegramMethod[Any]
                   ) -> AbstractAsyncContextManager[None]:
    """The request's places in a fleet's send windows; none for a process alone."""
    return shared.sending(_chat(method)) if shared is not None else nullcontext()


class PacedRequests(BaseRequestMiddleware):
    def __init__(self, pacer: Pacer, now: Callable[[], datetime]) -> None:
        self.pacer = pacer
        self.now = now  # the clock the outbox sender paces by: one budget, one clock

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, COUNTED):
            return await make_request(bot, method)
        chat_id = _private_chat(method)
        ticket = self.pacer.reserve(chat_id, self.now()) if chat_id else None
        if ticket is None:
            await self._overall_slot()
            async with self.pacer.window.slot():
                return await make_request(bot, method)
        try:
            await asyncio.sleep(max(0.0, (ticket.moment - self.now()).total_seconds()))
            while True:  # the overall queue may have held an earlier one of this chat
                await self._overall_slot()
                pause = self.pacer.hold_back(chat_id, ticket, self.now())
                if pause <= 0:
                    break
                await asyncio.sleep(pause)
            async with self.pacer.window.slot():
                self.pacer.departed(ticket, self.now())
                return await make_request(bot, method)
        finally:  # cancelled before it left: the chat's later messages must not wait on it
            self.pacer.departed(ticket, self.now())

    async def _overall_slot(self) -> None:
        pause = self.pacer.reserve_overall(self.now())
        if pause > 0:
            await asyncio.sleep(pause)


class InSendWindow(BaseRequestMiddleware):
    """The background workers' bot: it paces by the same ``Pacer`` (or a fleet's budget)
    before it sends, and its requests hold places in the same window as the handlers' —
    and in a fleet, in the fleet's windows too (``SharedFloodBudget.sending``)."""

    def __init__(self, window: SendWindow, shared: SharedFloodBudget | None = None) -> None:
        self.window = window
        self.shared = shared

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, COUNTED):
            return await make_request(bot, method)
        async with self.window.slot(), _fleet_windows(self.shared, method):
            return await make_request(bot, method)


class SharedPacedRequests(BaseRequestMiddleware):
    """``PacedRequests`` for a fleet: each message's moment comes from the budget the
    instances share in Redis (``bot.delivery.shared_budget``); the reservation is the
    departure, so no ticket needs checking again before it leaves."""

    def __init__(self, budget: SharedFloodBudget, window: SendWindow) -> None:
        self.budget = budget
        self.window = window

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, COUNTED):
            return await make_request(bot, method)
        grant = await self.budget.reserve(_private_chat(method))
        if grant.first > 0:
            await asyncio.sleep(grant.first)
        async with self.window.slot(), _fleet_windows(self.budget, method):
            return await make_request(bot, method)
