"""Benchmark (not a test): the monthly report over 100,000 cases filed in one month.

    python bench/monthly_report.py [POSTGRES_URL]

Creates a fresh PostgreSQL database beside ``BENCH_POSTGRES_URL`` (or the argument;
default ``postgresql://postgres@127.0.0.1:5432/test``, whose database is only used to
connect for CREATE/DROP DATABASE), migrates it and loads with COPY a month of cases
(October 2026, preset ``000_generic``): every state of the procedure, 20,000 customers
and 3,000 products (so repeats abound), their audit events (filing, assignment,
proposals with amounts, approvals, survey answers, CAPA root causes) and deadline-breach
notices. Then, in a fresh interpreter (so its peak memory is the report's alone), it
times ``core.reports.build_report`` — the SQL aggregates, the workbook with the raw list
of every case, the four charts — and measures peak memory twice: the process's maximum
resident size (``getrusage``) in a plain run, and Python's own allocations (tracemalloc,
which slows Python down, so its run is not timed). Prints the figures, appends them to
``bench/results/monthly_report.txt`` and drops the database.

Targets: under 10 s and under 500 MB peak.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "100000"))
CUSTOMERS, PRODUCTS, CAUSES = 20_000, 3_000, 40
TARGET_S, TARGET_MB = 10.0, 500.0
MONTH_START = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)  # 1 October 00:00 in Shanghai
AS_OF = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
RESULTS = ROOT / "bench" / "results" / "monthly_report.txt"
CATEGORIES = (("product_quality", "quality"), ("engineering_quality", "engineering"),
              ("transport_packaging", "warehouse"), ("delivery_delay", "production"),
              ("documents", "sales"), ("service_quality", "customer_service"))
# state, share, reached (assigned / implemented / surveyed)
STATES = (("closed_satisfied", 0.45), ("closed", 0.08), ("closed_invalid", 0.05),
          ("received", 0.04), ("investigating", 0.03), ("assigned", 0.08), ("accepted", 0.1),
          ("awaiting_approval", 0.02), ("awaiting_customer", 0.05), ("implementing", 0.04),
          ("revisiting", 0.06))
RATINGS = ("very_satisfied", "satisfied", "satisfied", "neutral", "dissatisfied",
           "very_dissatisfied")
CASE_COLUMNS = ("id", "number", "state", "customer_id", "channel", "severity",
                "escalation_level", "reopen_count", "description", "demand", "complainants",
                "triggers", "revisits_required", "revisits_done", "filed_at", "category",
                "department", "contact_name", "contact_phone", "product", "remedy_kind",
                "remedy_amount", "remedy_currency", "approval_level", "last_rating",
                "closed_at", "due_department_solution", "due_customer_answer", "due_revisit",
                "next_due", "version")
EVENT_COLUMNS = ("case_id", "at", "actor_role", "action", "from_state", "to_state", "note",
                 "data")


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _month(rng: random.Random):  # type: ignore[no-untyped-def]
    """Cases, their events and breach notices, as COPY records."""
    from decimal import Decimal

    states = [s for s, _share in STATES]
    weights = [share for _s, share in STATES]
    cases, events, breaches = [], [], []
    for case_id in range(1, CASES + 1):
        state = rng.choices(states, weights)[0]
        category, department = rng.choice(CATEGORIES)
        filed = MONTH_START + timedelta(seconds=rng.uniform(0, 31 * 86400))
        assigned = state not in ("received", "investigating", "closed_invalid")
        remedy = amount = currency = approval = None
        if state in ("awaiting_approval", "awaiting_customer", "implementing", "revisiting",
                     "closed_satisfied") and rng.random() < 0.6:
            remedy = rng.choice(("compensation", "discount", "return"))
            amount, currency = Decimal(rng.randrange(50, 3000)), "CNY"
            approval = 2 if state == "awaiting_approval" else None
        rating = rng.choice(RATINGS[:3]) if state == "closed_satisfied" else None
        open_ = not state.startswith("closed")
        due = filed + timedelta(days=rng.uniform(1, 20)) if open_ else None
        customer = rng.randrange(1, CUSTOMERS + 1)
        cases.append((case_id, f"2610-{case_id:06d}", state, customer, "chat",
                      rng.choices(("minor", "serious", "major"), (0.8, 0.17, 0.03))[0],
                      0, 0, "The milk was sour.", "exchange", 1, "[]", 1,
                      1 if rating else 0, filed, category,
                      department if assigned else None, f"Customer {customer}",
                      f"138{customer:08d}", f"Product {rng.randrange(PRODUCTS)}", remedy,
                      amount, currency, approval, rating,
                      filed + timedelta(days=3) if not open_ else None,
                      due if state in ("assigned", "accepted") else None,
                      due if state in ("received", "investigating", "assigned", "accepted")
                      else None, due if state == "revisiting" else None, due, 1))
        at = filed
        events.append((case_id, at, "customer", "file", None, "received", None, "{}"))
        if state == "closed_invalid":
            events.append((case_id, at, "specialist", "invalidate", "received",
                           "closed_invalid", "No purchase record.", "{}"))
        if assigned:
            events.append((case_id, at, "specialist", "assign", "received", "assigned", None,
                           json.dumps({"department": department})))
        if remedy:
            events.append((case_id, at, "department", "propose", "accepted", "awaiting_customer",
                           "For the trouble.", json.dumps({"kind": remedy, "amount": str(amount),
                                                           "currency": "CNY",
                                                           "approval_level": approval})))
        if state in ("implementing", "revisiting", "closed_satisfied"):
            events.append((case_id, at, "department", "mark_implemented", "implementing",
                           "implemented", None, "{}"))
        if rating:
            events.append((case_id, at, "customer", "record_revisit", "revisiting",
                           "closed_satisfied", None, json.dumps({"rating": rating,
                                                                 "round": 1})))
        if assigned and rng.random() < 0.05:
            events.append((case_id, at, "department", "add_capa", state, state,
                           "Train the drivers.", json.dumps(
                               {"root_cause": f"Root cause {rng.randrange(CAUSES)}"})))
        if rng.random() < 0.1:
            breaches.append((f"bench-{case_id}", case_id, "deadline_breach", "supervisors",
                             "", json.dumps({"clock": rng.choice(("department_solution",
                                                                 "customer_answer"))}),
                             "sent", 1, at, at))
    return cases, events, breaches


async def _load(url: str) -> float:
    connection = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        await connection.copy_records_to_table("people", columns=("id", "name", "created_at"),
                                               records=[(i, f"Customer {i}", MONTH_START)
                                                        for i in range(1, CUSTOMERS + 1)])
        cases, events, breaches = _month(random.Random(20261001))
        await connection.copy_records_to_table("cases", records=cases, columns=CASE_COLUMNS)
        await connection.copy_records_to_table("case_events", records=events,
                                               columns=EVENT_COLUMNS)
        await connection.copy_records_to_table(
            "notifications", records=breaches,
            columns=("idempotency_key", "case_id", "kind", "audience", "address", "payload",
                     "status", "attempts", "due_at", "created_at"))
        await connection.execute("VACUUM ANALYZE")
        print(f"loaded {len(cases):,} cases, {len(events):,} events, {len(breaches):,} "
              f"breach notices in {time.perf_counter() - started:.1f} s")
        return time.perf_counter() - started
    finally:
        await connection.close()


async def _report(url: str, out: Path) -> dict[str, float]:
    """One report, timed by phase (run in its own interpreter)."""
    from core.clock import ManualClock
    from core.db.uow import Database
    from core.policy import load_preset
    from core.reports import Period, compute, summary_text
    from core.reports.charts import render_charts
    from core.reports.command import words_for
    from core.reports.workbook import write_workbook
    from core.services.rules import Rules

    rules = Rules.build(load_preset("000_generic"), ManualClock(AS_OF))
    words, chart_words = words_for("zh_Hans", rules.policy)
    db = Database(make_url(url).set(drivername="postgresql+asyncpg")
                  .render_as_string(hide_password=False))
    period, tz = Period.parse("2026-10"), rules.calendar.tz
    try:
        started = time.perf_counter()
        summary = await compute(db, rules.policy, period, tz, AS_OF)
        summary_text(summary, words)
        computed = time.perf_counter()
        await write_workbook(db, summary, words, out / "report.xlsx", tz)
        written = time.perf_counter()
        charts = await asyncio.to_thread(render_charts, summary, chart_words, out)
        drawn = time.perf_counter()
    finally:
        await db.dispose()
    return {"cases": summary.total, "sql_s": computed - started, "workbook_s": written - computed,
            "charts_s": drawn - written, "total_s": drawn - started, "charts": len(charts),
            "xlsx_mb": (out / "report.xlsx").stat().st_size / 2**20}


def _measure(url: str, traced: bool) -> None:
    """The child process: one report; prints its figures as JSON."""
    import tracemalloc

    if traced:
        tracemalloc.start()
    with tempfile.TemporaryDirectory() as out:
        figures = asyncio.run(_report(url, Path(out)))
    figures["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if traced:
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(figures))


def _child(url: str, traced: bool) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--measure", url, str(int(traced))],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


async def _admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        _measure(sys.argv[2], sys.argv[3] == "1")
        return 0
    from core.db.migrate import upgrade

    base = (sys.argv[1] if len(sys.argv) > 1 else None) or os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"cd_bench_report_{os.getpid()}"
    url = _dsn(base, name)
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(upgrade(make_url(url).set(drivername="postgresql+asyncpg")
                            .render_as_string(hide_password=False)))
        asyncio.run(_load(url))
        _child(url, False)  # warm PostgreSQL's cache once, as a second report would find it
        plain = _child(url, False)
        traced = _child(url, True)
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    ok = plain["total_s"] < TARGET_S and plain["maxrss_mb"] < TARGET_MB
    lines = [
        f"monthly report over {int(plain['cases']):,} cases (PostgreSQL, "
        f"{os.cpu_count()} cores), {datetime.now(UTC):%Y-%m-%d}:",
        f"  total {plain['total_s']:.2f} s = SQL aggregates {plain['sql_s']:.2f} s + workbook "
        f"{plain['workbook_s']:.2f} s ({plain['xlsx_mb']:.1f} MB) + {int(plain['charts'])} "
        f"charts {plain['charts_s']:.2f} s",
        f"  peak memory: max RSS {plain['maxrss_mb']:.0f} MB (whole process, interpreter and "
        f"libraries included); Python allocations {traced['traced_peak_mb']:.1f} MB "
        "(tracemalloc)",
        f"  target < {TARGET_S:.0f} s and < {TARGET_MB:.0f} MB: {'met' if ok else 'NOT met'}",
    ]
    print("\n".join(lines))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write("\n".join(lines) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
