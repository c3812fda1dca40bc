"""The monthly summary over a small month whose every figure is counted by hand.

November 2026 in Shanghai (one case filed on 30 October must not count):

- A (customer 901, product quality, "Fresh milk 1L"): quality; 300 CNY within authority;
  satisfied; CAPA "Cold chain broken".
- B (901, transport, "Crate"): logistics; 1500 CNY approved by the VP; dissatisfied, so
  reopened (its solution void, its department cleared).
- C (999, product quality, "Fresh Milk 1L"): quality; the department's solution late (the
  sweep records it); 800 refused, 450 proposed; CAPA " cold chain BROKEN".
- D (903, "Yogurt"): invalid.
- E (904, "Butter", 5 complainants): major; left at the desk, its first clocks late.
- G (905, engineering quality, "Kitchen tiles"): quality; an explanation; very satisfied,
  then no answer to the second revisit; CAPA "Tiles from a bad batch".
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from core.clock import ManualClock
from core.db.models import PersonRow
from core.db.uow import Database
from core.domain import Actor, Rating, Remedy, RemedyKind, Role
from core.reports import Period, build_report, compute
from core.reports.words import catalog_words
from core.services import deadlines, filing, handling
from core.services.rules import Rules
from tests.conftest import SHANGHAI
from tests.factories import (
    CUSTOMER,
    LOGISTICS_MEMBER,
    QUALITY_MEMBER,
    SPECIALIST,
    STRANGER,
    SYSTEM,
    VICE_PRESIDENT,
    make_intake,
)

NOVEMBER = Period.parse("2026-11")
AS_OF = datetime(2026, 11, 6, 12, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def customer(person_id: int) -> Actor:
    return Actor(person_id, Role.CUSTOMER)


async def build_month(db: Database, rules: Rules, clock: ManualClock) -> dict[str, int]:
    """The month in the module's docstring, through the real services."""
    async with db.uow() as uow:
        for person_id in (903, 904, 905):
            uow.session.add(PersonRow(id=person_id, name=f"Customer {person_id}",
                                      created_at=at(10, 1, 9)))
        await uow.commit()

    async def file(who: Actor, **intake: object) -> int:
        filed = await filing.file_case(db.uow(), rules, make_intake(**intake), who.person_id,
                                       who)
        return filed.case_id

    clock.set(at(10, 30, 10))
    await file(CUSTOMER, product="Fresh milk 1L")  # October: outside the month
    clock.set(at(11, 2, 10))
    ids = {
        "A": await file(CUSTOMER, product="Fresh milk 1L"),
        "B": await file(CUSTOMER, category="transport_packaging", product="Crate"),
        "C": await file(STRANGER, product="Fresh Milk 1L"),
        "D": await file(customer(903), product="Yogurt"),
        "E": await file(customer(904), product="Butter", complainants=5),
        "G": await file(customer(905), category="engineering_quality", product="Kitchen tiles"),
    }
    h, uow = handling, db.uow
    money = lambda amount: Remedy(RemedyKind.COMPENSATION, "For the trouble.",  # noqa: E731
                                  Decimal(amount), "CNY")
    a, b, c, g = ids["A"], ids["B"], ids["C"], ids["G"]
    await h.assign(uow(), rules, a, SPECIALIST)
    await h.accept(uow(), rules, a, QUALITY_MEMBER)
    await h.propose_solution(uow(), rules, a, QUALITY_MEMBER, money("300"))
    await h.customer_accepts(uow(), rules, a, CUSTOMER)
    await h.mark_implemented(uow(), rules, a, QUALITY_MEMBER)
    await h.start_revisit(uow(), rules, a, SYSTEM)
    await h.record_revisit(uow(), rules, a, CUSTOMER, Rating.SATISFIED)
    await h.add_capa(uow(), rules, a, QUALITY_MEMBER, "Cold chain broken", "Check the van.")

    await h.assign(uow(), rules, b, SPECIALIST)
    await h.accept(uow(), rules, b, LOGISTICS_MEMBER)
    await h.propose_solution(uow(), rules, b, LOGISTICS_MEMBER, money("1500"))
    await h.approve(uow(), rules, b, VICE_PRESIDENT)
    await h.customer_accepts(uow(), rules, b, CUSTOMER)
    await h.mark_implemented(uow(), rules, b, LOGISTICS_MEMBER)
    await h.start_revisit(uow(), rules, b, SYSTEM)
    await h.record_revisit(uow(), rules, b, CUSTOMER, Rating.DISSATISFIED)

    await h.assign(uow(), rules, c, SPECIALIST)
    await h.accept(uow(), rules, c, QUALITY_MEMBER)
    await h.decide_invalid(uow(), rules, ids["D"], SPECIALIST, "No such product of ours.")

    await h.assign(uow(), rules, g, SPECIALIST)
    await h.accept(uow(), rules, g, QUALITY_MEMBER)
    await h.propose_solution(uow(), rules, g, QUALITY_MEMBER,
                             Remedy(RemedyKind.EXPLANATION, "The tiles are within tolerance."))
    await h.customer_accepts(uow(), rules, g, customer(905))
    await h.mark_implemented(uow(), rules, g, QUALITY_MEMBER)
    await h.start_revisit(uow(), rules, g, SYSTEM)
    await h.record_revisit(uow(), rules, g, customer(905), Rating.VERY_SATISFIED)
    await h.start_revisit(uow(), rules, g, SYSTEM)
    await h.record_revisit(uow(), rules, g, SYSTEM, Rating.NO_ANSWER)
    await h.add_capa(uow(), rules, g, QUALITY_MEMBER, "Tiles from a bad batch", "New supplier.")

    # Friday: C's department solution (due Thursday 17:00) and E's first response and
    # hand-over, B's restarted hand-over are past due; the sweep records the breaches.
    clock.set(at(11, 6, 10))
    await deadlines.sweep(db, rules, clock.now())
    await h.propose_solution(uow(), rules, c, QUALITY_MEMBER, money("800"))
    await h.refuse_approval(uow(), rules, c, VICE_PRESIDENT, "Too much for sour milk.")
    await h.propose_solution(uow(), rules, c, QUALITY_MEMBER, money("450"))
    await h.add_capa(uow(), rules, c, QUALITY_MEMBER, " cold chain BROKEN", "Check the van.")
    clock.set(AS_OF)
    return ids


async def test_a_hand_counted_month(database: Database, rules: Rules, clock: ManualClock,
                                    tmp_path: Path) -> None:
    await build_month(database, rules, clock)
    summary = await compute(database, rules.policy, NOVEMBER, rules.calendar.tz, AS_OF)

    assert summary.total == 6
    assert summary.by(0) == [("product_quality", 4), ("engineering_quality", 1),
                             ("transport_packaging", 1)]
    # B was reopened (department cleared), D invalid, E still at the desk.
    assert summary.by(1) == [("", 3), ("quality", 3)]
    assert summary.by(2) == [("minor", 5), ("major", 1)]
    assert summary.by(3) == [("valid", 4), ("invalid", 1), ("pending", 1)]

    clocks = {t.clock: (t.counted, t.on_time, t.late, t.running) for t in summary.on_time}
    assert clocks == {
        "first_response": (6, 5, 1, 0),  # E never answered
        "handover": (6, 4, 2, 0),  # E, and B after its reopening
        "department_solution": (4, 3, 1, 0),  # A B C G were assigned; C late
        "customer_answer": (6, 4, 0, 2),  # B (restarted) and E still running
        "revisit": (3, 3, 0, 0),  # A B G were carried out
        "whole_case": (6, 3, 0, 3),  # B, E running; C paused for the customer
    }
    assert summary.trend[0][0] == "11-01" and len(summary.trend) == 5
    assert [t.counted for t in summary.trend[1][1]] == [0] * 6

    assert summary.ratings() == {"satisfied": 1, "dissatisfied": 1, "very_satisfied": 1,
                                 "no_answer": 1}
    assert summary.satisfied_rate(summary.ratings()) == 2 / 3
    # B's dissatisfied answer counts for logistics, who handled it, though reopening
    # cleared the case's department.
    assert summary.satisfaction == {
        "quality": {"satisfied": 1, "very_satisfied": 1, "no_answer": 1},
        "logistics": {"dissatisfied": 1}}

    assert (summary.repeat_customers, summary.repeat_customer_cases) == (1, 2)
    assert (summary.repeat_products, summary.repeat_product_cases) == (1, 2)
    assert sorted((r.kind, r.cases, len(r.numbers)) for r in summary.repeats) == [
        ("customer", 2, 2), ("product", 2, 2)]

    [money] = summary.money
    assert (money.kind, money.proposals, money.proposed_amount, money.needed_approval,
            money.approved, money.approved_amount) == (
        "compensation", 4, Decimal("3050.00"), 2, 2, Decimal("750.00"))
    assert (summary.approvals_granted, summary.approvals_refused) == (1, 1)

    assert [(c.label, c.times, c.cases, c.recurring) for c in summary.root_causes] == [
        ("Cold chain broken", 2, 2, True), ("Tiles from a bad batch", 1, 1, False)]

    # The same figures in the workbook, read back with openpyxl.
    report = await build_report(database, rules, NOVEMBER, tmp_path, catalog_words("en"),
                                now=AS_OF)
    book = load_workbook(report.workbook)
    assert book.sheetnames == ["Summary", "By category", "By department", "By severity",
                               "By validity", "On time", "On-time trend", "Satisfaction",
                               "Repeat complaints", "Compensation", "Root causes", "Cases"]

    def rows(sheet: str) -> list[tuple[object, ...]]:
        # Shares are compared to six places: a float goes through the file's text.
        return [tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                for row in book[sheet].iter_rows(min_row=2, values_only=True)]

    def r(value: float) -> float:
        return round(value, 6)

    assert rows("By category") == [("Product quality", 4, r(4 / 6)),
                                   ("Engineering quality", 1, r(1 / 6)),
                                   ("Transport packaging", 1, r(1 / 6))]
    assert rows("By validity") == [("Valid", 4, r(4 / 6)), ("Invalid", 1, r(1 / 6)),
                                   ("Not yet judged", 1, r(1 / 6))]
    assert rows("On time") == [
        ("First response", 6, 5, 1, 0, r(5 / 6)), ("Hand-over", 6, 4, 2, 0, r(4 / 6)),
        ("Department's solution", 4, 3, 1, 0, r(3 / 4)),
        ("Answer to the customer", 6, 4, 0, 2, 1),
        ("Revisit", 3, 3, 0, 0, 1), ("Whole case", 6, 3, 0, 3, 1)]
    assert rows("Satisfaction") == [("Overall", 1, 1, 0, 1, 0, 1, 4, r(2 / 3)),
                                    ("logistics", 0, 0, 0, 1, 0, 0, 1, 0),
                                    ("quality", 1, 1, 0, 0, 0, 1, 3, 1)]
    assert rows("Compensation") == [("Compensation", 4, 3050, 2, 2, 750),
                                    ("Total", 4, 3050, 2, 2, 750)]
    assert rows("Root causes")[0] == ("Cold chain broken", 2, 2, "yes", "Check the van.")
    cases = rows("Cases")
    assert len(cases) == 6 and all(str(row[0]).startswith("2611-") for row in cases)
    assert sorted(row[13] for row in cases if row[13] is not None) == [300, 450]
    summary_sheet = dict(rows("Summary"))
    assert summary_sheet["Cases"] == 6 and summary_sheet["Satisfied"] == r(2 / 3)
    assert "Complaints: 6 (valid 4, invalid 1, not yet judged 1)." in report.text
    assert [p.name for p in report.charts] == ["cases_by_category.png",
                                               "cases_by_department.png",
                                               "on_time_trend.png", "satisfaction.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in report.charts)

    # 003 names its severities by class: the report reads them so (issue 19.7).
    classes = catalog_words("zh_Hant", severity_names={
        "major": "class_1", "serious": "class_2", "minor": "class_3"})
    named = await build_report(database, rules, NOVEMBER, tmp_path / "named", classes,
                               catalog_words("en"), now=AS_OF)
    book = load_workbook(named.workbook)
    severities = {row[0] for row in book[book.sheetnames[3]].iter_rows(min_row=2,
                                                                       values_only=True)}
    assert severities and severities <= {"一類投訴", "二類投訴", "三類投訴"}
    assert "二類投訴：" in named.text and "一類投訴：" in named.text


async def test_an_empty_month_is_a_clear_empty_report(database: Database, rules: Rules,
                                                      tmp_path: Path) -> None:
    report = await build_report(database, rules, Period.parse("2026-02"), tmp_path,
                                catalog_words("en"))
    assert report.summary.empty and report.charts == []
    assert "No complaints were filed in 2026-02" in report.text
    book = load_workbook(report.workbook)
    assert book["Cases"].max_row == 1  # the header only
    assert dict(book["Summary"].iter_rows(min_row=2, values_only=True))["Cases"] == 0


def test_periods() -> None:
    assert Period.parse("2026-11").label == "2026-11"
    assert Period.parse("2026-h2").label == "2026-H2"
    assert Period.parse("2026").buckets(SHANGHAI)[-1][0] == "2026-12"
    first, end = Period.parse("2026-11").bounds(SHANGHAI)
    assert (first, end) == (datetime(2026, 11, 1, tzinfo=SHANGHAI),
                            datetime(2026, 12, 1, tzinfo=SHANGHAI))  # local midnights
    for bad in ("2026-13", "26-11", "november", "2026-H3", ""):
        try:
            Period.parse(bad)
        except ValueError as exc:
            assert "YYYY-MM" in str(exc)
        else:
            raise AssertionError(bad)


async def test_long_recurring_root_causes_keep_the_text_within_one_message(
    database: Database, rules: Rules, clock: ManualClock, tmp_path: Path
) -> None:
    clock.set(at(11, 2, 10))
    causes = [f"Cause {n}: " + "the cold chain broke somewhere between depot and shop " * 40
              for n in range(3)]
    for cause in causes * 2:  # each on two cases: all recurring
        filed = await filing.file_case(database.uow(), rules, make_intake(),
                                       CUSTOMER.person_id, CUSTOMER)
        await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
        await handling.accept(database.uow(), rules, filed.case_id, QUALITY_MEMBER)
        await handling.add_capa(database.uow(), rules, filed.case_id, QUALITY_MEMBER,
                                cause[:2000], "Check the van.")
    report = await build_report(database, rules, NOVEMBER, tmp_path, catalog_words("en"),
                                now=AS_OF)
    assert all(c.recurring for c in report.summary.root_causes)
    assert len(report.text) < 4096
    line = report.text.splitlines()[-1]
    assert all(f"Cause {n}: the cold chain" in line for n in range(3))
    assert line.count("…") == 3 and len(line) < 400
