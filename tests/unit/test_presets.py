"""The five presets: each loads, and each reproduces the rule its reference document is
distinctive for (shared/seeds/000–004, PROCEDURE.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.calendar import BusinessCalendar
from core.domain import Action, Case, CaseState, Intake, Severity, assess_severity
from core.domain.deadlines import refresh_deadlines
from core.policy import PRESETS_DIR, Deadline, MajorTrigger, Policy, load_preset

SH = ZoneInfo("Asia/Shanghai")
PRESETS = ("000_generic", "001_validity", "002_food", "003_property", "004_road_rescue")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=SH)


def due(policy: Policy, clock: Deadline, start: dt.datetime) -> dt.datetime:
    """The deadline of ``clock`` for a case filed at ``start``, as the domain computes it."""
    return policy.sla[clock].after(BusinessCalendar.from_spec(policy.calendar), start)


def level(policy: Policy, code: str) -> int:
    index = policy.level_index(code)
    assert index >= 0, f"{code} is not on the chain of {policy.name}"
    return index


def severity(policy: Policy, **facts) -> Severity:
    intake = Intake(description="投诉内容", demand="compensation", **facts)
    return assess_severity(intake, policy)


# --- every preset ---------------------------------------------------------------------


def test_presets_directory_holds_one_preset_per_reference_document():
    assert set(PRESETS) <= {p.stem for p in PRESETS_DIR.glob("*.toml")}


@pytest.mark.parametrize("stem", PRESETS)
def test_preset_loads_and_names_its_reference_document(stem):
    policy = load_preset(stem)
    assert policy.name.startswith(stem[:3])
    assert policy.source.startswith(stem[:3])
    assert policy.currency == "CNY"


@pytest.mark.parametrize("stem", PRESETS)
def test_preset_file_cites_its_document_in_comments(stem):
    text = (PRESETS_DIR / f"{stem}.toml").read_text(encoding="utf-8")
    assert f"# {stem[:3]} " in text or f"# Preset {stem[:3]}" in text
    assert text.count("#") > 20  # values carry the rule they come from


@pytest.mark.parametrize("stem", PRESETS)
def test_preset_has_the_common_categories_and_a_promise_for_the_customer(stem):
    policy = load_preset(stem)
    codes = {c.code for c in policy.categories}
    assert {"service_quality", "other"} <= codes
    # ATP: the customer is always given a computed date (customer answer or whole case).
    assert Deadline.CUSTOMER_ANSWER in policy.sla or Deadline.WHOLE_CASE in policy.sla


@pytest.mark.parametrize("stem", PRESETS)
def test_every_deadline_of_a_preset_can_be_computed_on_its_calendar(stem):
    policy = load_preset(stem)
    filed = at(2026, 9, 30, 15, 30)  # eve of the National Day golden week
    for clock in policy.sla:
        assert due(policy, clock, filed) > filed


@pytest.mark.parametrize("stem", PRESETS)
def test_top_of_every_chain_can_approve_any_realistic_remedy(stem):
    policy = load_preset(stem)
    top = len(policy.escalation) - 1
    for kind in ("compensation", "return", "exchange", "discount"):
        assert policy.approver_level(kind, Decimal("1000000")) == top
        assert policy.can_grant(policy.escalation[top].code, kind, Decimal("1000000"))


# --- 000 generic: the seven steps -------------------------------------------------------


def test_generic_promises_the_answer_within_five_working_days():
    policy = load_preset("000_generic")
    # Filed on a Monday: five working days later, at closing time.
    assert due(policy, Deadline.CUSTOMER_ANSWER, at(2026, 11, 2, 10)) == at(2026, 11, 9, 17)
    # Filed on the eve of golden week: Oct 8, 9, 10 (调休 Saturday), 12, 13.
    assert due(policy, Deadline.CUSTOMER_ANSWER, at(2026, 9, 30, 10)) == at(2026, 10, 13, 17)


def test_generic_department_answers_in_three_working_days_and_first_revisit_in_five():
    policy = load_preset("000_generic")
    assert due(policy, Deadline.DEPARTMENT_SOLUTION, at(2026, 11, 2, 10)) == at(2026, 11, 5, 17)
    assert due(policy, Deadline.REVISIT, at(2026, 11, 6, 16)) == at(2026, 11, 13, 17)


def test_generic_engineering_quality_complaints_get_two_revisits_service_quality_one():
    policy = load_preset("000_generic")
    assert policy.revisits_for("engineering_quality") == 2
    assert policy.category("engineering_quality").department == "engineering"
    assert policy.revisits_for("service_quality") == 1
    assert policy.revisits_for("product_quality") == policy.revisits_default == 1


# --- 001 validity windows and return approvals ------------------------------------------


def test_validity_requires_complaint_within_30_days_of_delivery_with_evidence():
    validity = load_preset("001_validity").validity
    assert validity.window_days == 30
    assert validity.evidence_required is True
    assert validity.evidence_late_days == 30
    assert validity.demand_required is True


def test_validity_a_3000_yuan_return_needs_the_marketing_vice_president():
    policy = load_preset("001_validity")
    assert policy.approver_level("return", Decimal("3000")) == level(policy, "marketing_vp")
    assert not policy.can_grant("department_manager", "return", Decimal("3000"))
    assert policy.can_grant("marketing_vp", "return", Decimal("3000"))
    assert policy.can_grant("general_manager", "return", Decimal("3000"))


@pytest.mark.parametrize(
    ("amount", "approver"),
    [
        ("0.01", "department_manager"),  # §4.5.2 a: below 2000, QA and sales managers
        ("1999.99", "department_manager"),
        ("2000", "marketing_vp"),  # §4.5.2 b: 2000–5000
        ("5000", "marketing_vp"),
        ("5000.01", "general_manager"),  # §4.5.2 c: above 5000
    ],
)
def test_validity_return_approval_bands_follow_sales_value(amount, approver):
    policy = load_preset("001_validity")
    assert policy.approver_level("return", Decimal(amount)) == level(policy, approver)
    assert policy.approver_level("exchange", Decimal(amount)) == level(policy, approver)


def test_validity_sales_rep_cannot_approve_any_return_and_hands_over_in_30_minutes():
    policy = load_preset("001_validity")
    assert not policy.can_grant("sales_rep", "return", Decimal("1"))
    assert policy.sla[Deadline.HANDOVER].as_kwargs() == {"minutes": 30.0}
    assert policy.category("quantity_shortage").department == "warehouse"


# --- 002 food manufacturer: hotline, authority limits, major complaints ------------------


def test_food_hotline_handover_deadline_runs_across_22_00_into_next_morning():
    policy = load_preset("002_food")
    # 10 minutes before the hotline closes + 20 minutes after it opens at 08:00.
    assert due(policy, Deadline.HANDOVER, at(2026, 11, 2, 21, 50)) == at(2026, 11, 3, 8, 20)
    # Filed at night: the 30 minutes start when the hotline opens.
    assert due(policy, Deadline.HANDOVER, at(2026, 11, 2, 23, 15)) == at(2026, 11, 3, 8, 30)


def test_food_hotline_is_open_every_day_including_weekends_and_national_day():
    policy = load_preset("002_food")
    calendar = BusinessCalendar.from_spec(policy.calendar)
    for day in (dt.date(2026, 11, 7), dt.date(2026, 11, 8), dt.date(2026, 10, 1)):
        assert calendar.periods(day) == [(at(day.year, day.month, day.day, 8),
                                          at(day.year, day.month, day.day, 22))]
    assert due(policy, Deadline.HANDOVER, at(2026, 10, 1, 21, 50)) == at(2026, 10, 2, 8, 20)


def test_food_visit_within_24_hours_and_whole_case_within_3_working_days():
    policy = load_preset("002_food")
    # §7.2 "24小时之内": 24 hours on the clock, the same hour next day.
    assert due(policy, Deadline.FIRST_RESPONSE, at(2026, 11, 2, 10)) == at(2026, 11, 3, 10)
    # §7.1 "3个工作日": Mon, Tue, Wed — the hotline's open weekend does not count.
    assert due(policy, Deadline.WHOLE_CASE, at(2026, 11, 6, 10)) == at(2026, 11, 11, 22)


def test_food_complaint_late_on_thursday_is_settled_by_tuesday_not_sunday():
    policy = load_preset("002_food")
    # Thu 3 Dec 22:18: Fri 4, Mon 7, Tue 8 — at the hotline's 22:00 close.
    assert due(policy, Deadline.WHOLE_CASE, at(2026, 12, 3, 22, 18)) == at(2026, 12, 8, 22)


def test_food_complaint_on_the_eve_of_national_day_counts_working_days_after_it():
    policy = load_preset("002_food")
    # Oct 1–7 are public holidays though the hotline answers: Oct 8, 9, 10 (调休 Saturday).
    assert due(policy, Deadline.WHOLE_CASE, at(2026, 9, 30, 15, 30)) == at(2026, 10, 10, 22)


@pytest.mark.parametrize(
    ("amount", "approver"),
    [
        ("500", "specialist"),  # §8.2 500 included
        ("500.01", "company_head"),
        ("800", "company_head"),
        ("1000", "company_head"),  # §8.3 1000 included
        ("1000.01", "vice_president"),  # §8.4 above 1000
        ("50000", "vice_president"),
    ],
)
def test_food_compensation_is_approved_by_amount(amount, approver):
    policy = load_preset("002_food")
    assert policy.approver_level("compensation", Decimal(amount)) == level(policy, approver)


def test_food_800_yuan_compensation_needs_the_sales_company_head():
    policy = load_preset("002_food")
    assert not policy.can_grant("sales_rep", "compensation", Decimal("800"))
    assert not policy.can_grant("specialist", "compensation", Decimal("800"))
    assert policy.can_grant("company_head", "compensation", Decimal("800"))
    assert policy.can_grant("vice_president", "compensation", Decimal("800"))


def test_food_claim_over_2000_yuan_is_major_and_2000_is_not():
    policy = load_preset("002_food")
    assert severity(policy, claimed_amount=Decimal("2000.01")) is Severity.MAJOR
    assert severity(policy, claimed_amount=Decimal("2000")) is Severity.MINOR


@pytest.mark.parametrize(
    "facts",
    [
        {"batch_units": 101},  # §6.4.6 批量质量事故 "100件以上": more than 100
        {"complainants": 5},  # §6.4.5 群体性投诉
        {"triggers": frozenset({MajorTrigger.CONSUMER_ASSOCIATION})},  # §6.4.7
        {"triggers": frozenset({MajorTrigger.MEDIA})},
        {"triggers": frozenset({MajorTrigger.REGULATOR})},
        {"triggers": frozenset({MajorTrigger.COURT})},
        {"triggers": frozenset({MajorTrigger.POLICE})},
        {"triggers": frozenset({MajorTrigger.LAWYER})},
        {"triggers": frozenset({MajorTrigger.SAFETY})},
        {"triggers": frozenset({MajorTrigger.EXTREME_BEHAVIOUR})},  # §6.4.2 过激行为
    ],
)
def test_food_batch_group_and_outside_bodies_make_a_complaint_major(facts):
    assert severity(load_preset("002_food"), **facts) is Severity.MAJOR


def test_food_small_batch_from_one_customer_is_not_major():
    policy = load_preset("002_food")
    # "以上" without "含" is "more than" in 002 (§8 marks inclusive bounds with 含).
    assert severity(policy, batch_units=100, complainants=4) is Severity.MINOR
    assert severity(policy, claimed_amount=Decimal(2000)) is Severity.MINOR
    assert severity(policy, claimed_amount=Decimal("2000.01")) is Severity.MAJOR
    assert policy.category("batch_quality").department == "factory_service"


# --- 003 property management: class 1/2/3 and the 30-minute hand-over --------------------


def test_property_severities_are_called_class_1_2_3():
    labels = load_preset("003_property").severity_labels
    assert labels == {"major": "class_1", "serious": "class_2", "minor": "class_3"}


@pytest.mark.parametrize(("category", "due_at"), [
    ("security_fire", at(2026, 11, 6, 17, 30)),  # 安全設施維修兩天內回訪
    ("power_water", at(2026, 11, 7, 17, 30)),  # 漏水項目維修三天內回訪
    ("repair_service", at(2026, 11, 11, 17, 30)),  # 回訪時間安排在維修後一星期之內
])
def test_property_revisits_safety_and_leak_repairs_sooner(category: str, due_at: dt.datetime
                                                          ) -> None:
    """000 §Ⅳ 回訪工作制度 二, per kind of work: calendar days from the repair (Wednesday
    4 November), ending at the centre's closing time."""
    policy = load_preset("003_property")
    done = at(2026, 11, 4, 10)
    case = Case(customer_id=1, filed_at=done, state=CaseState.IMPLEMENTED,
                intake=Intake(description="维修后", demand="repair", category=category))
    refresh_deadlines(case, Action.MARK_IMPLEMENTED, policy,
                      BusinessCalendar.from_spec(policy.calendar), done)
    assert case.deadlines[Deadline.REVISIT] == due_at


def test_property_handover_to_customer_service_within_30_minutes():
    policy = load_preset("003_property")
    assert due(policy, Deadline.HANDOVER, at(2026, 11, 4, 10)) == at(2026, 11, 4, 10, 30)
    # Ten minutes before the centre closes at 17:30; twenty more after 08:30 next day.
    assert due(policy, Deadline.HANDOVER, at(2026, 11, 4, 17, 20)) == at(2026, 11, 5, 8, 50)
    # 流程规范 1.4 "工作时间之外(放假、下班、周末等)": a Saturday complaint waits for Monday.
    assert due(policy, Deadline.HANDOVER, at(2026, 11, 7, 9)) == at(2026, 11, 9, 9)


def test_property_department_answers_in_three_calendar_days_even_over_national_day():
    policy = load_preset("003_property")
    # 000 §Ⅳ "答復時間最長不應超過三天": Oct 1, 2, 3 — calendar days, not office days (Oct 9).
    filed = at(2026, 9, 30, 10)
    assert due(policy, Deadline.DEPARTMENT_SOLUTION, filed) == at(2026, 10, 3, 17, 30)
    assert due(policy, Deadline.DEPARTMENT_SOLUTION, at(2026, 11, 6, 10)) == at(2026, 11, 9, 17, 30)


def test_property_revisit_within_a_week_and_answer_within_five_working_days():
    policy = load_preset("003_property")
    # 000 §Ⅳ "維修後一星期之內": seven calendar days, Fri to Fri.
    assert due(policy, Deadline.REVISIT, at(2026, 11, 6, 16)) == at(2026, 11, 13, 17, 30)
    # 000 §Ⅱ "5個工作日": Oct 8, 9, 10 (调休 Saturday), 12, 13.
    assert due(policy, Deadline.CUSTOMER_ANSWER, at(2026, 9, 30, 10)) == at(2026, 10, 13, 17, 30)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"complainants": 5}, Severity.MAJOR),  # 一类 A 五人或以上
        ({"triggers": frozenset({MajorTrigger.MEDIA})}, Severity.MAJOR),  # 一类 B
        ({"triggers": frozenset({MajorTrigger.REPUTATION})}, Severity.MAJOR),  # 一类 C
        ({"triggers": frozenset({MajorTrigger.INJURY})}, Severity.MAJOR),  # 一类 D
        ({"triggers": frozenset({MajorTrigger.LAWYER})}, Severity.MAJOR),  # 一类 E
        ({"triggers": frozenset({MajorTrigger.STAFF_ATTITUDE})}, Severity.SERIOUS),  # 二类 B
        ({"triggers": frozenset({MajorTrigger.REPEAT_COMPLAINT})}, Severity.SERIOUS),  # 二类 C
        ({"triggers": frozenset({MajorTrigger.WRITTEN_COMPLAINT})}, Severity.SERIOUS),  # 二类 D
        ({"triggers": frozenset({MajorTrigger.GOVERNMENT_TRANSFER})}, Severity.SERIOUS),  # 二类 E
        ({"complainants": 4}, Severity.MINOR),  # 三类
        ({}, Severity.MINOR),
    ],
)
def test_property_class_1_and_class_2_triggers(facts, expected):
    assert severity(load_preset("003_property"), **facts) is expected


def test_property_only_the_division_head_may_promise_money():
    policy = load_preset("003_property")
    assert policy.approver_level("compensation", Decimal("1")) == level(policy, "division_head")
    assert not policy.can_grant("deputy_head", "compensation", Decimal("1"))
    # An apology or explanation costs nothing and needs no approval beyond the desk.
    assert policy.approver_level("explanation", Decimal("0")) == 0


# --- 004 road rescue: 24×7, five-minute dispatch -------------------------------------------


def test_road_rescue_dispatches_within_5_minutes_even_on_national_day():
    policy = load_preset("004_road_rescue")
    assert due(policy, Deadline.HANDOVER, at(2026, 10, 1, 9)) == at(2026, 10, 1, 9, 5)
    # Across midnight into the holiday: wall-clock, nothing skipped.
    assert due(policy, Deadline.HANDOVER, at(2026, 9, 30, 23, 58)) == at(2026, 10, 1, 0, 3)


def test_road_rescue_calendar_is_24x7_and_ignores_public_holidays():
    policy = load_preset("004_road_rescue")
    assert policy.calendar.observe_public_holidays is False
    calendar = BusinessCalendar.from_spec(policy.calendar)
    for day in range(1, 8):  # golden week
        assert calendar.is_working_day(dt.date(2026, 10, day))
    start, end = at(2026, 10, 1, 0), at(2026, 10, 8, 0)
    assert calendar.working_between(start, end) == end - start


def test_road_rescue_12_and_24_hour_clocks_are_wall_clock_on_a_holiday():
    policy = load_preset("004_road_rescue")
    filed = at(2026, 10, 1, 9)
    assert due(policy, Deadline.DEPARTMENT_SOLUTION, filed) == at(2026, 10, 1, 21)
    assert due(policy, Deadline.WHOLE_CASE, filed) == at(2026, 10, 2, 9)  # 24 h: to supervisor
    assert due(policy, Deadline.CUSTOMER_ANSWER, filed) == at(2026, 10, 3, 9)  # 48 h result


def test_road_rescue_departments_report_progress_at_17_00_daily():
    policy = load_preset("004_road_rescue")
    assert policy.digest_time == "17:00"
    assert policy.level_index("cs_supervisor") == policy.level_index("front_desk") + 1


def test_the_invalid_finding_names_the_outside_routes_the_documents_name() -> None:
    # 001 范文6 12315 and 范文1 消费者协会; 002 §6.4.8 消协、仲裁、司法; 000 names none.
    assert [r.value for r in load_preset("001_validity").outside_routes] == [
        "market_regulation", "consumer_association"]
    assert [r.value for r in load_preset("002_food").outside_routes] == [
        "consumer_association", "arbitration", "court"]
    assert load_preset("000_generic").outside_routes == ()
