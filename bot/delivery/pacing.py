"""Telegram's flood limits, kept on our side so the sender rarely meets a 429.

About one message a second per private chat, twenty a minute per group and thirty a
second overall (Telegram's FAQ). A private chat may have "short bursts" (the FAQ again):
we count it as the sandbox's emulator models it, three messages in any three seconds, on
a sliding log, so the question a person's press edits and the next one go together and
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


@dataclass(eq=False)
class Ticket:
    """One message's place in a chat's log: when it may go, then when it went."""

    moment: datetime
    departed: bool = False

    def at_least(self, now: datetime) -> datetime:
        # One still waiting (behind the bot's overall queue) goes no earlier than now.
        return self.moment if self.departed else max(self.moment, now)


@dataclass
class SlidingLog:
    """``count`` messages in any ``seconds``, counted by when each left.

    A slot is reserved ahead, but a message may leave later than its slot (it also waits
    for the bot's overall budget, long after an outage); a later message reserved from
    the earlier slot would then land inside the window. So each message is checked again
    just before it leaves (``hold_back``), against when the others really left."""

    count: int
    seconds: float
    tickets: deque[Ticket] = field(default_factory=deque)

    def _forget(self, now: datetime) -> None:
        window = timedelta(seconds=self.seconds)
        while (len(self.tickets) > self.count and self.tickets[0].departed
               and self.tickets[0].moment + window <= now):
            self.tickets.popleft()

    def _next(self, now: datetime, before: int | None = None) -> datetime:
        """The first moment from ``now`` a message may leave behind the first ``before``
        tickets (all of them by default)."""
        self._forget(now)
        ahead = sorted(t.at_least(now) for t in list(self.tickets)[:before])
        moment = max([now, *ahead[-1:]])
        if len(ahead) >= self.count:
            moment = max(moment, ahead[-self.count] + timedelta(seconds=self.seconds))
        return moment

    def wait(self, now: datetime) -> timedelta:
        return self._next(now) - now

    def reserve(self, now: datetime) -> Ticket:
        ticket = Ticket(self._next(now))
        self.tickets.append(ticket)
        return ticket

    def take(self, now: datetime) -> None:
        """A message leaves now (the outbox asked ``wait`` first)."""
        self.tickets.append(Ticket(self._next(now), departed=True))

    def hold_back(self, ticket: Ticket, now: datetime) -> timedelta:
        """How much longer ``ticket`` must wait, by when the ones before it really left."""
        self._forget(now)
        if ticket not in self.tickets:
            return timedelta(0)
        return self._next(now, self.tickets.index(ticket)) - now


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
            log.tickets.extend(Ticket(until, departed=True) for _ in range(count))
        return log

    def _bucket(self, chat_id: int, now: datetime) -> Bucket | SlidingLog:
        if chat_id not in self._chats:
            self._chats[chat_id] = (self._new(self.group, now) if chat_id < 0
                                    else self._new_log(now))
        return self._chats[chat_id]

    def wait(self, chat_id: int, now: datetime) -> timedelta:
        """How long this chat must wait (its own limit)."""
        return self._bucket(chat_id, now).wait(now)

    def reserve(self, chat_id: int, now: datetime) -> Ticket | None:
        """A private chat's next slot, counted at once so the outbox and the chat's next
        reply queue behind it; ``hold_back`` says how long to wait. A group's is not
        reserved (None): see ``bot.delivery.paced_requests``."""
        chat = self._bucket(chat_id, now)
        return chat.reserve(now) if isinstance(chat, SlidingLog) else None

    def hold_back(self, chat_id: int, ticket: Ticket, now: datetime) -> float:
        """Seconds until the message may leave (zero: now), by when the others left."""
        chat = self._chats.get(chat_id)
        if not isinstance(chat, SlidingLog):
            return 0.0
        return chat.hold_back(ticket, now).total_seconds()

    @staticmethod
    def departed(ticket: Ticket, now: datetime) -> None:
        """The message is leaving now: the later ones count from this moment."""
        if not ticket.departed:
            ticket.moment, ticket.departed = max(ticket.moment, now), True

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
