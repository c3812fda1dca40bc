"""Benchmark (not a test): intake throughput of one bot process, beside a bare echo bot.

    python bench/intake_throughput.py [--updates 600] [--concurrency 32] [--rate 200]
                                      [--seconds 3] [--rounds 3]

For each bot — a bare aiogram echo bot; then on SQLite and on PostgreSQL
(``BENCH_POSTGRES_URL``, a database of its own, created and dropped) a durable echo bot
(``bench/durable_echo_bot.py``: records each update and commits before replying, the least
a bot that loses nothing must do) and the complaint desk — each run as its own process
(``complaint-desk run --webhook`` for the desk) and measured, against the same
in-process emulator (see ``bench/webhook_load.py``):

- throughput: ``--updates`` updates with ``--concurrency`` requests open (updates/s);
- reply latency at ``--rate`` updates/s offered for ``--seconds`` (p50 / p99);
- memory (RSS) of the process idle after start and after the load.

The durable echo and the desk run ``--rounds`` times in turn, each on a new database
(durable echo then desk, then desk then durable echo, …): a shared machine's speed drifts
by more than the difference measured, and a single pair taken minutes apart measures the
drift. The share is the median of the rounds' shares, each round printed; the p99 is of
every round's latencies together.

An update is a new customer's first words, the start of a complaint: the desk looks the
person up, stores the conversation, schedules the quiet-customer reminder and replies.
Everything runs twice, with and without uvloop and orjson (``pip install -e .[speedups]``;
without them installed only the second pass runs). The desk's own flood budget is lifted
(``FLOOD_OVERALL_PER_SECOND``; the emulator's limits are off), or every reply would wait
for its slot of Telegram's thirty a second and this would measure that. Goals: the desk
at >= 60% of the durable echo bot's throughput on the same database, p99 < 50 ms at 200
updates/s. Appends the figures to ``bench/results/intake_throughput.txt``.
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

from bench.webhook_load import (
    ROOT,
    Bench,
    Figures,
    admin_sql,
    free_port,
    median,
    rss_mb,
    write_results,
)

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
DESK = ["-m", "bot.cli", "run", "--webhook"]
ECHO = [str(ROOT / "bench" / "echo_bot.py")]
DURABLE_ECHO = [str(ROOT / "bench" / "durable_echo_bot.py")]
UNPACED = {"FLOOD_OVERALL_PER_SECOND": "10000"}
WITHOUT = str(ROOT / "bench" / "without_speedups.py")


async def measure(bench: Bench, name: str, argv: list[str], speedups: bool, args: argparse.Namespace,
                  log: Path, **env: str) -> tuple[Figures, Figures, float, float]:
    port = free_port()
    command = [sys.executable, *argv] if speedups else [sys.executable, WITHOUT, *argv]
    webhooks = len(bench.state.requests("setWebhook")) + (argv is DESK)
    pid = bench.start(command, port, log, **env)
    await bench.ready(port, webhooks)
    await bench.closed_loop([port], 100, args.concurrency)  # warm up: imports, pools, caches
    await asyncio.sleep(1.0)
    idle = rss_mb(pid)
    throughput = await bench.closed_loop([port], args.updates, args.concurrency)
    await asyncio.sleep(0.5)
    latency = await bench.open_loop([port], args.rate, args.seconds)
    loaded = rss_mb(pid)
    await bench.stop()
    print(f"  {name:<24} {throughput.line()}", flush=True)
    return throughput, latency, idle, loaded


def _speedups_installed() -> bool:
    try:
        import orjson  # noqa: F401
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


async def _database(kind: str, folder: Path, databases: list[str]) -> str:
    if kind == "SQLite":
        return f"sqlite+aiosqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
    name = f"cd_bench_intake_{uuid.uuid4().hex[:8]}"
    await admin_sql(POSTGRES, f'CREATE DATABASE "{name}"')
    databases.append(name)
    return POSTGRES.rsplit("/", 1)[0] + f"/{name}"


Measured = tuple[Figures, Figures, float, float]


def _lines(name: str, measured: Measured, share: str, rate: float) -> list[str]:
    throughput, latency, idle, loaded = measured
    return [f"  {name:<24} {throughput.line()}  = {share}",
            f"  {'':<24} at {rate:.0f}/s offered: p50 {latency.percentile(0.5):.1f} ms, p99 "
            f"{latency.percentile(0.99):.1f} ms ({latency.failed} failed); "
            f"RSS idle {idle:.0f} MB, loaded {loaded:.0f} MB"]


async def _kind(bench: Bench, kind: str, speedups: bool, args: argparse.Namespace, log: Path,
                folder: Path, databases: list[str], echo_rate: float) -> list[str]:
    """The durable echo and the desk on ``kind``, ``args.rounds`` times in turn."""
    lines: list[str] = []
    shares: list[float] = []
    desk_latencies: list[float] = []
    offered = failed = 0
    for round_ in range(1, args.rounds + 1):
        order = ("durable echo", "desk") if round_ % 2 else ("desk", "durable echo")
        measured: dict[str, Measured] = {}
        for bot in order:
            argv, env = (DESK, UNPACED) if bot == "desk" else (DURABLE_ECHO, {})
            measured[bot] = await measure(
                bench, f"{bot}, {kind} ({round_})", argv, speedups, args, log,
                DATABASE_URL=await _database(kind, folder, databases), **env)
        durable_rate, desk = measured["durable echo"][0].rate, measured["desk"]
        shares.append(100 * desk[0].rate / durable_rate)
        desk_latencies += desk[1].latencies
        offered += desk[1].updates
        failed += desk[1].failed
        for bot in ("durable echo", "desk"):
            share = f"{100 * measured[bot][0].rate / echo_rate:5.1f}% of echo"
            if bot == "desk":
                share += f", {shares[-1]:5.1f}% of durable echo"
            lines += _lines(f"{bot}, {kind} ({round_})", measured[bot], share, args.rate)
    pooled = Figures(offered, 1.0, desk_latencies, failed)  # read for its percentiles only
    lines.append(f"  desk, {kind}: {median(shares):.1f}% of the durable echo (median of "
                 f"{len(shares)} rounds: {', '.join(f'{s:.1f}' for s in shares)}); at "
                 f"{args.rate:.0f}/s offered, p99 {pooled.percentile(0.99):.1f} ms over "
                 f"all {offered} updates ({failed} failed)")
    return lines


async def main(args: argparse.Namespace) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    log = folder / "bots.log"
    lines = [f"{args.updates} updates, {args.concurrency} open requests; latency at "
             f"{args.rate:.0f} updates/s offered for {args.seconds:g} s; each bot its own "
             f"process; durable echo and desk in turn, {args.rounds} rounds"]
    bench = await Bench.create()
    databases: list[str] = []
    try:
        for speedups in (True, False) if _speedups_installed() else (False,):
            label = "with uvloop+orjson" if speedups else "without (asyncio loop, json)"
            print(label, flush=True)
            echo = await measure(bench, "echo bot", ECHO, speedups, args, log)
            lines.append(f"{label}:")
            lines += _lines("echo bot", echo, "100.0% of echo", args.rate)
            for kind in ("SQLite", "PostgreSQL"):
                lines += await _kind(bench, kind, speedups, args, log, folder, databases,
                                     echo[0].rate)
    finally:
        await bench.close()
        for database in folder.glob("*.db*"):  # the bots' log stays
            database.unlink()
        for name in databases:
            await admin_sql(POSTGRES, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    lines.append(f"machine: {os.cpu_count()} cores, shared with other work while measured")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=3.0, help="of offered load")
    parser.add_argument("--rounds", type=int, default=3,
                        help="of the durable echo and the desk in turn")
    arguments = parser.parse_args()
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    command = (f"python bench/intake_throughput.py --updates {arguments.updates} "
               f"--concurrency {arguments.concurrency} --rate {arguments.rate:.0f} "
               f"--seconds {arguments.seconds:g} --rounds {arguments.rounds}")
    print(write_results("intake_throughput", command, asyncio.run(main(arguments))))
