"""One flood budget for a fleet: every instance reserves its messages' moments in Redis.

Telegram's limits are the bot's, not a process's: three instances each keeping to thirty
messages a second together sent ninety. With ``REDIS_URL`` set, each counted message
asks one atomic script (``_RESERVE``) for its moment, on Redis's own clock so that the
instances' clocks never disagree: the first moment, from now, that keeps the message's
chat to its limit (three in any three seconds for a private chat, one per three seconds
for a group, as ``bot.delivery.pacing`` counts them) and finds a free place in the bot's
overall schedule (one every 1/30 s). The moment is written to both at once, so nothing
is reserved in one and lost in the other, and a message reserved late for its chat does
not hold up the other chats: the overall schedule is filled in its gaps, not only at
its end. The caller sleeps until the moment and sends.

A moment kept is not an arrival kept: requests from several processes reach Telegram
with jitter, and in CI the 31st of a second arrived inside the first's second. So each
request also holds a place in the fleet's send windows (``sending``) from just before it
leaves until its answer comes back, then for the window's length — as ``SendWindow``
does in one process: a request arrives between the two, so no jitter can put more than
the limit into one window. It costs two round trips to Redis per message and no wait
while the schedule's spacing holds.

Why not a limiter library: ``limits`` and ``pyrate-limiter`` (both with Redis backends)
admit or refuse a hit against one key; here a message needs a place in two schedules at
once, and the moment of it rather than a refusal to retry.

Redis away: the message is paced by this process's own ``Pacer`` (overall only) and a
warning is logged; a 429 is then possible and is waited out as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.delivery.pacing import MARGIN, Pacer
from bot.delivery.send_window import IN_FLIGHT_POLL

log = logging.getLogger(__name__)
PREFIX = "complaint-desk:flood"

# KEYS: the overall schedule, the chat's schedule, the id counter.
# ARGV: chat count, chat window (ms; 0: no chat limit), overall gap (ms), messages,
# longest wait (ms) the caller accepts for the chat (negative: any).
# Returns {reserved (1/0), ms until the first message, ms until the last}.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local count, window, gap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local messages, longest = tonumber(ARGV[4]), tonumber(ARGV[5])
-- The last second stays: what Telegram's overall window still counts, for anyone looking.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - math.max(2 * gap, 1000))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local first, last
for i = 1, messages do
  local earliest = now
  if window > 0 then
    local recent = redis.call('ZRANGE', KEYS[2], -count, -1, 'WITHSCORES')
    local n = #recent / 2
    if n > 0 then earliest = math.max(earliest, tonumber(recent[2 * n])) end
    if n >= count then earliest = math.max(earliest, tonumber(recent[2]) + window) end
  end
  if i == 1 and longest >= 0 and earliest - now > longest then
    return {0, math.ceil(earliest - now), 0}
  end
  -- The first gap in the overall schedule from ``earliest`` on.
  -- (Bounds as text with every digit: Lua's own tostring keeps only fourteen.)
  local moment = earliest
  for _ = 1, 10000 do
    local near = redis.call('ZRANGEBYSCORE', KEYS[1], string.format('(%.3f', moment - gap),
                            '+inf', 'WITHSCORES', 'LIMIT', 0, 64)
    local moved = false
    for j = 2, #near, 2 do
      local taken = tonumber(near[j])
      if taken >= moment + gap then
        moved = false
        break
      end
      moment = taken + gap
      moved = true
    end
    if not moved then break end
  end
  local id = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], moment, id)
  if window > 0 then redis.call('ZADD', KEYS[2], moment, id) end
  if i == 1 then first = moment end
  last = moment
end
redis.call('PEXPIRE', KEYS[1], 60000)
redis.call('PEXPIRE', KEYS[3], 60000)
redis.call('PEXPIRE', KEYS[2], math.ceil(window) + 60000)
return {1, math.ceil(first - now), math.ceil(last - now)}
"""

# A send window per limit: each member counts until the score, its answer plus the
# window's length, or (unanswered) its start plus ``UNANSWERED``.
# KEYS: the windows; ARGV: the id counter's key, ms an unanswered request counts, then
# per window its limit and length (ms). Returns {0, id} (a place taken in every window)
# or {ms to wait, 0}.
_ENTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local unanswered = tonumber(ARGV[2])
local wait = 0
for k = 1, #KEYS do
  local count, window = tonumber(ARGV[1 + 2 * k]), tonumber(ARGV[2 + 2 * k])
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', string.format('%.3f', now))
  if redis.call('ZCARD', KEYS[k]) >= count then
    local frees = tonumber(redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')[2])
    if frees - now > window then frees = now + tonumber(ARGV[#ARGV]) end
    wait = math.max(wait, frees - now)
  end
end
if wait > 0 then return {math.ceil(wait), 0} end
local id = redis.call('INCR', ARGV[1])
for k = 1, #KEYS do
  redis.call('ZADD', KEYS[k], string.format('%.3f', now + unanswered), id)
  redis.call('PEXPIRE', KEYS[k], unanswered + tonumber(ARGV[2 + 2 * k]))
end
return {0, id}
"""

# KEYS: the windows; ARGV: the id, then each window's length (ms).
_ANSWERED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for k = 1, #KEYS do
  redis.call('ZADD', KEYS[k], 'XX', string.format('%.3f', now + tonumber(ARGV[k + 1])), ARGV[1])
end
return 1
"""
UNANSWERED_MS = 60_000  # aiogram's own request timeout: longer, it did not arrive


@dataclass(frozen=True)
class Grant:
    reserved: bool
    first: float  # seconds until the first message may go (or, not reserved: the chat's wait)
    last: float  # seconds until the last of them may go


class SharedFloodBudget:
    def __init__(self, redis_url: str, bot: str, pacer: Pacer | None = None) -> None:
        """``bot``: whose limits these are — the bot's id on its Bot API server (another
        bot, or another server such as a test's emulator, has its own)."""
        from redis.asyncio import Redis

        self.prefix = f"{PREFIX}:{bot}"

        self.redis: Any = Redis.from_url(redis_url)
        self.script = self.redis.register_script(_RESERVE)
        self.enter = self.redis.register_script(_ENTER)
        self.answered = self.redis.register_script(_ANSWERED)
        self.local = pacer or Pacer()  # only while Redis does not answer
        private_count, private_seconds = self.local.private
        group_count, group_rate = self.local.group
        self.private = (private_count, private_seconds * 1000)
        self.group = (group_count, group_count / group_rate * 1000)
        # Requests reach Telegram with jitter from several processes, so the overall
        # schedule keeps the pacer's margin too.
        self.gap_ms = 1000 / self.local.overall[1] * MARGIN
        # The send windows count as Telegram does (``bot.delivery.send_window``).
        self.overall_window = (max(1, int(self.local.overall[1])), 1000.0)
        self.group_window = (round(group_rate * 60 * MARGIN), 60_000.0)
        self._warned = 0.0

    async def reserve(self, chat_id: int, messages: int = 1,
                      longest_wait: float | None = None) -> Grant:
        """Places for ``messages`` messages to ``chat_id`` (0: none, only the overall
        limit). With ``longest_wait``, nothing is reserved if the chat must wait longer
        (the outbox serves another chat meanwhile)."""
        count, window = self._chat_limit(chat_id)
        keys = [f"{self.prefix}:all", f"{self.prefix}:chat:{chat_id}", f"{self.prefix}:ids"]
        longest = -1 if longest_wait is None else int(longest_wait * 1000)
        try:
            reserved, first, last = await self.script(
                keys=keys, args=[count, window, self.gap_ms, messages, longest])
        except Exception as exc:  # Redis away: pace by this process alone
            self._warn(exc)
            pause = 0.0
            for _ in range(messages):
                pause = self.local.reserve_overall(datetime.now(UTC))
            return Grant(True, pause, pause)
        return Grant(bool(reserved), int(first) / 1000, int(last) / 1000)

    @asynccontextmanager
    async def sending(self, chat_id: int | None) -> AsyncIterator[None]:
        """Hold the request's place in the fleet's send windows (the bot's, and its chat's
        when ``chat_id`` is one) while it is under way and a window's length after."""
        windows = [(f"{self.prefix}:window:all", *self.overall_window)]
        if chat_id:
            windows.append((f"{self.prefix}:window:chat:{chat_id}",
                            *(self.group_window if chat_id < 0 else self.private)))
        keys = [key for key, _, _ in windows]
        limits = [value for _, count, length in windows for value in (count, length)]
        entered = None
        try:
            while entered is None:
                wait, taken = await self.enter(
                    keys=keys, args=[f"{self.prefix}:ids", UNANSWERED_MS, *limits,
                                     IN_FLIGHT_POLL * 1000])
                if int(wait) <= 0:
                    entered = int(taken)
                else:
                    await asyncio.sleep(int(wait) / 1000)
        except Exception as exc:  # Redis away: the process's own window still holds
            self._warn(exc)
        try:
            yield
        finally:
            if entered is not None:
                try:
                    await self.answered(keys=keys,
                                        args=[entered, *(length for _, _, length in windows)])
                except Exception as exc:  # it then counts until UNANSWERED_MS
                    self._warn(exc)

    def _chat_limit(self, chat_id: int) -> tuple[float, float]:
        """(messages, in so many ms) for the chat; none (a zero window) for chat 0."""
        if chat_id == 0:
            return 1, 0.0
        return self.group if chat_id < 0 else self.private

    def _warn(self, exc: Exception) -> None:
        if time.monotonic() - self._warned > 60:  # once a minute, not per message
            self._warned = time.monotonic()
            log.warning("the shared flood budget in Redis did not answer (%s); pacing this "
                        "instance alone until it does", exc)

    async def close(self) -> None:
        await self.redis.aclose()
