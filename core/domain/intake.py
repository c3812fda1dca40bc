"""What intake collects (PROCEDURE.md §2), its evidence, and how severe it is (§3, §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.domain.errors import DomainError
from core.domain.values import (
    MAX_DESCRIPTION,
    MAX_SHORT,
    MAX_TEXT,
    Channel,
    Severity,
    check_phone,
    check_text,
)
from core.policy import MajorTrigger, Policy


@dataclass(frozen=True)
class Evidence:
    kind: str  # photo, document, voice, video, text
    file_ref: str  # Telegram file_id or another channel's reference
    caption: str | None = None
    added_at: datetime | None = None
    added_by: int | None = None


@dataclass
class Intake:
    """What intake collected (PROCEDURE.md §2); validated before a case exists."""

    description: str
    demand: str  # a RemedyKind value or "other"
    category: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    product: str | None = None
    place: str | None = None
    occurred: str | None = None
    delivered: str | None = None  # when the goods arrived (ISO date as ``occurred``), if asked
    demand_text: str | None = None
    claimed_amount: Decimal | None = None
    complainants: int = 1
    batch_units: int | None = None
    triggers: frozenset[MajorTrigger] = frozenset()
    channel: Channel = Channel.CHAT
    language: str | None = None

    def validated(self, policy: Policy) -> Intake:
        self.description = check_text("description", self.description, MAX_DESCRIPTION)
        self.demand = check_text("demand", self.demand, MAX_SHORT)
        self.demand_text = check_text("demand_text", self.demand_text, MAX_TEXT, required=False)
        for name in ("contact_name", "product", "place", "occurred", "delivered"):
            setattr(self, name, check_text(name, getattr(self, name), MAX_SHORT, required=False))
        self.contact_phone = check_phone(self.contact_phone)
        if self.category is not None and policy.category(self.category) is None:
            raise DomainError("unknown_category", category=self.category)
        if not 1 <= self.complainants <= 100_000:
            raise DomainError("bad_number", field="complainants")
        if self.batch_units is not None and not 1 <= self.batch_units <= 10_000_000:
            raise DomainError("bad_number", field="batch_units")
        return self


def assess_severity(intake: Intake, policy: Policy) -> Severity:
    """Major and serious triggers of the policy (PROCEDURE.md §3, §5) applied to facts."""
    major = policy.major
    if (
        intake.triggers & major.triggers
        or (major.complainants_at_least and intake.complainants >= major.complainants_at_least)
        or (major.batch_units_at_least and (intake.batch_units or 0) >= major.batch_units_at_least)
        or (major.compensation_over is not None and intake.claimed_amount is not None
            and intake.claimed_amount > major.compensation_over)
    ):
        return Severity.MAJOR
    serious = policy.serious
    if intake.triggers & serious.triggers or (
        serious.compensation_over is not None and intake.claimed_amount is not None
        and intake.claimed_amount > serious.compensation_over
    ):
        return Severity.SERIOUS
    return Severity.MINOR
