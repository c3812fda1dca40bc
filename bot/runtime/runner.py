"""Run the bot: long polling against TELEGRAM_API_URL, graceful on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher

from bot.delivery.flood_wait import REPLY_FLOOD_WAIT
from bot.delivery.job_runner import JobRunner
from bot.delivery.outbox_sender import OutboxSender
from bot.delivery.pacing import Pacer
from bot.delivery.send_window import SendWindow
from bot.delivery.shared_budget import SharedFloodBudget
from bot.delivery.wakeups import OutboxWakeups
from bot.runtime import preflight
from bot.runtime.app import build_bot, build_dispatcher
from bot.runtime.commands import set_commands
from bot.runtime.i18n import make_i18n
from bot.runtime.polling import InboxDispatcher
from bot.runtime.settings import Settings
from bot.runtime.storage import make_isolation, make_storage
from core.clock import OffsetClock, SystemClock
from core.db.migrate import upgrade_if_behind
from core.db.uow import Database
from core.db.updates import UpdateClaims, UpdateInbox
from core.organisation import Organisation
from core.ports import Clock
from core.services.rules import Rules

log = logging.getLogger(__name__)
IN_FLIGHT_GRACE = 30.0  # seconds an update may take to finish after SIGTERM
WORKER_GRACE = 10.0  # seconds the outbox sender and the job runner get to finish a round


class BotProcess:
    """Everything one bot process owns, built from settings and torn down together."""

    def __init__(self, settings: Settings, organisation: Organisation,
                 clock: Clock | None = None) -> None:
        self.settings = settings
        self.organisation = organisation
        self.db = Database(settings.database_url, **settings.pool_options())
        self.rules = Rules.build(organisation.policy, clock or self._clock())
        self.i18n = make_i18n(organisation.default_language)
        token, api = settings.bot_token.get_secret_value(), settings.telegram_api_url
        # Two sessions: handlers wait for the person in front of them (their budget, or a
        # 429); the outbox and the jobs put a notice back in line and serve other chats.
        # One flood budget for what handlers say and what the outbox sends.
        rate = settings.flood_overall_per_second
        pacer = self.pacer = Pacer(overall=(1, rate), window=SendWindow(count=max(1, int(rate))))
        # A fleet shares one budget through Redis (bot.delivery.shared_budget).
        shared = self.shared = (
            SharedFloodBudget(settings.redis_url, f"{api}|{token.split(':')[0]}", pacer)
            if settings.redis_url else None)
        self.bot: Bot = build_bot(token, api, paced_by=(pacer, self.rules.now), shared=shared)
        self.replies_bot: Bot = build_bot(token, api, paced_by=(pacer, self.rules.now),
                                          flood_wait=REPLY_FLOOD_WAIT, shared=shared)
        self.worker_bot: Bot = build_bot(token, api, window=pacer.window, shared=shared)
        storage = make_storage(self.db, settings.redis_url)
        self.dispatcher: InboxDispatcher = build_dispatcher(
            db=self.db, rules=self.rules, organisation=organisation,
            storage=storage, i18n=self.i18n,
            isolation=make_isolation(storage, settings.update_lease_seconds),
            reminder_delay=timedelta(minutes=settings.intake_reminder_minutes),
            replies_by=self.replies_bot,
            # Longer than the replies' own waits (a few 429s of REPLY_FLOOD_WAIT), so the
            # outbox never says one its handler is still saying.
            reply_hold=timedelta(seconds=max(settings.delivery_lease_seconds,
                                             6 * REPLY_FLOOD_WAIT)),
        )
        self.jobs = JobRunner(self.worker_bot, self.db, self.rules, self.dispatcher.storage,
                              self.i18n, self.dispatcher["reminder"],
                              organisation=organisation)
        self.sender = OutboxSender(self.worker_bot, self.db, self.rules, organisation, self.i18n,
                                   pacer=pacer, shared=shared,
                                   lease=timedelta(seconds=settings.delivery_lease_seconds))
        self.wakeups = OutboxWakeups(self.sender.wake, settings.redis_url)
        self.db.notices_committed.append(self.wakeups.committed)
        self._workers: list[asyncio.Task[None]] = []
        self._listener: asyncio.Task[None] | None = None
        self.dispatcher.startup.register(self._on_startup)
        self.dispatcher.shutdown.register(self._on_shutdown)

    def _clock(self) -> Clock:
        start = self.settings.clock_start
        if start is None:
            return SystemClock()
        if start.tzinfo is None:  # wall time where the organisation is, as people read it
            start = start.replace(tzinfo=ZoneInfo(self.organisation.policy.calendar.timezone))
        return OffsetClock(start)

    async def _on_startup(self, bot: Bot, webhook: bool = False, **_: Any) -> None:
        await set_commands(bot, self.i18n)
        # A process killed a moment ago may have filled a chat's window: pace from when it
        # last sent. Nothing recent: nothing to wait for.
        now = self.rules.now()
        self.pacer.others_sent_until = (await self.sender.queue.last_sent(now)
                                        or now - timedelta(minutes=10))
        if not webhook:  # webhook mode sets its own once it listens (bot.runtime.webhook)
            # Polling and a webhook exclude each other; keep pending updates, lose nothing.
            await bot.delete_webhook(drop_pending_updates=False)
        self._workers = [asyncio.create_task(self.sender.run(), name="outbox-sender"),
                         asyncio.create_task(self.jobs.run(), name="job-runner")]
        self._listener = asyncio.create_task(self.wakeups.listen(), name="outbox-wakeups")

    async def _on_shutdown(self, dispatcher: Dispatcher, **_: Any) -> None:
        """Let updates being handled finish, so nothing is left half-done."""
        tasks = list(getattr(dispatcher, "_handle_update_tasks", ()))
        if tasks:
            log.info("waiting for %d update(s) in flight", len(tasks))
            await asyncio.wait(tasks, timeout=IN_FLIGHT_GRACE)
        # The workers finish the round in progress; one still busy after the grace (a long
        # flood wait) is cancelled, and what it held is claimed again after its lease.
        if self._listener is not None:  # only waits on Redis: nothing to finish
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        self.sender.stop()
        self.jobs.stop()
        if self._workers:
            await asyncio.wait(self._workers, timeout=WORKER_GRACE)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        await self.worker_bot.session.close()
        await self.replies_bot.session.close()
        if self.shared is not None:
            await self.shared.close()

    async def prepare(self) -> None:
        """Before receiving updates, in either mode: everything it needs answers (else a
        one-line ``StartupFailure``, and nothing is left open)."""
        settings = self.settings
        try:
            await preflight.check_database(self.db.engine, settings.database_url)
            if settings.migrate_on_start:
                await upgrade_if_behind(settings.database_url)
            if settings.redis_url:
                await preflight.check_redis(settings.redis_url)
            await preflight.check_bot_api(self.bot, settings.telegram_api_url,
                                          settings.bot_api_attempts,
                                          settings.bot_api_backoff_seconds)
        except BaseException:
            await self.bot.session.close()
            await self.worker_bot.session.close()
            await self.replies_bot.session.close()
            if self.shared is not None:
                await self.shared.close()
            await self.dispatcher.storage.close()
            await self.db.dispose()
            raise

    async def run_polling(self) -> None:
        await self.prepare()
        # Every update recorded before it is confirmed; a crash mid-update costs a replay
        # at the next start, never the update (bot.runtime.polling).
        self.dispatcher.inbox = UpdateInbox(self.db, started=datetime.now(UTC))
        lease = timedelta(seconds=self.settings.update_lease_seconds)
        pruner = asyncio.create_task(UpdateClaims(self.db, lease).prune_forever(),
                                     name="prune-update-records")
        try:
            await self.dispatcher.start_polling(
                self.bot,
                polling_timeout=self.settings.polling_timeout,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
                handle_signals=True,
            )
        finally:
            pruner.cancel()
            await asyncio.gather(pruner, return_exceptions=True)
            await self.db.dispose()
