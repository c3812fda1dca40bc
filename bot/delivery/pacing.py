"""Telegram's flood limits, kept on our side so the sender rarely meets a 429.

About one message a second per private chat, twenty a minute per group and thirty a
second overall (Telegram's FAQ). Limits counted over a sliding window punish bursts, so
each bucket holds one token: messages are spaced evenly at the allowed rate. When a
bucket is empty the sender postpones that notice instead of waiting, so other chats keep
flowing.
"""

from __future__ import annotations

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


# Requests leave evenly spaced but reach Telegram with network jitter: spacing them 2%
# wider than the limit keeps two of them from landing inside one window.
MARGIN = 1.02


@dataclass
class Pacer:
    private: tuple[float, float] = (1, 1.0 / MARGIN)  # tokens held, tokens per second
    group: tuple[float, float] = (1, 20 / 60 / MARGIN)
    # No margin here: the send window (``send_window``) keeps any jitter out of Telegram's
    # overall second, so even spacing may run at the limit itself.
    overall: tuple[float, float] = (1, 30.0)
    # What both bots send passes this too: the overall limit counted as Telegram does.
    window: SendWindow = field(default_factory=SendWindow)
    _chats: dict[int, Bucket] = field(default_factory=dict)
    _all: Bucket | None = None
    # When this process first sent. What a process killed a moment ago sent still counts
    # in Telegram's windows, so a bucket made within one spacing of the start begins
    # empty instead of full: a restart does not squeeze two messages into one window.
    started: datetime | None = None

    def _new(self, spec: tuple[float, float], now: datetime) -> Bucket:
        capacity, rate = spec
        if self.started is None:
            self.started = now
        if (now - self.started).total_seconds() < 1 / rate:
            return Bucket(capacity, rate, tokens=0.0, updated=now)
        return Bucket(capacity, rate)

    def _bucket(self, chat_id: int, now: datetime) -> Bucket:
        if chat_id not in self._chats:
            self._chats[chat_id] = self._new(self.group if chat_id < 0 else self.private, now)
        return self._chats[chat_id]

    def wait(self, chat_id: int, now: datetime) -> timedelta:
        """How long this chat must wait (its own limit)."""
        return self._bucket(chat_id, now).wait(now)

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
