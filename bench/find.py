"""Benchmark (not a test): the supervisor's /find over many cases, SQLite and PostgreSQL.

    python bench/find.py                      # both databases
    BENCH_ONLY=sqlite python bench/find.py    # or postgres

Each database is new: migrated to 0012 (before the search indexes), filled in bulk (not
through the services: COPY on PostgreSQL, executemany on SQLite) with
``BENCH_CASES_POSTGRES`` (default 1,000,000) / ``BENCH_CASES_SQLITE`` (default 100,000)
cases of mixed Chinese and English complaints, one customer per two cases, then
migrated to head, which builds the indexes over what is there (timed: it is what an
existing desk pays once). Then ``QUERIES`` /find-style searches run through the service
(``supervision_queries.find``: count and first page, in one read transaction):

- phone: the last 8-11 digits of a case's contact phone or a customer's phone (a tenth
  unknown);
- Chinese: a phrase (3+ characters) from a random case's description, or 3 of its
  characters;
- English: a word or two (4+ letters) from a random case's description or product.

Printed: p50/p95 per kind and over all, the plan of one query of each kind, and
separately two-character Chinese words, which no trigram index can look up (they scan;
not part of the target). ``BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) names the server; the bench creates and
drops its own database. Target: p95 < 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from core.db import case_queries
from core.db.migrate import upgrade
from core.db.models import CaseRow, PersonRow, table_of
from core.db.uow import Database
from core.services import supervision_queries as desk

QUERIES = int(os.environ.get("BENCH_QUERIES", "300"))
SHORT_QUERIES = 20
TARGET_MS = 50.0
START = datetime(2025, 1, 1, tzinfo=UTC)
COLUMNS = ("id", "number", "state", "customer_id", "channel", "severity", "escalation_level",
           "reopen_count", "description", "demand", "demand_text", "contact_name",
           "contact_phone", "product", "place", "complainants", "triggers",
           "revisits_required", "revisits_done", "filed_at", "version")
# Common characters of complaints, shuffled into words: a realistic spread of trigrams.
HANZI = ("牛奶酸味包装破损过期异物漏液变质发霉服务态度差退款送货延迟门店员工收银找零价格标签"
         "不符质量问题孩子喝了肚子疼瓶盖松动生产日期模糊外卖洒出冷冻食品解冻面包硬蛋糕奶油"
         "苹果烂了蔬菜不新鲜鸡蛋碎会员积分优惠券无法使用排队时间太长空调停车场地面湿滑摔倒"
         "投诉电话没人接听快递丢失换货维修保修发票少找钱重复扣款账单错误客服承诺没有兑现")
ENGLISH = str.split("milk sour smell package broken expired foreign object leaking rotten mould staff "
           "rude refund delivery late store cashier change price label wrong quality child "
           "stomach bottle loose date unreadable takeaway spilled frozen thawed bread stale "
           "cream apples vegetables eggs cracked member points coupon queue waiting parking "
           "floor slippery fell phone nobody answered courier lost exchange repair warranty "
           "invoice missing charged twice bill promise")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _words(rng: random.Random) -> tuple[list[str], list[str]]:
    chinese = ["".join(rng.choices(HANZI, k=rng.choice((2, 2, 3, 4)))) for _ in range(3000)]
    brands = ["".join(rng.choices("bcdfghklmnprstvz", k=1) + rng.choices("aeiou", k=1)
                      + rng.choices("bcdfghklmnprstvz", k=1) + rng.choices("aeiou", k=1)
                      + rng.choices("nrsx", k=1)).title() for _ in range(2000)]
    return chinese, ENGLISH + brands


def _phone(rng: random.Random) -> str:
    return f"+861{rng.randrange(3, 9)}{rng.randrange(10**9):09d}"


def _rows(cases: int) -> Iterator[tuple[dict[str, object], dict[str, object] | None]]:
    """(case, its new customer or None), deterministic: the same data every run."""
    rng = random.Random(20261206)
    chinese, english = _words(rng)
    for serial in range(1, cases + 1):
        customer_id = (serial + 1) // 2
        person = None
        if serial % 2:
            person = {"id": customer_id, "name": None, "created_at": START,
                      "phone": _phone(rng) if rng.random() < 0.6 else None}
        if rng.random() < 0.6:
            description = "，".join(rng.choices(chinese, k=rng.randrange(3, 9))) + "。"
            product, name = rng.choice(chinese), rng.choice(SURNAMES) + rng.choice(chinese)[:2]
        else:
            description = " ".join(rng.choices(english, k=rng.randrange(5, 14))).capitalize()
            product, name = rng.choice(english[len(ENGLISH):]), rng.choice(english).title()
        yield {"id": serial, "number": f"{2501 + serial // 100_000_000}-{serial:07d}",
               "state": "assigned", "customer_id": customer_id, "channel": "chat",
               "severity": "minor", "escalation_level": 0, "reopen_count": 0,
               "description": description, "demand": "refund",
               "demand_text": None if rng.random() < 0.8 else rng.choice(english),
               "contact_name": name,
               "contact_phone": _phone(rng) if rng.random() < 0.7 else None,
               "product": product, "place": f"Store {rng.randrange(1, 400)}",
               "complainants": 1, "triggers": [], "revisits_required": 1,
               "revisits_done": 0, "filed_at": START + timedelta(seconds=serial * 30),
               "version": 1}, person


def _queries(rng: random.Random, sample: list[dict[str, object]], phones: list[str]
             ) -> list[tuple[str, str]]:
    queries = []
    for index in range(QUERIES):
        kind = ("phone", "chinese", "english")[index % 3]
        while True:
            case = rng.choice(sample)
            words = str(case["description"])
            if kind == "phone":
                phone = rng.choice(phones)
                query = (phone[-rng.randrange(8, 12):] if rng.random() < 0.9
                         else f"{rng.randrange(10**10):010d}")
            elif kind == "chinese" and not words.isascii():
                # A phrase as written (people do not type the commas between phrases),
                # or three characters of it.
                phrase = rng.choice(words.strip("。").split("，"))
                start = rng.randrange(max(1, len(phrase) - 2))
                query = phrase if rng.random() < 0.5 else phrase[start:start + 3]
            elif kind == "english" and words.isascii():
                pool = [w for w in [*words.split(), str(case["product"])] if len(w) >= 4]
                take = rng.randrange(1, 3)
                start = rng.randrange(max(1, len(pool) - take + 1))
                query = " ".join(pool[start:start + take])
            else:
                continue
            if len(query) >= 3:
                break
        queries.append((kind, query))
    return queries


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _figures(label: str, values: list[float]) -> str:
    return (f"  {label:<24} n={len(values):<4} p50 {statistics.median(values):7.2f} ms  "
            f"p95 {_percentile(values, .95):7.2f} ms  max {max(values):7.2f} ms")


async def _measure(name: str, url: str, cases: int, sample: list[dict[str, object]],
                   phones: list[str]) -> None:
    rng = random.Random(7)
    queries = _queries(rng, sample, phones)
    short = []
    for _ in range(SHORT_QUERIES):
        words = next(str(c["description"]) for c in iter(lambda: rng.choice(sample), None)
                     if not str(c["description"]).isascii())
        short.append(("chinese, 2 characters", rng.choice(words.strip("。").split("，"))[:2]))
    db = Database(url)
    timings: dict[str, list[float]] = {}
    found_total, slowest = 0, []
    try:
        for _, query in queries[:10]:  # warm the cache and the prepared statements
            await desk.find(db, query)
        for kind, query in queries + short:
            started = time.perf_counter()
            _, total = await desk.find(db, query)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            found_total += total
            if "2 char" not in kind:
                slowest.append((timings[kind][-1], query, total))
        indexed = [ms for kind, values in timings.items() if "2 char" not in kind
                   for ms in values]
        p95 = _percentile(indexed, .95)
        print(f"\n{name}: {cases:,} cases, {len(queries)} queries "
              f"(+{len(short)} two-character ones); {found_total:,} matches in all")
        for kind, values in timings.items():
            print(_figures(kind, values))
        print(_figures("all but 2 characters", indexed))
        print(f"  target p95 < {TARGET_MS:.0f} ms: {'OK' if p95 < TARGET_MS else 'OVER'}")
        print("  slowest: " + "; ".join(f"«{query}» {ms:.0f} ms, {total:,} found"
                                        for ms, query, total in sorted(slowest)[-5:]))
        await _plans(name, db, [next(q for k, q in queries if k == kind)
                                for kind in ("phone", "chinese", "english")])
    finally:
        await db.dispose()


async def _plans(name: str, db: Database, queries: list[str]) -> None:
    explain = "EXPLAIN (ANALYZE, COSTS OFF) " if name == "postgresql" else "EXPLAIN QUERY PLAN "
    async with db.sessions() as session:
        for query in queries:
            statement = case_queries.search_query(query, name).order_by(
                CaseRow.filed_at.desc()).limit(20)
            sql = statement.compile(db.engine.sync_engine,
                                    compile_kwargs={"literal_binds": True})
            rows = (await session.execute(text(f"{explain}{sql}"))).all()
            plan = "\n    ".join(" ".join(str(v) for v in row) for row in rows)
            print(f"  plan of «{query}»:\n    {plan}")


async def _fill_postgres(url: str, cases: int) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        batch: list[tuple[object, ...]] = []
        people: list[tuple[object, ...]] = []
        for case, person in _rows(cases):
            if person:
                people.append((person["id"], person["phone"], person["created_at"]))
            batch.append(tuple("[]" if c == "triggers" else case[c] for c in COLUMNS))
            if len(batch) == 50_000:
                await connection.copy_records_to_table(
                    "people", records=people, columns=("id", "phone", "created_at"))
                await connection.copy_records_to_table("cases", records=batch, columns=COLUMNS)
                batch.clear()
                people.clear()
        if people:
            await connection.copy_records_to_table(
                "people", records=people, columns=("id", "phone", "created_at"))
        if batch:
            await connection.copy_records_to_table("cases", records=batch, columns=COLUMNS)
    finally:
        await connection.close()


async def _fill_sqlite(url: str, cases: int) -> None:
    db = Database(url)
    try:
        cases_table, people_table = table_of(CaseRow), table_of(PersonRow)
        async with db.engine.begin() as connection:
            batch: list[dict[str, object]] = []
            people: list[dict[str, object]] = []
            for case, person in _rows(cases):
                if person:
                    people.append(person)
                batch.append(case)
                if len(batch) == 20_000:
                    await connection.execute(insert(people_table), people)
                    await connection.execute(insert(cases_table), batch)
                    batch.clear()
                    people.clear()
            if people:
                await connection.execute(insert(people_table), people)
            if batch:
                await connection.execute(insert(cases_table), batch)
    finally:
        await db.dispose()


async def _run(name: str, url: str, cases: int) -> None:
    started = time.perf_counter()
    await upgrade(url, "0012")
    await (_fill_postgres if name == "postgresql" else _fill_sqlite)(url, cases)
    filled = time.perf_counter()
    if name == "postgresql":
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("VACUUM ANALYZE")
        finally:
            await connection.close()
    await upgrade(url)  # migration 0013 builds the search indexes over the cases there
    indexed = time.perf_counter()
    print(f"\n{name}: filled {cases:,} cases in {filled - started:.1f} s; migration 0013 "
          f"(building the search indexes) took {indexed - filled:.1f} s")
    sample, phones = [], []
    for case, person in _rows(min(cases, 20_000)):  # the same rows, regenerated
        sample.append(case)
        phones += [p for p in (case["contact_phone"], person and person["phone"]) if p]
    await _measure(name, url, cases, sample, [str(p) for p in phones])


async def main() -> int:
    only = os.environ.get("BENCH_ONLY")
    if only in (None, "", "sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            await _run("sqlite", f"sqlite+aiosqlite:///{folder}/find.db",
                       int(os.environ.get("BENCH_CASES_SQLITE", "100000")))
    if only in (None, "", "postgres"):
        base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
        admin_dsn = make_url(base).set(drivername="postgresql").render_as_string(
            hide_password=False)
        name = f"cd_bench_find_{os.getpid()}"
        admin = await asyncpg.connect(admin_dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        try:
            url = make_url(base).set(drivername="postgresql+asyncpg", database=name)
            await _run("postgresql", url.render_as_string(hide_password=False),
                       int(os.environ.get("BENCH_CASES_POSTGRES", "1000000")))
        finally:
            admin = await asyncpg.connect(admin_dsn)
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
