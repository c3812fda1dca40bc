"""Benchmark (not a test): one instance's memory when idle.

    python bench/idle_memory.py [--updates 100]

Starts ``complaint-desk run --webhook`` on a SQLite database already at the head
revision (as every restart finds it; a fleet migrates once before it starts) with the
demo world, against the emulator; reads its
resident memory (``VmRSS``) once it is ready, then has ``--updates`` customers write their
first words, waits until the process is quiet and reads it again. Goal: under 120 MB
idle. Appends the figures to ``bench/results/idle_memory.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.webhook_load import Bench, free_port, rss_mb, write_results
from core.db.migrate import upgrade

QUIET = 5.0  # seconds after the last reply before the second reading


async def main(updates: int) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-idle-"))
    bench = await Bench.create(customers=max(updates, 1))
    try:
        port = free_port()
        url = f"sqlite+aiosqlite:///{folder}/desk.db"
        await upgrade(url)
        pid = bench.start([sys.executable, "-m", "bot.cli", "run", "--webhook"], port,
                          folder / "bot.log", DATABASE_URL=url)
        await bench.ready(port, 1)
        await asyncio.sleep(QUIET)
        started = rss_mb(pid)
        figures = await bench.closed_loop([port], updates, 4)
        await asyncio.sleep(QUIET)
        idle = rss_mb(pid)
    finally:
        await bench.close()
    return [f"webhook mode, SQLite: {started:.1f} MB once ready, {idle:.1f} MB idle after "
            f"{updates} updates ({figures.failed} failed); goal < 120 MB"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100)
    arguments = parser.parse_args()
    lines = asyncio.run(main(arguments.updates))
    print(write_results("idle_memory", f"python bench/idle_memory.py --updates "
                        f"{arguments.updates}", lines))
