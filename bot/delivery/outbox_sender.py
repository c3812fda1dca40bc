"""Delivers the outbox: each notice rendered in its recipient's language and sent.

Telegram's answers decide what happens next: sent; 429 waits ``retry_after``; blocked or
kicked (403) marks the recipient unreachable and stops, and so does a recipient with no
chat at all — either way someone is told instead (``core.services.reach``); a network or server fault retries
with growing pauses; a request Telegram refuses outright is recorded as failed.

Unreachable is not lost: a group's cards go out again once the bot is back in it
(``core.services.groups.set_active``), and a customer's open question is asked again under
/status (``bot.handlers.customer``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram import Bot, methods
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n

from bot.delivery import report_sender
from bot.delivery.card_sender import CardSender
from bot.delivery.in_person import send_to_staff
from bot.delivery.pacing import Pacer
from bot.delivery.replies import new_message_id
from bot.delivery.shared_budget import SharedFloodBudget
from bot.views.notice_texts import render
from bot.views.reader_zone import reading
from core.db.outbox import LEASE, MAX_ATTEMPTS, OutboxQueue, Outgoing
from core.db.uow import Database
from core.notices import CHAT, STAFF, Card, MonthlyReport, Notice, Reply
from core.organisation import Organisation
from core.reports import Period
from core.services import groups, reach, staff
from core.services.groups import Group
from core.services.rules import Rules

log = logging.getLogger(__name__)

# The kinds that are more than one rendered message, each with its own delivery:
# (sender, notice, chat id, group, locale) -> id of the message to record.
Delivery = Callable[["OutboxSender", Outgoing, int, "Group | None", str], Awaitable[int | None]]
SENT_APART: dict[type[Notice], Delivery] = {}


def _apart(kind: type[Notice]) -> Callable[[Delivery], Delivery]:
    def register(delivery: Delivery) -> Delivery:
        SENT_APART[kind] = delivery
        return delivery
    return register


@_apart(Card)
async def _card(sender: OutboxSender, item: Outgoing, chat_id: int, group: Group | None,
                locale: str) -> int | None:
    """Posted once, edited after, with a note per event (``bot.delivery.card_sender``)."""
    if group is None:
        raise LookupError(f"notice {item.id}: a card needs a staff group")
    assert isinstance(item.notice, Card)
    return await sender.cards.deliver(item.notice, group, locale)


@_apart(MonthlyReport)
async def _report(sender: OutboxSender, item: Outgoing, chat_id: int,
                  group: Group | None, locale: str) -> int:
    """Text, photos and a workbook, not one message."""
    assert isinstance(item.notice, MonthlyReport)
    return await report_sender.send_report(sender.bot, chat_id, sender.db, sender.rules,
                                           sender.i18n, Period.parse(item.notice.period))


@_apart(Reply)
async def _reply(sender: OutboxSender, item: Outgoing, chat_id: int, group: Group | None,
                 locale: str) -> int | None:
    """Already rendered by the handler that could not send it (``bot.runtime.update_bot``)."""
    assert isinstance(item.notice, Reply)
    kind = getattr(methods, item.notice.method, None)
    if not (isinstance(kind, type) and issubclass(kind, methods.TelegramMethod)):
        raise LookupError(f"notice {item.id}: no Bot API method {item.notice.method!r}")
    method = kind.model_validate(item.notice.params)
    return new_message_id(method, await sender.bot(method))


class OutboxSender:
    def __init__(self, bot: Bot, db: Database, rules: Rules, organisation: Organisation,
                 i18n: I18n, idle_pause: float = 1.0, pacer: Pacer | None = None,
                 lease: timedelta = LEASE, shared: SharedFloodBudget | None = None) -> None:
        self.bot, self.db, self.rules = bot, db, rules
        self.organisation, self.i18n = organisation, i18n
        self.queue = OutboxQueue(db, lease)
        self.cards = CardSender(bot, db, rules)
        self.pacer = pacer  # None: no pacing of our own (tests drive time by hand)
        self.shared = shared  # a fleet's budget in Redis, instead of the pacer
        self.idle_pause = idle_pause
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Something was just queued: look now instead of after the idle pause."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the round in progress, then return: a round cut off mid-statement
        leaves a database connection to be rolled back by a cancelled task."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Until stopped (or cancelled); a failing round is logged and the loop goes on."""
        while not self._stopping:
            try:
                delivered = await self.run_once()
            except Exception:  # the database may be briefly unreachable; keep going
                log.exception("outbox round failed")
                delivered = 0
            if not delivered and not self._stopping:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self.idle_pause)
                except TimeoutError:
                    pass

    async def run_once(self) -> int:
        items = await self.queue.claim(self.rules.now())
        for item in items:
            await self.deliver(item)
        return len(items)

    async def _address(self, item: Outgoing
                       ) -> tuple[int | None, str, Group | None, str | None]:
        """The chat, language, (for staff) group and (for a customer) phone number of a
        notice's recipient; the number says whose clock they read our times on."""
        default = self.organisation.default_language
        if item.audience == CHAT:  # rendered already, in the language it was said in
            return int(item.address), default, None, None
        if item.audience == "customer":
            async with self.db.uow() as uow:
                person = await uow.people.get(int(item.address))
                return person.telegram_id, person.language or default, None, person.phone
        if item.audience == STAFF:  # their private chat, in the language the file gives
            member = await staff.member_now(self.db, self.organisation, int(item.address))
            language = (member.language if member else None) or default
            return int(item.address), language, None, None
        wanted = {"desk": "desk", "supervisors": "supervisors"}.get(
            item.audience, f"department:{item.address}")
        group = await groups.group_for(self.db, self.organisation, wanted)
        if group is None:
            return None, default, None, None
        return group.chat_id, group.language or default, group, None

    async def _send(self, item: Outgoing, chat_id: int, locale: str,
                    group: Group | None, phone: str | None) -> int | None:
        with self.i18n.context(), self.i18n.use_locale(locale), reading(phone):
            apart = SENT_APART.get(type(item.notice))
            if apart is not None:
                return await apart(self, item, chat_id, group, locale)
            text, markup = render(item.notice, self.rules.policy)
            if item.audience == STAFF:
                return await send_to_staff(self.bot, self.db, self.organisation, chat_id,
                                           text, markup)
            message = await self.bot.send_message(chat_id, text, reply_markup=markup)
            return message.message_id

    async def deliver(self, item: Outgoing) -> None:
        now = self.rules.now()
        chat_id, locale, group, phone = await self._address(item)
        if chat_id is None:
            await self._reaches_nobody(item, now, "no Telegram chat for this recipient")
            return
        # A card may bring notes, each a message.
        messages = 1 + (len(item.notice.events) if isinstance(item.notice, Card) else 0)
        if self.shared is not None:
            grant = await self.shared.reserve(chat_id, messages, longest_wait=0.0)
            if not grant.reserved:  # this chat is at its limit: others go first
                await self.queue.postpone(item, now + timedelta(seconds=grant.first))
                return
            await asyncio.sleep(grant.first)
            now = self.rules.now()
        elif self.pacer is not None:
            pause = self.pacer.wait(chat_id, now)
            if pause:  # this chat is at its limit: others go first
                await self.queue.postpone(item, now + pause)
                return
            # Everyone shares the overall limit: a pause of a few milliseconds.
            await asyncio.sleep(self.pacer.wait_overall(self.rules.now()).total_seconds())
            now = self.rules.now()
            # Taken before sending, so an update's replies to the same chat, sent
            # meanwhile, queue behind it.
            self.pacer.sent(chat_id, now, messages)
        try:
            message_id = await self._send(item, chat_id, locale, group, phone)
        except TelegramRetryAfter as exc:
            # Flood control is not a failure: wait as told, without spending an attempt.
            await self.queue.postpone(item, now + timedelta(seconds=exc.retry_after))
        except TelegramForbiddenError as exc:
            log.warning("notice %s: recipient unreachable: %s", item.id, exc.message)
            await self._reaches_nobody(item, now, exc.message)
        except TelegramBadRequest as exc:
            log.error("notice %s refused by Telegram: %s", item.id, exc.message)
            await self.queue.retry(_final(item), now, exc.message)
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as exc:
            pause = timedelta(seconds=min(300, 2 ** item.attempts))
            await self.queue.retry(item, now + pause, str(exc))
        else:
            await self.queue.sent(item.id, now, message_id)

    async def _reaches_nobody(self, item: Outgoing, now: datetime, reason: str) -> None:
        """Someone is told instead (``core.services.reach``): a customer's words become the
        desk's call task, a group's an alert; then the row is marked unreachable."""
        await reach.redirect(self.db.uow(), item.notice, item.id, now, reason)
        await self.queue.unreachable(item.id, reason)
        self.wake()


def _final(item: Outgoing) -> Outgoing:
    """The same notice with no attempts left: retrying a refused request cannot help."""
    return dataclasses.replace(item, attempts=MAX_ATTEMPTS)
