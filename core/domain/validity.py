"""What a policy's validity rules say about one case (001 范文5 §4.1–4.3): how far past the
complaint window it was filed, and whether the evidence the rules require is missing or
overdue. Pure: the card, the desk and the evidence job read the same answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from core.domain.case import Case
from core.policy import Policy


def _last_day(said: str | None) -> date | None:
    """The day an ISO answer names; a range's last day (the customer's benefit of doubt)."""
    if not said:
        return None
    try:
        return date.fromisoformat(said.split("/")[-1][:10])
    except ValueError:  # the customer's own words, which no reading fitted
        return None


def days_past_window(case: Case, policy: Policy, tz: tzinfo) -> int:
    """Days beyond ``validity.window_days`` after delivery (001 §4.1.1 "货到30天内": the
    30th day is still inside); 0 when inside, unknown, or the policy has no window."""
    window = policy.validity.window_days
    delivered = _last_day(case.intake.delivered)
    if window is None or delivered is None:
        return 0
    return max(0, (case.filed_at.astimezone(tz).date() - delivered).days - window)


def evidence_missing(case: Case, policy: Policy) -> bool:
    """The rules require evidence (001 §4.2.2) and the case has none yet."""
    return policy.validity.evidence_required and not case.evidence


def evidence_due(case: Case, policy: Policy) -> datetime | None:
    """When missing evidence makes the complaint invalid (001 §4.3 e "补办投诉证据超过30日
    (从投诉之日起)": calendar days from the complaint); None without such a limit."""
    days = policy.validity.evidence_late_days
    if not evidence_missing(case, policy) or days is None:
        return None
    return case.filed_at + timedelta(days=days)
