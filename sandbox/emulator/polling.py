"""getUpdates with real long polling, following telegram-bot-api's Client::do_get_updates.

Behaviours copied on purpose:
- a new waiting getUpdates terminates the *older* waiting one with 409 "terminated by other
  getUpdates request" (the newest poller wins, like the real server);
- offset confirms (drops) earlier updates, a negative offset keeps only the last -offset;
- limit is clamped to 1..100 and timeout to 0..50 rather than rejected;
- repeating the same offset within 3 s with timeout < 3 is bumped to a 3 s wait
  (anti-busy-loop rule; `poll_repeat_min_timeout`, 0 disables it);
- allowed_updates is remembered across calls; [] restores the default set.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .api import ApiError, Call, method

CONFLICT_OTHER = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")
CONFLICT_SET_WEBHOOK = "Conflict: terminated by setWebhook request"


def abort_long_poll(bot: Any, description: str) -> None:
    if bot.poller is not None and not bot.poller.done():
        bot.poller.set_exception(ApiError(409, description))
    bot.poller = None


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    bot, state = call.bot, call.state
    if bot.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = int(call.get("offset", 0))
    limit = min(max(int(call.get("limit", 100)), 1), 100)
    timeout = min(max(float(call.get("timeout", 0)), 0.0), 50.0)
    bot.set_allowed(call.params.get("allowed_updates"))
    loop = asyncio.get_running_loop()
    now = loop.time()
    minimum = state.poll_repeat_min_timeout
    if bot.last_poll and bot.last_poll[0] == offset and timeout < minimum and now < bot.last_poll[1] + 3.0:
        timeout = minimum
    bot.last_poll = (offset, now)
    bot.confirm(offset)
    updates = bot.peek(limit)
    if updates or timeout <= 0 or getattr(state, "closing", False):
        return updates
    abort_long_poll(bot, CONFLICT_OTHER)
    deadline = now + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            return bot.peek(limit)
        me = loop.create_future()
        bot.poller = me
        bot._waiters.add(me)  # woken (result None) by BotRuntime.push
        try:
            await asyncio.wait_for(me, left)  # raises ApiError 409 if another poller took over
        except TimeoutError:
            return bot.peek(limit)
        finally:
            bot._waiters.discard(me)
            if bot.poller is me:
                bot.poller = None
        updates = bot.peek(limit)
        if updates or getattr(state, "closing", False):
            return updates
