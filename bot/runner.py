"""Run the bot: long polling against TELEGRAM_API_URL, graceful on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher

from bot.app import build_bot, build_dispatcher
from bot.commands import set_commands
from bot.i18n import make_i18n
from bot.outbox_sender import OutboxSender
from bot.settings import Settings
from bot.storage import make_storage
from core.clock import SystemClock
from core.db.migrate import upgrade
from core.db.uow import Database
from core.organisation import Organisation
from core.ports import Clock
from core.services.rules import Rules

log = logging.getLogger(__name__)
IN_FLIGHT_GRACE = 30.0  # seconds an update may take to finish after SIGTERM


class BotProcess:
    """Everything one bot process owns, built from settings and torn down together."""

    def __init__(self, settings: Settings, organisation: Organisation,
                 clock: Clock | None = None) -> None:
        self.settings = settings
        self.organisation = organisation
        self.db = Database(settings.database_url)
        self.rules = Rules.build(organisation.policy, clock or SystemClock())
        self.i18n = make_i18n(organisation.default_language)
        self.bot: Bot = build_bot(settings.bot_token.get_secret_value(), settings.telegram_api_url)
        self.dispatcher: Dispatcher = build_dispatcher(
            db=self.db, rules=self.rules, organisation=organisation,
            storage=make_storage(self.db, settings.redis_url), i18n=self.i18n,
        )
        self.sender = OutboxSender(self.bot, self.db, self.rules, organisation, self.i18n)
        self._sending: asyncio.Task[None] | None = None
        self.dispatcher.startup.register(self._on_startup)
        self.dispatcher.shutdown.register(self._on_shutdown)

    async def _on_startup(self, bot: Bot, **_: Any) -> None:
        await set_commands(bot, self.i18n)
        # Polling and a webhook exclude each other; keep pending updates, lose nothing.
        await bot.delete_webhook(drop_pending_updates=False)
        self._sending = asyncio.create_task(self.sender.run(), name="outbox-sender")

    async def _on_shutdown(self, dispatcher: Dispatcher, **_: Any) -> None:
        """Let updates being handled finish, so nothing is left half-done."""
        tasks = list(getattr(dispatcher, "_handle_update_tasks", ()))
        if tasks:
            log.info("waiting for %d update(s) in flight", len(tasks))
            await asyncio.wait(tasks, timeout=IN_FLIGHT_GRACE)
        if self._sending is not None:
            # A notice being sent when this lands is claimed again after its lease.
            self._sending.cancel()
            await asyncio.gather(self._sending, return_exceptions=True)

    async def run_polling(self) -> None:
        if self.settings.migrate_on_start:
            await upgrade(self.settings.database_url)
        try:
            await self.dispatcher.start_polling(
                self.bot,
                polling_timeout=self.settings.polling_timeout,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
                handle_signals=True,
            )
        finally:
            await self.db.dispose()
