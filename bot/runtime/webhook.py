"""Webhook mode: an aiohttp server Telegram posts updates to, for fleets of instances.

Each update is handled *before* it is acknowledged (not in the background, aiogram's
default): a 2xx tells Telegram it is done, so an instance killed mid-update never answered
and Telegram delivers the update again, to whichever instance the front picks. The claim
on its ``update_id`` (``core.db.updates``) makes sure only one instance handles it.

Routes: ``POST <path of WEBHOOK_URL>`` (secret header checked), ``GET /healthz`` (the
process is alive), ``GET /readyz`` (and its database answers).

Shutdown (SIGTERM/SIGINT): stop listening, let updates in flight finish, stop the
workers. The webhook is left set: the other instances (or the next deploy) keep
receiving, and Telegram holds updates while nobody answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sqlalchemy import text
from yarl import URL

from bot.runtime.runner import IN_FLIGHT_GRACE, BotProcess
from bot.runtime.update_work import FinishMark
from core.db.process_claims import ProcessClaims
from core.db.updates import Claim, UpdateClaims

if TYPE_CHECKING:
    from aiogram.methods import TelegramMethod

log = logging.getLogger(__name__)
READY_TIMEOUT = 2.0  # a database slower than this to answer SELECT 1 counts as not ready


def _now() -> datetime:
    return datetime.now(UTC)


class ClaimingRequestHandler(SimpleRequestHandler):
    """aiogram's handler (secret check, webhook replies) plus a claim per update_id."""

    def __init__(self, process: BotProcess, claims: UpdateClaims, secret: str) -> None:
        super().__init__(process.dispatcher, process.bot, handle_in_background=False,
                         secret_token=secret)
        self.claims = claims

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        raw = await request.json(loads=bot.session.json_loads)
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int):
            return web.Response(status=400, text="not a Telegram update")
        claim = await self.claims.claim(update_id, _now())
        if claim is Claim.DONE:  # a redelivery of something handled: just acknowledge
            return web.json_response({})
        if claim is Claim.BUSY:
            # Another instance is handling it now. Not 2xx, so Telegram asks again later
            # and, should that instance die, the update is taken over after the lease.
            return web.Response(status=503, text="update is being handled elsewhere")
        heartbeat = asyncio.create_task(self._renew(update_id)) if self.claims.lapses else None
        try:
            try:
                # The "handled" mark goes into the update's closing transaction when it can.
                mark = FinishMark(update_id)
                result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
                    bot, raw, finish_mark=mark, **self.data)
            except Exception:
                await self.claims.release(update_id)  # a retry may succeed; run it at once
                raise
            finally:
                if heartbeat is not None:
                    heartbeat.cancel()
            if not mark.done:  # handling failed and was answered, or never reached the batch
                await self.claims.finish(update_id, _now())
        finally:
            self.claims.settle(update_id)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))


    async def _renew(self, update_id: int) -> None:
        """Keep the claim while handling takes long, so nobody takes it over from the living."""
        while True:
            await asyncio.sleep(self.claims.lease.total_seconds() / 3)
            try:
                await self.claims.renew(update_id, _now())
            except Exception:  # the next beat may get through; the lease is three beats
                log.exception("renewing the claim on update %s failed", update_id)


def webhook_path(url: str) -> str:
    return URL(url).path or "/"


def build_app(process: BotProcess, claims: UpdateClaims, secret: str, path: str
              ) -> web.Application:
    app = web.Application()
    # Not ``handler.register``: it closes the bot session on_shutdown, which aiohttp runs
    # *before* waiting for requests in flight, and those still need the session.
    app.router.add_post(path, ClaimingRequestHandler(process, claims, secret).handle)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(READY_TIMEOUT), process.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means "do not send me traffic"
            return web.Response(status=503, text=f"database unreachable: {type(exc).__name__}")
        return web.Response(text="ready")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


async def run_webhook(process: BotProcess) -> None:
    settings = process.settings
    assert settings.webhook_url and settings.webhook_secret, "checked by the command"
    secret = settings.webhook_secret.get_secret_value()
    # Without Redis, conversations live in this process's cache (bot.runtime.storage.
    # SqlStorage): one instance only, so its claims need not be written either
    # (core.db.process_claims). A fleet claims each update in the database.
    claims_kind = UpdateClaims if settings.redis_url else ProcessClaims
    claims = claims_kind(process.db, timedelta(seconds=settings.update_lease_seconds))
    if not settings.redis_url:
        log.warning("webhook mode without REDIS_URL: run only one instance")
    dispatcher, bot = process.dispatcher, process.bot
    await process.prepare()
    runner = web.AppRunner(build_app(process, claims, secret, webhook_path(settings.webhook_url)),
                           shutdown_timeout=IN_FLIGHT_GRACE, access_log=None,
                           handle_signals=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workflow: dict[str, Any] = {"dispatcher": dispatcher, "bots": [bot],
                                **dispatcher.workflow_data}
    pruner: asyncio.Task[None] | None = None
    try:
        await runner.setup()
        await dispatcher.emit_startup(bot=bot, webhook=True, **workflow)
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        # Only once listening; every instance sets the same public URL (a no-op after the
        # first). Pending updates are kept: nothing sent during a deploy is lost.
        await bot.set_webhook(settings.webhook_url, secret_token=secret,
                              allowed_updates=dispatcher.resolve_used_update_types(),
                              drop_pending_updates=False)
        log.info("webhook mode: listening on %s:%s for %s", settings.webhook_host,
                 settings.webhook_port, settings.webhook_url)
        pruner = asyncio.create_task(claims.prune_forever(), name="prune-update-claims")
        await stop.wait()
        log.info("stopping: no new requests; waiting for updates in flight")
    finally:
        if pruner is not None:
            pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pruner
        await runner.cleanup()  # stops accepting, then waits for handlers in flight
        try:
            await dispatcher.emit_shutdown(bot=bot, webhook=True, **workflow)
        finally:
            await bot.session.close()
            await process.db.dispose()
