"""Benchmark (not a test): a fleet's outbox under one bot's flood limits.

    python bench/fleet_delivery.py [--instances 3] [--notices 3000] [--chats 600]

Starts ``--instances`` ``complaint-desk run --webhook`` processes on one PostgreSQL
(``BENCH_POSTGRES_URL``; a database of its own is created and dropped) and one Redis
(``BENCH_REDIS_URL``, default database 14), queues ``--notices`` notices (ninety-nine in a
hundred to customers spread over ``--chats`` private chats, the rest to the demo world's
three department groups) and lets the instances' senders deliver them, together, to the
emulator with Telegram's flood limits on (3 in any 3 s per private chat, 20 a minute per
group, 30 a second overall — for the bot, not for each process). Prints one line:

    fleet delivery: 3 instances, X/s = P% of the allowed rate, lost L, duplicated D,
    429 answers Q

Goal: P >= 95, L = D = Q = 0. Appends it to ``bench/results/fleet_delivery.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.outbox_delivery import queue_notices
from bench.webhook_load import Bench, admin_sql, free_port, write_results
from bot.delivery.wakeups import CHANNEL
from core.db.migrate import upgrade
from core.db.models import NotificationRow
from core.db.outbox import OutboxQueue
from core.db.uow import Database

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
OVERALL_PER_SECOND = 30.0
GROUP_PER_MINUTE = 20.0
GROUPS = {"quality": -1000000000201, "warehouse": -1000000000202, "sales": -1000000000203}
FIRST_CUSTOMER = 2_000_000  # bench.webhook_load's customers


@dataclass
class Delivery:
    instances: int
    notices: int
    seconds: float
    floor: float  # the fastest the flood limits allow
    lost: int
    duplicated: int
    flood: int  # 429 answers

    def line(self) -> str:
        return (f"fleet delivery: {self.instances} instances, "
                f"{self.notices / self.seconds:.1f}/s = "
                f"{100 * self.floor / self.seconds:.1f}% of the allowed rate, "
                f"lost {self.lost}, duplicated {self.duplicated}, 429 answers {self.flood}")


async def deliver(instances: int, notices: int, chats: int, postgres: str, redis: str,
                  log: Path) -> Delivery:
    name = f"cd_bench_fleet_delivery_{uuid.uuid4().hex[:8]}"
    await admin_sql(postgres, f'CREATE DATABASE "{name}"')
    database_url = postgres.rsplit("/", 1)[0] + f"/{name}"
    if database_url.startswith("postgresql://"):
        database_url = database_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    bench = await Bench.create(customers=chats, max_request_log=4 * notices + 1000,
                               started=True)
    db = Database(database_url)
    try:
        await upgrade(database_url)
        for code, chat_id in GROUPS.items():
            bench.state.create_group(code, id=chat_id)
        ports = [free_port() for _ in range(instances)]
        for port in ports:
            bench.start([sys.executable, "-m", "bot.cli", "run", "--webhook"], port, log,
                        DATABASE_URL=database_url, REDIS_URL=redis, MIGRATE_ON_START="false")
        for port in ports:
            await bench.ready(port, instances)
        bench.state.set_flood_limits(True)
        before = len(bench.state.request_log)
        expected = await queue_notices(db, notices, chats, list(GROUPS.items()),
                                       group_every=100, first_customer=FIRST_CUSTOMER,
                                       key="fleet")
        await _wake_every_instance(redis)
        queue = OutboxQueue(db)
        while True:
            await asyncio.sleep(1)
            counts = await queue.counts()
            if not counts.get("pending") and not counts.get("sending"):
                break
        async with db.sessions() as session:
            first, last = (await session.execute(select(
                func.min(NotificationRow.created_at), func.max(NotificationRow.sent_at)))).one()
        delivered = Counter({chat: len(bench.state.bot_messages(chat)) for chat in expected})
        flood = sum(1 for request in list(bench.state.request_log)[before:]
                    if request.get("error_code") == 429)
    finally:
        await bench.close()
        await db.dispose()
        await admin_sql(postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    group_notices = sum(count for chat, count in expected.items() if chat < 0)
    floor = max(notices / OVERALL_PER_SECOND,
                group_notices / (len(GROUPS) * GROUP_PER_MINUTE / 60))
    return Delivery(
        instances, notices, (last - first).total_seconds(), floor,
        lost=sum(max(0, expected[c] - delivered[c]) for c in expected),
        duplicated=sum(max(0, delivered[c] - expected[c]) for c in expected), flood=flood)


async def _wake_every_instance(redis_url: str) -> None:
    """As a committing instance does (``bot.delivery.wakeups``): no one waits for its look."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        await client.publish(CHANNEL, "bench")
    finally:
        await client.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--notices", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=600)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-fleet-delivery-"))
    result = asyncio.run(deliver(args.instances, args.notices, args.chats, POSTGRES, REDIS,
                                 folder / "bots.log"))
    command = (f"python bench/fleet_delivery.py --instances {args.instances} "
               f"--notices {args.notices} --chats {args.chats}")
    print(write_results("fleet_delivery", command, [result.line()]))
    print(f"(the instances' log: {folder / 'bots.log'})")
