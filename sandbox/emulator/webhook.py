"""setWebhook / deleteWebhook / getWebhookInfo and the delivery worker.

Delivery follows Telegram: one update at a time in order, JSON POST with the
X-Telegram-Bot-Api-Secret-Token header when a secret is set, a non-2xx answer or a
connection error is retried with exponential backoff, and the update stays pending (counted
in pending_update_count) until delivered. A 2xx answer whose JSON body holds a "method" is
executed as a Bot API call, as Telegram does for webhook replies. Plain http:// URLs are
allowed (the real API demands https on ports 443/80/88/8443) so tests can use local servers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import aiohttp
from yarl import URL

from .api import Call, Described, bad_request, method
from .model import Upload, Webhook
from .polling import CONFLICT_SET_WEBHOOK, abort_long_poll

log = logging.getLogger("sandbox.emulator.webhook")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def stop_webhook(bot: Any) -> None:
    hook = bot.webhook
    bot.webhook = None
    if hook is not None and hook.task is not None:
        hook.task.cancel()


@method("setWebhook")
async def set_webhook(call: Call) -> Described:
    bot = call.bot
    url = call.get("url", "")
    if call.get("drop_pending_updates"):
        bot.updates.clear()
    if not url:
        return _delete(call)
    parsed = URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = call.get("secret_token")
    if secret is not None and not SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters" if len(secret) <= 256
                          else "secret token is too long")
    bot.set_allowed(call.params.get("allowed_updates"))
    abort_long_poll(bot, CONFLICT_SET_WEBHOOK)
    max_connections = min(max(int(call.get("max_connections", 40)), 1), 100)
    old = bot.webhook
    if old is not None and (old.url, old.secret_token, old.max_connections) == (url, secret, max_connections):
        return Described(True, "Webhook is already set")
    stop_webhook(bot)
    hook = Webhook(url=url, secret_token=secret, max_connections=max_connections,
                   ip_address=call.get("ip_address"))
    bot.webhook = hook
    hook.task = asyncio.get_running_loop().create_task(_deliver(call.state, bot, hook))
    return Described(True, "Webhook was set")


def _delete(call: Call) -> Described:
    if call.bot.webhook is None:
        return Described(True, "Webhook is already deleted")
    stop_webhook(call.bot)
    return Described(True, "Webhook was deleted")


@method("deleteWebhook")
async def delete_webhook(call: Call) -> Described:
    if call.get("drop_pending_updates"):
        call.bot.updates.clear()
    return _delete(call)


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    bot, hook = call.bot, call.bot.webhook
    info: dict[str, Any] = {"url": hook.url if hook else "", "has_custom_certificate": False,
                            "pending_update_count": len(bot.updates)}
    if hook is None:
        return info
    info["max_connections"] = hook.max_connections
    if hook.ip_address:
        info["ip_address"] = hook.ip_address
    if hook.last_error_date:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    if bot.allowed is not None:
        info["allowed_updates"] = sorted(bot.allowed)
    return info


async def _deliver(state: Any, bot: Any, hook: Webhook) -> None:
    attempt = 0
    timeout = aiohttp.ClientTimeout(total=getattr(state, "webhook_timeout", 10.0))
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while bot.webhook is hook:
            if not bot.updates:
                await bot.wait_changed(None)
                continue
            update = bot.updates[0]
            headers = {"Content-Type": "application/json"}
            if hook.secret_token:
                headers[HEADER] = hook.secret_token
            try:
                async with session.post(hook.url, data=json.dumps(update), headers=headers) as resp:
                    ok = 200 <= resp.status < 300
                    reply = await _read_reply(resp) if ok else None
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except asyncio.CancelledError:
                raise
            except aiohttp.ClientConnectorError:
                ok, error = False, "Connection refused"
            except TimeoutError:
                ok, error = False, "Read timeout expired"
            except aiohttp.ClientError as exc:
                ok, error = False, f"Connection error: {type(exc).__name__}"
            if ok:
                if bot.updates and bot.updates[0] is update:
                    bot.updates.popleft()
                attempt = 0
                state.changed()
                if reply is not None:
                    from .pipeline import execute  # late import: pipeline imports this module

                    await execute(state, bot.token, reply[0], reply[1], reply[2], source="webhook-reply")
                continue
            hook.last_error_date = state.now()
            hook.last_error_message = error
            state.changed()
            delay = min(state.webhook_retry_base * (2 ** attempt), state.webhook_retry_max)
            attempt += 1
            await asyncio.sleep(delay)


async def _read_reply(resp: aiohttp.ClientResponse) -> tuple[str, dict[str, Any], dict[str, Upload]] | None:
    """A Bot API call in the webhook answer: JSON (most frameworks) or multipart (aiogram)."""
    params: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    if resp.content_type.startswith("multipart/"):
        reader = aiohttp.MultipartReader.from_response(resp)
        async for part in reader:
            if part.name is None:
                continue
            if part.filename is not None:
                files[part.name] = Upload(part.filename, bytes(await part.read(decode=False)),
                                          part.headers.get("Content-Type"))
            else:
                params[part.name] = await part.text()
    else:
        try:
            payload = json.loads(await resp.read() or b"null")
        except ValueError:
            return None
        if not isinstance(payload, dict):
            return None
        params = payload
    name = params.pop("method", None)
    return (name, params, files) if isinstance(name, str) and name else None
