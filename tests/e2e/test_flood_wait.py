"""Telegram's flood control never breaks a conversation, and the bot does not draw it on
itself: what handlers say keeps to the overall budget it shares with the outbox, and a
429 that comes anyway (a chat's own limit) delays the reply.

With flood limits on, 4 of 6 intakes used to end in "Sorry, something went wrong" and then
"I did not understand" to everything until /start: the conversation had moved a step ahead
of what the customer was shown.
"""

from __future__ import annotations

import os

import pytest

from sandbox.script import play, settle
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step

LI_LEI = 1001
BROKEN = ("抱歉，我们这边出了点问题", "抱歉，我没有理解")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
# The bot's own pacer, or the budget a fleet shares in Redis (bot.delivery.shared_budget).
BUDGETS = pytest.mark.parametrize("budget", [
    "process", pytest.param("redis", marks=pytest.mark.skipif(
        not REDIS_URL, reason="TEST_REDIS_URL is not set"))])


async def _start(desk: Desk, budget: str, people: list[int]) -> None:
    if budget == "redis":
        assert REDIS_URL
        from redis.asyncio import Redis

        redis = Redis.from_url(REDIS_URL)  # their conversations an earlier run left there
        await redis.delete(*[f"fsm:{person}:{person}:{part}" for person in people
                             for part in ("state", "data")])
        await redis.aclose()
        desk.start_bot(REDIS_URL=REDIS_URL)
    else:
        desk.start_bot()
    await desk.wait_until_started()


def _refused_with_429(desk: Desk, method: str) -> int:
    return sum(1 for entry in desk.state.requests(method) if entry.get("error_code") == 429)


def _most_in_three_seconds(desk: Desk, chat_id: int) -> int:
    moments = sorted(entry["moment"] for entry in desk.state.requests()
                     if entry["method"] in ("sendMessage", "editMessageText")
                     and entry["params"].get("chat_id") in (chat_id, str(chat_id))
                     and "error_code" not in entry)
    return max(len([m for m in moments if start <= m < start + 3]) for start in moments)


@BUDGETS
async def test_an_intake_at_machine_speed_keeps_to_a_chats_own_limit(desk: Desk,
                                                                    budget: str) -> None:
    """The customer answers each question the moment it shows — faster than anyone
    types — so the bot's answers (often an edit and the next question) would overrun
    the chat's three messages in three seconds; they are paced to it instead."""
    desk.state.set_flood_limits(True)  # Telegram's own, a chat's short bursts included
    await _start(desk, budget, [LI_LEI])
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    await settle(desk.state)
    texts = [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]
    assert _refused_with_429(desk, "sendMessage") == 0
    assert _refused_with_429(desk, "editMessageText") == 0
    assert _most_in_three_seconds(desk, LI_LEI) == 3  # at the limit, never over it
    assert not [t for t in texts if t.startswith(BROKEN)], texts
    assert texts[-1].startswith("谢谢。您的投诉已登记，投诉编号 "), texts[-3:]


async def test_a_reply_refused_with_429_arrives_after_the_wait_and_the_talk_goes_on(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await desk.say(LI_LEI, "/start")
    desk.state.fail_next("sendMessage", code=429, retry_after=2)
    [answer] = await desk.say(LI_LEI, "上周六买的鲜牛奶，打开就是酸的。")
    assert _refused_with_429(desk, "sendMessage") == 1
    assert not answer.startswith(BROKEN)
    # The conversation is where the customer sees it: more words join the story, and
    # "done" moves on to the questions.
    await play(desk.state, [step("li_lei", say="瓶子还鼓起来了。"),
                            step("li_lei", press="✅ 说完了")])
    texts = [m.get("text", "") for m in desk.state.bot_messages(LI_LEI)]
    assert not [t for t in texts if t.startswith(BROKEN)], texts
    assert texts[-2:] == ["谢谢，我都记下了。接下来问您几个简单的问题。", "这是关于哪方面的问题？"]


@BUDGETS
async def test_many_customers_writing_at_once_are_answered_inside_the_limits(
        desk: Desk, budget: str) -> None:
    desk.state.set_flood_limits(True)
    # Requests spaced evenly reach Telegram unevenly: with the network's jitter, even
    # spacing alone let the thirty-first of a burst into one second.
    desk.state.set_latency(0.0, "sendMessage", jitter=0.05)
    customers = [desk.state.create_user(f"Customer {n}", id=5100 + n, language_code="en")["id"]
                 for n in range(40)]  # more than the thirty a second Telegram takes
    await _start(desk, budget, customers)
    for customer in customers:  # all in the same moment, as after an outage
        desk.state.send_text(customer, "The milk I bought on Saturday was sour.")
    for customer in customers:
        await desk.wait_for(customer, lambda m: bool(m.get("text")))
    await settle(desk.state)
    assert _refused_with_429(desk, "sendMessage") == 0
    for customer in customers:
        texts = [m.get("text", "") for m in desk.state.bot_messages(customer)]
        assert texts and not [t for t in texts if t.startswith("Sorry, something went wrong")]


async def test_the_overall_rate_the_bot_allows_itself_is_a_setting(desk: Desk) -> None:
    """FLOOD_OVERALL_PER_SECOND: at 5, twelve customers writing at once are answered five
    a second at most (Telegram's 30 would let them all go within half a second)."""
    customers = [desk.state.create_user(f"Customer {n}", id=5200 + n, language_code="en")["id"]
                 for n in range(12)]
    desk.start_bot(FLOOD_OVERALL_PER_SECOND="5")
    await desk.wait_until_started()
    for customer in customers:
        desk.state.send_text(customer, "The milk I bought on Saturday was sour.")
    for customer in customers:
        await desk.wait_for(customer, lambda m: bool(m.get("text")))
    moments = sorted(entry["moment"] for entry in desk.state.requests("sendMessage")
                     if entry["params"].get("chat_id") in customers
                     or int(entry["params"].get("chat_id", 0)) in customers)
    assert len(moments) >= 12
    assert max(len([m for m in moments if start <= m < start + 1]) for start in moments) <= 5
