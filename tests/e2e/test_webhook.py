"""``complaint-desk run --webhook``: the real process receiving the emulator's webhook."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys

import aiohttp

from tests.e2e.conftest import REPLY_TIMEOUT, ROOT, Desk

SECRET = "e2e-webhook-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WebhookDesk:
    """The Desk's emulator with the bot started in webhook mode on a port of its own."""

    def __init__(self, desk: Desk, **extra: str) -> None:
        self.desk = desk
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/telegram/hook"
        env = desk.environment(WEBHOOK_URL=self.url, WEBHOOK_SECRET=SECRET,
                               WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(self.port), **extra)
        with desk.log.open("ab") as log:
            desk.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--webhook"],
                                            cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)

    async def started(self) -> None:
        """Start-up ends with setWebhook, sent once the server listens."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while not self.desk.state.requests("setWebhook"):
            assert loop.time() < deadline, "the bot did not start"
            assert self.desk.process is not None and self.desk.process.poll() is None, \
                "the bot exited"
            await asyncio.sleep(0.05)

    async def post(self, body: object, secret: str | None = SECRET) -> tuple[int, str]:
        headers = {HEADER: secret} if secret is not None else {}
        async with aiohttp.ClientSession() as session, session.post(
                self.url, json=body, headers=headers) as response:
            return response.status, await response.text()

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(self.base + path) as response:
            return response.status, await response.text()


async def test_webhook_is_set_with_the_secret_and_updates_are_answered(desk: Desk) -> None:
    hook = WebhookDesk(desk)
    await hook.started()
    call = desk.state.requests("setWebhook")[-1]["params"]
    assert call["url"] == hook.url and call["secret_token"] == SECRET
    assert str(call.get("drop_pending_updates", False)).lower() in ("false", "0")
    assert not desk.state.requests("deleteWebhook") and not desk.state.requests("getUpdates")
    assert (await desk.say(1003, "/start"))[0].startswith("Hello, Ann. This is the complaint desk")
    assert (await hook.get("/healthz"))[0] == 200
    assert (await hook.get("/readyz")) == (200, "ready")


async def test_requests_without_the_secret_are_refused(desk: Desk) -> None:
    hook = WebhookDesk(desk)
    await hook.started()
    update = {"update_id": 900001, "message": {
        "message_id": 1, "date": 1, "chat": {"id": 1003, "type": "private"},
        "from": {"id": 1003, "is_bot": False, "first_name": "Ann"}, "text": "/start"}}
    assert (await hook.post(update, secret=None))[0] == 401
    assert (await hook.post(update, secret="guessed"))[0] == 401
    await asyncio.sleep(0.5)
    assert desk.state.bot_messages(1003) == []


async def test_an_update_delivered_twice_is_handled_once(desk: Desk) -> None:
    hook = WebhookDesk(desk)
    await hook.started()
    after = desk.last_id(1003)
    update = desk.state.send_text(1003, "/start")
    await desk.replies(1003, after)  # the emulator delivered it once...
    await desk.state.wait_until(lambda: not desk.state.pending_updates(), REPLY_TIMEOUT)
    answered = len(desk.state.bot_messages(1003))
    # ...and it arrives again, as Telegram retrying or a front sending it twice would:
    # acknowledged, not handled.
    assert (await hook.post(update))[0] == 200
    assert (await hook.post(update))[0] == 200
    await asyncio.sleep(0.5)
    assert len(desk.state.bot_messages(1003)) == answered


async def test_sigterm_finishes_the_update_in_flight_and_keeps_the_webhook(desk: Desk) -> None:
    hook = WebhookDesk(desk)
    await hook.started()
    desk.state.set_latency(1.5, "sendMessage")  # the reply is still on its way at SIGTERM
    desk.state.send_text(1003, "/start")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT
    while not any(r["method"] == "sendMessage" for r in desk.state.requests()) \
            and loop.time() < deadline:
        await asyncio.sleep(0.02)
    assert desk.process is not None
    desk.process.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(desk.process.wait, REPLY_TIMEOUT)
    desk.process = None
    assert code == 0
    assert desk.state.bot_messages(1003)[-1]["text"].startswith("Hello, Ann.")
    assert not desk.state.requests("deleteWebhook")
    assert desk.state.primary_bot().webhook is not None  # the next instance receives
    assert desk.state.pending_updates() == []  # the update was acknowledged, not dropped
    assert "Traceback" not in desk.log.read_text(encoding="utf-8")


async def test_webhook_mode_needs_a_url_and_a_secret(desk: Desk) -> None:
    result = await asyncio.to_thread(subprocess.run,
                                     [sys.executable, "-m", "bot.cli", "run", "--webhook"],
                                     cwd=ROOT, env=desk.environment(), capture_output=True,
                                     text=True, timeout=60)
    assert result.returncode == 2
    assert "WEBHOOK_URL and WEBHOOK_SECRET" in result.stderr
