"""getUpdates long polling and webhook delivery."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramConflictError, TelegramUnauthorizedError
from aiohttp import web

from sandbox.emulator import start_emulator

from .conftest import TOKEN, close_quickly


async def test_long_poll_holds_then_wakes_immediately_on_a_new_update(bot, state, user):
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.3)
    assert not poll.done()  # the server is holding the request
    state.send_text(user["id"], "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates] == ["hello"]
    assert loop.time() - started < 2


async def test_long_poll_returns_empty_after_timeout(bot):
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= loop.time() - started < 2


async def test_offset_confirms_earlier_updates_and_limit_caps_the_batch(bot, state, user):
    for text in ("a", "b", "c"):
        state.send_text(user["id"], text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["a", "b"]
    assert [u.message.text for u in await bot.get_updates()] == ["a", "b", "c"]  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["c"]
    assert [u["message"]["text"] for u in state.pending_updates()] == ["c"]
    await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0)
    assert state.pending_updates() == []


async def test_a_new_long_poll_terminates_the_older_one_with_409(bot, state, user):
    older = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    newer = asyncio.create_task(bot.get_updates(timeout=10))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(older, 2)
    state.send_text(user["id"], "to the newest poller")
    assert [u.message.text for u in await asyncio.wait_for(newer, 2)] == ["to the newest poller"]


async def test_allowed_updates_are_remembered_and_filter_new_updates(bot, state, user):
    await bot.get_updates(allowed_updates=["callback_query"])
    state.send_text(user["id"], "ignored: not allowed")
    assert await bot.get_updates() == []
    await bot.get_updates(allowed_updates=[])  # back to the default set
    state.send_text(user["id"], "seen")
    assert [u.message.text for u in await bot.get_updates()] == ["seen"]


async def test_idle_aiogram_polling_makes_few_requests(emulator, bot):
    dispatcher = Dispatcher()
    task = asyncio.create_task(dispatcher.start_polling(bot, polling_timeout=30, handle_signals=False,
                                                        close_bot_session=False))
    await asyncio.sleep(1.5)
    polls = emulator.state.requests("getUpdates")
    assert len(polls) <= 2  # one request held open for up to 30 s, not a busy loop
    await dispatcher.stop_polling()
    await asyncio.wait_for(task, 5)


async def test_repeated_short_polls_are_slowed_down_like_telegram(bot, state):
    state.poll_repeat_min_timeout = 1.0  # the real server uses 3 s (the emulator's default)
    loop = asyncio.get_running_loop()
    await bot.get_updates(timeout=0)
    started = loop.time()
    await bot.get_updates(timeout=0)  # same offset again at once: held by the server
    assert loop.time() - started >= 0.9
    await asyncio.sleep(0)


async def _receiver(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/hook"


async def test_webhook_delivers_in_order_with_secret_and_retries_failures(bot, state, user):
    received: list[tuple[str | None, dict]] = []
    answers = iter([500, 200, 200])

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=next(answers))

    runner, url = await _receiver(hook)
    try:
        state.send_text(user["id"], "first")
        state.send_text(user["id"], "second")
        assert await bot.set_webhook(url, secret_token="s3cret_-")
        with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()
        await state.wait_until(lambda: len(received) == 3 and not state.pending_updates(), timeout=5)
        assert [body["message"]["text"] for _, body in received] == ["first", "first", "second"]
        assert {secret for secret, _ in received} == {"s3cret_-"}
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
    finally:
        await runner.cleanup()


async def test_webhook_keeps_updates_pending_while_unreachable(bot, state, user):
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    state.send_text(user["id"], "waiting")
    await state.wait_until(lambda: state.primary_bot().webhook.last_error_message, timeout=5)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1 and info.last_error_message == "Connection refused"
    await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates()] == ["waiting"]


async def test_webhook_reply_can_carry_a_method_call(bot, state, user):
    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        reply = {"method": "sendMessage", "chat_id": update["message"]["chat"]["id"], "text": "echo"}
        return web.Response(text=json.dumps(reply), content_type="application/json")

    runner, url = await _receiver(hook)
    try:
        await bot.set_webhook(url)
        state.send_text(user["id"], "ping")
        messages = await state.wait_for_bot_message(user["id"])
        assert messages[0]["text"] == "echo"
    finally:
        await runner.cleanup()


async def test_setwebhook_drop_pending_updates_clears_the_queue(bot, state, user):
    state.send_text(user["id"], "old")
    await bot.set_webhook("http://127.0.0.1:9/x", drop_pending_updates=True)
    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_unknown_and_revoked_tokens_are_401():
    emulator = await start_emulator(token=TOKEN, accept_any_token=False)
    other, own = emulator.bot("987:other"), emulator.bot(TOKEN)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await other.get_me()
        assert (await own.get_me()).id == 123456789
        emulator.state.revoke_token(TOKEN)
        with pytest.raises(TelegramUnauthorizedError):
            await own.get_me()
    finally:
        await close_quickly(other.session)
        await close_quickly(own.session)
        await emulator.close()


async def test_aiogram_webhook_handler_with_a_method_in_the_reply(bot, state, user):
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message):
        return message.answer(f"got {message.text}")  # answered inside the webhook response (multipart)

    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token="tok").register(app, path="/wh")
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/wh", secret_token="tok")
        state.send_text(user["id"], "complaint")
        [reply] = await state.wait_for_bot_message(user["id"])
        assert reply["text"] == "got complaint"
        assert state.requests("sendMessage")[0]["source"] == "webhook-reply"
    finally:
        await runner.cleanup()
