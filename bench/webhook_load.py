"""Shared by the webhook benchmarks: an emulator, bot processes, and Telegram's side of the
webhook played by the benchmark itself.

The emulator's own webhook delivery sends one update at a time (it is built to check
order and retries, not speed); real Telegram keeps up to ``max_connections`` requests
open at once. So once a bot has started, the benchmark stops the emulator's delivery,
makes each update in the emulator (a customer writes, so the chat and message are real)
and posts it to the bot itself, many at a time. Replies still go to the emulator.

Reply latency is the webhook request's round trip: the bot answers only after handling
(the reply sent to the emulator included), so it is the time from Telegram handing over an
update to the customer's reply being accepted.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from datetime import UTC  # noqa: E402

from sandbox.emulator.server import Emulator, start_emulator  # noqa: E402
from sandbox.emulator.webhook import stop_webhook  # noqa: E402

TOKEN = "777000:BENCH-WEBHOOK"
SECRET = "bench-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Figures:
    updates: int
    seconds: float
    latencies: list[float]
    failed: int

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def percentile(self, share: float) -> float:
        """In ms; NaN when every request failed (there is no latency to tell)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def line(self) -> str:
        return (f"{self.rate:7.1f} updates/s  p50 {self.percentile(0.5):6.1f} ms  "
                f"p99 {self.percentile(0.99):6.1f} ms  ({self.updates} updates, "
                f"{self.failed} failed)")


class Bench:
    """The emulator with customers, and the bot processes it serves."""

    def __init__(self, emulator: Emulator, customers: int) -> None:
        self.emulator = emulator
        self.state = emulator.state
        self.next_customer = 0
        self.customers = customers
        self.processes: list[subprocess.Popen[bytes]] = []
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=60))

    @classmethod
    async def create(cls, customers: int = 20000, max_request_log: int = 1000,
                     started: bool = False) -> Bench:
        """``started``: the customers have a chat with the bot already (notices can reach
        them before they write)."""
        emulator = await start_emulator(token=TOKEN, max_request_log=max_request_log)
        for index in range(customers):
            emulator.state.create_user(f"c{index}", id=2_000_000 + index, language_code="en",
                                       started=started)
        return cls(emulator, customers)

    def start(self, command: list[str], port: int, log: Path, **env: str) -> int:
        environment = dict(os.environ, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=self.emulator.base_url,
                           WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_SECRET=SECRET,
                           WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port),
                           CONFIG_FILE=str(ROOT / "sandbox" / "demo_organisation.toml"),
                           LOG_LEVEL="WARNING", **env)
        with log.open("ab") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out,
                                       stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process.pid

    async def ready(self, port: int, webhooks_set: int = 0, timeout: float = 60.0) -> None:
        """Listening, and (a complaint desk) done setting its webhook: ``webhooks_set``
        setWebhook calls seen so far in this run."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                async with self.session.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200 and \
                            len(self.state.requests("setWebhook")) >= webhooks_set:
                        stop_webhook(self.state.primary_bot())  # we deliver from here on
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError(f"no bot listening on port {port}; see bench/results/*.log")

    def _update(self) -> dict[str, Any]:
        """A new customer's first words: the start of a complaint (one reply)."""
        user_id = 2_000_000 + self.next_customer % self.customers
        self.next_customer += 1
        self.state.send_text(user_id, "The parcel arrived with the lid broken open.")
        return self.state.primary_bot().updates.popleft()

    async def _post(self, port: int, update: dict[str, Any]) -> float | None:
        started = time.perf_counter()
        try:
            async with self.session.post(f"http://127.0.0.1:{port}/hook", json=update,
                                         headers={HEADER: SECRET}) as response:
                await response.read()
                ok = response.status == 200
        except (TimeoutError, aiohttp.ClientError):
            ok = False
        return time.perf_counter() - started if ok else None

    async def closed_loop(self, ports: list[int], updates: int, concurrency: int) -> Figures:
        """As fast as the bots go: ``concurrency`` requests open at any time."""
        latencies: list[float] = []
        failed = 0
        remaining = iter(range(updates))

        async def worker(offset: int) -> None:
            nonlocal failed
            for index in remaining:
                took = await self._post(ports[(index + offset) % len(ports)], self._update())
                if took is None:
                    failed += 1
                else:
                    latencies.append(took)

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        return Figures(updates, time.perf_counter() - started, latencies, failed)

    async def open_loop(self, ports: list[int], rate: float, seconds: float) -> Figures:
        """Offered load: an update every 1/rate s whether or not earlier ones are done."""
        count = int(rate * seconds)
        start = time.perf_counter()
        tasks = []
        for index in range(count):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self._post(ports[index % len(ports)],
                                                        self._update())))
        results = await asyncio.gather(*tasks)
        took = [r for r in results if r is not None]
        return Figures(count, time.perf_counter() - start, took, count - len(took))

    async def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    async def close(self) -> None:
        await self.stop()
        await self.session.close()
        await self.emulator.close()


async def admin_sql(url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(plain.render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def write_results(name: str, command: str, lines: list[str]) -> str:
    from datetime import datetime

    report = "\n".join([f"command: {command}", *lines])
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / f"{name}.txt").open("a", encoding="utf-8") as out:
        out.write(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n{report}\n\n")
    return report


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
