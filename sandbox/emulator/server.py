"""aiohttp app factory, the running Emulator object, and the CLI entry.

Routes:
    POST|GET /bot{token}/{method}          Bot API (JSON, urlencoded or multipart bodies)
    GET      /file/bot{token}/{file_path}  file download (bytes stored by uploads/user actions)
    *        /_emulator/...                control API (control.py)

In-process use:
    emulator = await start_emulator(token="123:abc")
    bot = Bot("123:abc", session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url)))
    ...
    await emulator.close()
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from . import control
from .api import ApiError
from .checks import read_body
from .limits import DropConnection
from .pipeline import execute
from .state import EmulatorState
from .webhook import stop_webhook

MAX_BODY = 60 * 1024 * 1024  # the hosted Bot API accepts uploads up to 50 MB


async def _bot_api(request: web.Request) -> web.StreamResponse:
    state: EmulatorState = request.app[control.STATE_KEY]
    token, method_name = request.match_info["token"], request.match_info["method"]
    try:
        params, files = await read_body(request)
    except ApiError as exc:
        return web.json_response(exc.envelope(), status=exc.code)
    except web.HTTPRequestEntityTooLarge:
        # aiohttp answers 413 in HTML; Telegram answers JSON, which aiogram maps to TelegramEntityTooLarge.
        return web.json_response({"ok": False, "error_code": 413, "description": "Request Entity Too Large"},
                                 status=413)
    try:
        status, body = await execute(state, token, method_name, params, files)
    except DropConnection:
        # Simulated network failure: close the socket without any HTTP answer.
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError() from None
    return web.json_response(body, status=status)


async def _download(request: web.Request) -> web.StreamResponse:
    state: EmulatorState = request.app[control.STATE_KEY]
    not_found = web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
    try:
        state.bot_for_token(request.match_info["token"])
    except ApiError:
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    stored = state.files_by_path.get(request.match_info["path"])
    if stored is None:
        return not_found
    return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def create_app(state: EmulatorState | None = None, **state_kwargs: Any) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[control.STATE_KEY] = state or EmulatorState(**state_kwargs)
    app.router.add_route("*", "/bot{token}/{method}", _bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", _download)
    control.setup(app)
    return app


class Emulator:
    """A running emulator: .base_url, .state, .close(); usable as an async context manager."""

    def __init__(self, runner: web.AppRunner, state: EmulatorState, host: str, port: int):
        self.runner = runner
        self.state = state
        self.host = host
        self.port = port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def bot(self, token: str | None = None, **bot_kwargs: Any) -> Any:
        """An aiogram Bot talking to this emulator (token defaults to the first registered bot)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        token = token or self.state.primary_bot().token
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(token, session=session, **bot_kwargs)

    async def close(self) -> None:
        state = self.state
        state.closing = True
        for bot in state.bots.values():
            stop_webhook(bot)
            bot.wake()  # waiting getUpdates return [] at once instead of holding shutdown
        await self.runner.cleanup()

    async def __aenter__(self) -> Emulator:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


async def start_emulator(host: str = "127.0.0.1", port: int = 0, *, state: EmulatorState | None = None,
                         token: str | None = None, bot_username: str | None = None,
                         extend: Callable[[web.Application], None] | None = None, **state_kwargs: Any
                         ) -> Emulator:
    """Start the emulator on host:port (0 = a free port) in the running event loop.

    token registers a bot up front (needed before scenario helpers like create_user(started=True));
    extend(app) adds routes on the same server (the sandbox's web chat);
    other keyword arguments go to EmulatorState (clock=, flood_limits=, strict_html=, ...).
    """
    if bot_username is not None:
        state_kwargs["bot_username"] = bot_username
    state = state or EmulatorState(**state_kwargs)
    if token:
        state.register_bot(token)
    app = create_app(state)
    if extend is not None:
        extend(app)
    runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return Emulator(runner, state, host, bound_port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.emulator",
                                     description="Local stand-in for the Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", help="register this bot token at start (any <digits>:<chars> works anyway)")
    parser.add_argument("--username", default="complaint_desk_bot", help="username of the first bot")
    parser.add_argument("--flood-limits", action="store_true", help="answer 429 past Telegram's flood limits")
    parser.add_argument("--strict-html", action="store_true", help="also reject a bare '&' in HTML texts")
    parser.add_argument("--only-known-tokens", action="store_true", help="401 for tokens not registered")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def run() -> None:
        emulator = await start_emulator(
            args.host, args.port, token=args.token, bot_username=args.username, flood_limits=args.flood_limits,
            strict_html=args.strict_html, accept_any_token=not args.only_known_tokens,
        )
        print(f"Telegram Bot API emulator on {emulator.base_url} (control API: {emulator.base_url}/_emulator/)",
              flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await emulator.close()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
