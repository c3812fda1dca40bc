"""What every service needs besides the database: the policy, its calendar, a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
