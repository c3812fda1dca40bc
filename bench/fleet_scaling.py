"""Benchmark (not a test): 1, 2 and 3 webhook instances on one PostgreSQL and one Redis.

    python bench/fleet_scaling.py [--updates 600] [--concurrency 48]

Starts ``complaint-desk run --webhook`` instances (migrations once beforehand, as a fleet
deploy does; ``BENCH_POSTGRES_URL`` names the server, a database of its own is created
and dropped; ``BENCH_REDIS_URL``, default Redis database 14, holds conversations and the
per-person locks), spreads the updates over them round robin (as a load balancer would)
and prints updates/s and reply latency for each size. The same update kind as
``bench/intake_throughput.py``. On a 2-core machine the instances and PostgreSQL share
the cores, so the figures show the fleet's overhead more than its headroom. Appends the
figures to ``bench/results/fleet_scaling.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.webhook_load import Bench, admin_sql, free_port, write_results
from core.db.migrate import upgrade

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


async def main(args: argparse.Namespace) -> list[str]:
    log = Path(tempfile.mkdtemp(prefix="bench-fleet-")) / "bots.log"
    lines = [f"{args.updates} updates, {args.concurrency} open requests spread round robin"]
    name = f"cd_bench_fleet_{uuid.uuid4().hex[:8]}"
    await admin_sql(POSTGRES, f'CREATE DATABASE "{name}"')
    database_url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    bench = await Bench.create()
    try:
        await upgrade(database_url)
        base = None
        for size in (1, 2, 3):
            ports = [free_port() for _ in range(size)]
            for port in ports:
                bench.start([sys.executable, "-m", "bot.cli", "run", "--webhook"], port, log,
                            DATABASE_URL=database_url, REDIS_URL=REDIS,
                            MIGRATE_ON_START="false")
            seen = len(bench.state.requests("setWebhook"))
            for port in ports:
                await bench.ready(port, seen)
            await bench.closed_loop(ports, 60 * size, args.concurrency)  # warm up
            figures = await bench.closed_loop(ports, args.updates, args.concurrency)
            base = base or figures.rate
            line = (f"{size} instance(s): {figures.line()}  = "
                    f"{figures.rate / base:.2f}x one instance")
            print(line, flush=True)
            lines.append(line)
            await bench.stop()
    finally:
        await bench.close()
        await admin_sql(POSTGRES, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    lines.append(f"machine: {os.cpu_count()} cores shared by the instances, PostgreSQL, Redis, "
                 "the emulator and the load (and other work while measured)")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=48)
    arguments = parser.parse_args()
    command = (f"python bench/fleet_scaling.py --updates {arguments.updates} "
               f"--concurrency {arguments.concurrency}")
    print(write_results("fleet_scaling", command, asyncio.run(main(arguments))))
