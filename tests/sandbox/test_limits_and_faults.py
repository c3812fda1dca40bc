"""Flood limits (429 + retry_after on a fake clock) and fault injection."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)


async def test_a_chat_takes_a_short_burst_but_the_fourth_in_three_seconds_is_429(
        bot, user, state, fake_clock):
    state.set_flood_limits(True)
    await bot.send_message(user["id"], "one")
    fake_clock.advance(1.0)
    await bot.send_message(user["id"], "two")
    await bot.send_message(user["id"], "three")  # a burst: three in any three seconds
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user["id"], "four")
    assert caught.value.retry_after == 2  # "one" leaves the window three seconds after it
    assert "Too Many Requests: retry after 2" in caught.value.message
    fake_clock.advance(2.0)
    await bot.send_message(user["id"], "four, after waiting")
    with pytest.raises(TelegramRetryAfter):  # "two" and "three" are still in the window
        await bot.send_message(user["id"], "five")


async def test_edits_count_towards_the_per_chat_limit(bot, user, state, fake_clock):
    state.set_flood_limits(True)
    sent = await bot.send_message(user["id"], "v1")
    await bot.edit_message_text("v2", chat_id=user["id"], message_id=sent.message_id)
    await bot.edit_message_text("v3", chat_id=user["id"], message_id=sent.message_id)
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("v4", chat_id=user["id"], message_id=sent.message_id)


async def test_group_allows_20_messages_per_minute(bot, state, fake_clock):
    owner = state.create_user("Owner")
    group = state.create_group("Dept", owner_id=owner["id"])
    state.set_flood_limits(True)
    for _ in range(20):
        await bot.send_message(group["id"], "tick")
        fake_clock.advance(1.0)  # stay under the per-chat window (3 in 3 s)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(group["id"], "21st")
    assert caught.value.retry_after == 40  # the first of the 20 leaves the window at t=60
    fake_clock.advance(40)
    await bot.send_message(group["id"], "after the window")


async def test_30_messages_per_second_overall(bot, state):
    state.set_flood_limits(True)
    people = [state.create_user(f"P{i}", started=True) for i in range(31)]
    for person in people[:30]:
        await bot.send_message(person["id"], "broadcast")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(people[30]["id"], "broadcast")


async def test_flood_limits_are_off_by_default(bot, user):
    for _ in range(5):
        await bot.send_message(user["id"], "fast")


async def test_fail_next_injects_errors_for_a_method(bot, user, state):
    state.fail_next("sendMessage", 2, code=429, retry_after=7)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(user["id"], "x")
        assert caught.value.retry_after == 7
    await bot.send_message(user["id"], "third works")
    state.fail_next("getMe", code=401, description="Unauthorized")
    with pytest.raises(TelegramUnauthorizedError):
        await bot.get_me()


async def test_outage_answers_502_until_the_clock_passes_it(bot, user, state, fake_clock):
    state.start_outage(30)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    fake_clock.advance(31)
    await bot.get_me()


async def test_outage_can_drop_connections_until_ended(bot, state):
    state.start_outage(mode="drop")
    with pytest.raises(TelegramNetworkError):
        await bot.get_me()
    state.end_outage()
    await bot.get_me()


async def test_latency_delays_answers(bot, state):
    state.set_latency(0.3, "getMe")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.get_me()
    assert loop.time() - started >= 0.3


async def test_every_request_is_logged_with_its_outcome(bot, user, state):
    await bot.send_message(user["id"], "logged")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(123, "nobody")
    ok, failed = state.requests("sendMessage")
    assert ok["ok"] and ok["result"]["text"] == "logged"
    assert failed == {**failed, "ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
