"""Telegram's flood limits, kept on our side so the sender rarely meets a 429.

About one message a second per private chat, twenty a minute per group and thirty a
second overall (Telegram's FAQ). A private chat may have "short bursts" (the FAQ again):
we count it as Telegram's emulator does, three messages in any three seconds, on a
sliding log, so the question a person's press edits and the next one go together and
nobody answering at a human pace ever waits. Groups and the overall limit are counted
over sliding windows that punish bursts, so each bucket holds one token: messages are
spaced evenly at the allowed rate. When a chat is at its limit the sender postpones that
notice instead of waiting, so other chats keep flowing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.delivery.send_window import SendWindow


@dataclass
class Bucket:
    capacity: float
    per_second: float
    tokens: float = 0.0  # below zero: slots reserved ahead (``Pacer.reserve``)
    updated: datetime | None = None  # None: never used, so full

    def _refill(self, now: datetime) -> None:
        if self.updated is None:
            self.tokens = self.capacity
        else:
            elapsed = (now - self.updated).total_seconds()
            self.tokens = min(self.capacity, self.tokens + max(0.0, elapsed) * self.per_second)
        self.updated = now

    def wait(self, now: datetime) -> timedelta:
        """How long until one message may go (zero: now)."""
        self._refill(now)
        if self.tokens >= 1:
            return timedelta(0)
        return timedelta(seconds=(1 - self.tokens) / self.per_second)

    def take(self, now: datetime) -> None:
        self._refill(now)
        self.tokens -= 1


@dataclass
class SlidingLog:
    """``count`` messages in any ``seconds``: the moments of the last ``count`` sends, each
    at or after the one before (a reservation ahead is a moment in the future)."""

    count: int
    seconds: float
    moments: deque[datetime] = field(default_factory=deque)

    def _next(self, now: datetime) -> datetime:
        while len(self.moments) > self.count:
            self.moments.popleft()
        moment = max(now, self.moments[-1]) if self.moments else now
        if len(self.moments) == self.count:
            moment = max(moment, self.moments[0] + timedelta(seconds=self.seconds))
        return moment

    def wait(self, now: datetime) -> timedelta:
        return self._next(now) - now

    def take(self, now: datetime) -> None:
        self.moments.append(self._next(now))


# Requests leave evenly spaced but reach Telegram with network jitter: spacing them 2%
# wider than the limit keeps two of them from landing inside one window.
MARGIN = 1.02


@dataclass
class Pacer:
    private: tuple[int, float] = (3, 3.0 * MARGIN)  # messages in any so many seconds
    group: tuple[float, float] = (1, 20 / 60 / MARGIN)
    # No margin here: the send window (``send_window``) keeps any jitter out of Telegram's
    # overall second, so even spacing may run at the limit itself.
    overall: tuple[float, float] = (1, 30.0)
    # What both bots send passes this too: the overall limit counted as Telegram does.
    window: SendWindow = field(default_factory=SendWindow)
    _chats: dict[int, Bucket | SlidingLog] = field(default_factory=dict)
    _all: Bucket | None = None
    # Until when another process may have sent: what one killed a moment ago sent still
    # counts in Telegram's windows, so a chat or group first met within one window of it
    # begins full as of then, not empty. Unknown (None): this process's first send.
    others_sent_until: datetime | None = None

    def _since_others(self, now: datetime) -> tuple[datetime, float]:
        if self.others_sent_until is None:
            self.others_sent_until = now
        return self.others_sent_until, (now - self.others_sent_until).total_seconds()

    def _new(self, spec: tuple[float, float], now: datetime) -> Bucket:
        capacity, rate = spec
        until, since = self._since_others(now)
        if since < 1 / rate:
            return Bucket(capacity, rate, tokens=0.0, updated=until)
        return Bucket(capacity, rate)

    def _new_log(self, now: datetime) -> SlidingLog:
        count, seconds = self.private
        until, since = self._since_others(now)
        log = SlidingLog(count, seconds)
        if since < seconds:
            log.moments.extend([until] * count)
        return log

    def _bucket(self, chat_id: int, now: datetime) -> Bucket | SlidingLog:
        if chat_id not in self._chats:
            self._chats[chat_id] = (self._new(self.group, now) if chat_id < 0
                                    else self._new_log(now))
        return self._chats[chat_id]

    def wait(self, chat_id: int, now: datetime) -> timedelta:
        """How long this chat must wait (its own limit)."""
        return self._bucket(chat_id, now).wait(now)

    def reserve(self, chat_id: int, now: datetime) -> float:
        """Take this chat's next slot; the seconds until it comes. A slot ahead counts at
        once, so the outbox and the chat's next reply queue behind it."""
        chat = self._bucket(chat_id, now)
        pause = chat.wait(now)
        chat.take(now)
        return pause.total_seconds()

    def _overall(self, now: datetime) -> Bucket:
        if self._all is None:
            self._all = self._new(self.overall, now)
        return self._all

    def wait_overall(self, now: datetime) -> timedelta:
        """How long any message must wait (the bot's overall limit): a short pause."""
        return self._overall(now).wait(now)

    def reserve_overall(self, now: datetime) -> float:
        """Take the bot's next overall slot; the seconds until it comes. The bucket may go
        below zero, so the next caller queues behind this one."""
        overall = self._overall(now)
        pause = overall.wait(now)
        overall.take(now)
        return pause.total_seconds()

    def sent(self, chat_id: int, now: datetime, messages: int = 1) -> None:
        for _ in range(messages):
            self._bucket(chat_id, now).take(now)
            self._overall(now).take(now)
