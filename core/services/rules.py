"""What every service needs besides the database: the policy, its calendar, a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from core.calendar import BusinessCalendar
from core.policy import Policy
from core.ports import Clock


@dataclass(frozen=True)
class Rules:
    policy: Policy
    calendar: BusinessCalendar
    clock: Clock

    @classmethod
    def build(cls, policy: Policy, clock: Clock) -> Rules:
        return cls(policy, BusinessCalendar.from_spec(policy.calendar), clock)

    def now(self) -> datetime:
        return self.clock.now()

    def in_customer_hours(self, at: datetime) -> datetime:
        """``at``, or the start of the customer hours after it when it falls outside them:
        nothing the bot starts on its own wakes a customer at night."""
        hours = self.policy.customer_hours
        if hours is None:
            return at
        start, end = (time.fromisoformat(part) for part in hours.split("-"))
        tz = self.calendar.tz
        local = at.astimezone(tz)
        if start <= local.time() < end:
            return at
        day = local.date() if local.time() < start else local.date() + timedelta(days=1)
        return datetime.combine(day, start, tzinfo=tz)
