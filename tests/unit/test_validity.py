"""001 范文5 §4.1.1 "货到30天内" and §4.3 e "补办投诉证据超过30日(从投诉之日起)", counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.domain import Case, Evidence
from core.domain.validity import days_past_window, evidence_due, evidence_missing
from core.policy import load_preset
from tests.factories import make_intake, make_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)  # Monday 2 November, 01:00 in Shanghai
POLICY = load_preset("001_validity")


def case(delivered: str | None, evidence: bool = False) -> Case:
    filed = Case(customer_id=1, filed_at=FILED, intake=make_intake(delivered=delivered))
    if evidence:
        filed.evidence.append(Evidence("photo", "f1", None, FILED, 1))
    return filed


@pytest.mark.parametrize(("delivered", "late"), [
    ("2026-10-03", 0),  # the 30th day after delivery (in Shanghai, where it was filed)
    ("2026-10-02", 1),
    ("2026-09-01", 32),
    ("2026-09-20/2026-10-03", 0),  # a range: its last day, the customer's benefit of doubt
    ("early October", 0),  # words no reading fitted: nothing to count
    (None, 0),
])
def test_days_past_the_window_count_from_delivery(delivered: str | None, late: int) -> None:
    assert days_past_window(case(delivered), POLICY, SHANGHAI) == late


def test_a_policy_without_a_window_or_evidence_rule_flags_nothing() -> None:
    lenient = make_policy()
    assert days_past_window(case("2020-01-01"), lenient, SHANGHAI) == 0
    assert not evidence_missing(case(None), lenient) and evidence_due(case(None), lenient) is None


def test_required_evidence_is_due_thirty_calendar_days_after_the_complaint() -> None:
    assert evidence_missing(case(None), POLICY)
    assert evidence_due(case(None), POLICY) == FILED + timedelta(days=30)
    assert not evidence_missing(case(None, evidence=True), POLICY)
    assert evidence_due(case(None, evidence=True), POLICY) is None
