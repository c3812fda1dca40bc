"""Benchmark (not a test): the deadline sweep's due-finding query over 1,000,000 open cases.

    python bench/deadline_sweep.py

Creates a fresh PostgreSQL database beside ``BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``; the URL's database is only used to connect
for CREATE/DROP DATABASE), migrates it, loads the cases with COPY (about 1% due within
the warning window, some of those overdue; the rest due in 1–30 days), then runs the
sweep's own query (``core.db.case_queries.due_query``) 20 times and prints p50/p95 in
milliseconds, and EXPLAIN (ANALYZE, BUFFERS) of it. The database is dropped at the end.

Target: under 50 ms per sweep query.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core import alerts
from core.calendar import BusinessCalendar
from core.db import case_queries
from core.db.migrate import upgrade
from core.db.uow import Database
from core.policy import load_preset
from core.services import deadlines

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
DUE_SOON = 0.01
RUNS = 20
TARGET_MS = 50.0
NOW = datetime(2026, 11, 5, 7, 0, tzinfo=UTC)  # Thursday 15:00 in Shanghai, working hours
COLUMNS = ("number", "state", "customer_id", "channel", "severity", "escalation_level",
           "reopen_count", "description", "demand", "complainants", "triggers",
           "revisits_required", "revisits_done", "filed_at", "due_department_solution",
           "due_customer_answer", "due_whole_case", "next_due", "department", "version")


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _records(count: int, soon_until: datetime):
    """Rows for COPY: ~1% due between a day ago and the warning horizon, the rest later."""
    rng = random.Random(20261105)
    window = (soon_until - NOW + timedelta(days=1)).total_seconds()
    for serial in range(1, count + 1):
        if rng.random() < DUE_SOON:
            solution = NOW - timedelta(days=1) + timedelta(seconds=rng.uniform(0, window))
        else:
            solution = NOW + timedelta(days=1) + timedelta(seconds=rng.uniform(0, 29 * 86400))
        answer = solution + timedelta(days=2)
        whole = solution + timedelta(days=4)
        filed = solution - timedelta(days=3)
        yield (f"2611-{serial:07d}", "assigned", 1, "chat", "minor", 0, 0,
               "The milk was sour.", "exchange", 1, "[]", 1, 0, filed, solution, answer,
               whole, solution, "quality", 1)


async def _load(url: str, soon_until: datetime) -> float:
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(
            "INSERT INTO people (id, name, created_at) VALUES (1, 'bench', now())")
        started = time.perf_counter()
        batch: list[tuple] = []
        for record in _records(CASES, soon_until):
            batch.append(record)
            if len(batch) == 100_000:
                await connection.copy_records_to_table("cases", records=batch, columns=COLUMNS)
                batch.clear()
        if batch:
            await connection.copy_records_to_table("cases", records=batch, columns=COLUMNS)
        await connection.execute("VACUUM ANALYZE cases")
        return time.perf_counter() - started
    finally:
        await connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def _measure(db: Database, until: datetime) -> None:
    first_page: list[float] = []
    whole_pass: list[float] = []
    rows_due = 0
    async with db.sessions() as session:
        await session.execute(case_queries.due_query(until))  # warm the cache once
        for _ in range(RUNS):
            started = time.perf_counter()
            rows = (await session.execute(case_queries.due_query(until))).all()
            first_page.append((time.perf_counter() - started) * 1000)

            # Every page, as one sweep reads them (keyset on (next_due, id)).
            started, after, rows_due = time.perf_counter(), None, 0
            while True:
                rows = (await session.execute(case_queries.due_query(until, after))).all()
                rows_due += len(rows)
                if len(rows) < deadlines.PAGE:
                    break
                after = (rows[-1].next_due, rows[-1].id)
            whole_pass.append((time.perf_counter() - started) * 1000)

        plans = []
        for label, statement in (("first page", case_queries.due_query(until)),
                                 ("last page", case_queries.due_query(until, after))):
            sql = statement.compile(db.engine.sync_engine, compile_kwargs={"literal_binds": True})
            plan = (await session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}"))).scalars()
            plans.append(f"-- {label}\n" + "\n".join(plan))
        plan_text = "\n\n".join(plans)

    print(f"cases due by {until.isoformat()}: {rows_due} of {CASES}")
    print(f"one page ({deadlines.PAGE} rows), {RUNS} runs: "
          f"p50 {statistics.median(first_page):.2f} ms, p95 {_percentile(first_page, .95):.2f} ms")
    print(f"all {rows_due} due rows ({-(-rows_due // deadlines.PAGE)} pages), {RUNS} runs: "
          f"p50 {statistics.median(whole_pass):.2f} ms, p95 {_percentile(whole_pass, .95):.2f} ms")
    verdict = "OK" if _percentile(first_page, .95) < TARGET_MS else "OVER"
    print(f"target: one sweep query under {TARGET_MS:.0f} ms: {verdict}")
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the sweep query:")
    print(plan_text)
    if "Index" not in plan_text or "ix_cases_next_due" not in plan_text:
        print("WARNING: the plan does not use the index on next_due", file=sys.stderr)


async def main() -> int:
    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"cd_bench_{os.getpid()}"
    admin = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(base).set(drivername="postgresql+asyncpg", database=name) \
        .render_as_string(hide_password=False)
    try:
        await upgrade(url)
        policy = load_preset("000_generic")
        until = alerts.horizon(policy, BusinessCalendar.from_spec(policy.calendar), NOW)
        seconds = await _load(url, until)
        print(f"loaded {CASES} open cases with COPY in {seconds:.1f} s")
        db = Database(url)
        try:
            await _measure(db, until)
        finally:
            await db.dispose()
    finally:
        admin = await asyncpg.connect(_asyncpg_dsn(base))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
