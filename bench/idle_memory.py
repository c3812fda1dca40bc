"""Benchmark (not a test): one instance's memory when idle.

    python bench/idle_memory.py [--updates 100] [--fleet]

Starts ``complaint-desk run --webhook`` on a SQLite database already at the head
revision (as every restart finds it; a fleet migrates once before it starts) with the
demo world, against the emulator — or, with ``--fleet``, as a fleet's instance runs: on
PostgreSQL (``BENCH_POSTGRES_URL``, a database of its own) with Redis (``BENCH_REDIS_URL``)
for conversations, locks and the flood budget; reads its
resident memory (``VmRSS``) once it is ready, then has ``--updates`` customers write their
first words, waits until the process is quiet and reads it again. Goal: under 120 MB
idle. Appends the figures to ``bench/results/idle_memory.txt``.
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

from bench.webhook_load import Bench, admin_sql, free_port, rss_mb, write_results
from core.db.migrate import upgrade

QUIET = 5.0  # seconds after the last reply before the second reading
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


async def main(updates: int, fleet: bool) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-idle-"))
    bench = await Bench.create(customers=max(updates, 1))
    name = f"cd_bench_idle_{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{folder}/desk.db"}
    if fleet:
        await admin_sql(POSTGRES, f'CREATE DATABASE "{name}"')
        env = {"DATABASE_URL": POSTGRES.rsplit("/", 1)[0] + f"/{name}", "REDIS_URL": REDIS}
    try:
        port = free_port()
        await upgrade(env["DATABASE_URL"])
        pid = bench.start([sys.executable, "-m", "bot.cli", "run", "--webhook"], port,
                          folder / "bot.log", **env)
        await bench.ready(port, 1)
        await asyncio.sleep(QUIET)
        started = rss_mb(pid)
        figures = await bench.closed_loop([port], updates, 4)
        await asyncio.sleep(QUIET)
        idle = rss_mb(pid)
    finally:
        await bench.close()
        if fleet:
            await admin_sql(POSTGRES, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    kind = "PostgreSQL and Redis" if fleet else "SQLite"
    return [f"webhook mode, {kind}: {started:.1f} MB once ready, {idle:.1f} MB idle after "
            f"{updates} updates ({figures.failed} failed); goal < 120 MB"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100)
    parser.add_argument("--fleet", action="store_true",
                        help="PostgreSQL and Redis, as a fleet's instance")
    arguments = parser.parse_args()
    lines = asyncio.run(main(arguments.updates, arguments.fleet))
    fleet = " --fleet" if arguments.fleet else ""
    print(write_results("idle_memory", f"python bench/idle_memory.py --updates "
                        f"{arguments.updates}{fleet}", lines))
