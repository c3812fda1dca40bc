"""Benchmark (not a test): exactly once, as people see it, through kills, an outage and
429 storms.

    python bench/soak.py [--database sqlite|postgres] [--customers 40] [--kills 3]
                         [--outage 60] [--storms 3]

Starts ``complaint-desk run`` (polling) against the in-process Bot API emulator with
Telegram's flood limits on. ``--customers`` customers file a complaint each, at once,
pressing each button when it appears and never typing anything twice. Meanwhile the bot
is killed with SIGKILL ``--kills`` times at random moments and started again, Telegram is
down for ``--outage`` seconds, and ``--storms`` times the next few sendMessage calls are
refused with 429. PostgreSQL: ``BENCH_POSTGRES_URL`` names the server (a database of its
own is created and dropped).

Prints, and appends to ``bench/results/soak.txt``: duplicate cases, lost and doubled
confirmations, updates left unhandled, 429s of the bot's own making (answered by the flood
limits, not injected), customers stuck (a step that never came: they would have to retype
or /start), and the bot's messages said twice in a row (a kill after Telegram took a
message but before the bot recorded it; the Bot API gives no way to close that window).

Goal: 0 duplicate cases, 0 lost confirmations, 0 unhandled updates, 0 self-inflicted 429s,
0 customers stuck.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.webhook_load import admin_sql, write_results
from core.clock import OffsetClock
from core.db.migrate import upgrade
from core.db.models import CaseRow, NotificationRow, PersonRow, ProcessedUpdateRow
from core.db.uow import Database
from sandbox.emulator.server import start_emulator
from sandbox.script import ScriptError, press
from sandbox.world import populate

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "777001:SOAK"
START = datetime.fromisoformat("2026-11-03T10:00:00+08:00")  # a working Tuesday morning
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
FILED = "Thank you. Your complaint is registered as case "
STEPS = ["✅ That's everything", "Documents or invoice", "Skip", "Earlier this week",
         "An explanation", "📱 Share my phone number", "✅ Yes, that's right"]
FIRST_ID = 8001


class Bot:
    """The bot process, started and killed as the soak needs."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


async def _until(predicate: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.1)
    return result


async def customer(state: Any, user_id: int, step_timeout: float) -> str | None:
    """One whole intake; None when it went through, else the step that never came."""
    state.send_text(user_id, f"Invoice {user_id} charges me twice for one order.")
    for label in STEPS:
        try:
            await press(state, user_id, user_id, label, wait=step_timeout)
        except ScriptError:
            return label
    filed = await _until(lambda: any(m.get("text", "").startswith(FILED)
                                     for m in state.bot_messages(user_id)), step_timeout)
    return None if filed else "the case number"


async def chaos(state: Any, bot: Bot, args: argparse.Namespace, rng: random.Random,
                injected: list[int]) -> None:
    """Kills, one outage and 429 storms at random moments while the customers file."""
    events = ["kill"] * args.kills + ["storm"] * args.storms + (["outage"] if args.outage else [])
    rng.shuffle(events)
    for event in events:
        await asyncio.sleep(rng.uniform(1.0, 4.0))
        if event == "kill":
            bot.kill()
            await asyncio.sleep(rng.uniform(0.0, 1.0))
            bot.start()
        elif event == "storm":
            count = rng.randint(3, 8)
            state.fail_next("sendMessage", count, code=429, retry_after=rng.randint(1, 3))
            injected.append(count)
        else:
            state.start_outage(args.outage)
            await asyncio.sleep(args.outage)


async def settled(db: Database, timeout: float) -> dict[str, int]:
    """The outbox once nothing is left to send (or at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        async with db.sessions() as session:
            counts = dict((await session.execute(
                select(NotificationRow.status, func.count()).group_by(NotificationRow.status)
            )).all())
        if set(counts) <= {"sent", "unreachable", "failed"} or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.5)


async def measure(state: Any, db: Database, customers: range, stuck: list[str | None],
                  injected: list[int]) -> list[str]:
    async with db.sessions() as session:
        cases = Counter((await session.execute(
            select(PersonRow.telegram_id).join(CaseRow, CaseRow.customer_id == PersonRow.id)
        )).scalars())
        unhandled = (await session.execute(select(func.count()).select_from(ProcessedUpdateRow)
                                           .where(ProcessedUpdateRow.finished_at.is_(None))
                                           )).scalar_one()
    confirmations = {user_id: sum(1 for m in state.bot_messages(user_id)
                                  if m.get("text", "").startswith(FILED))
                     for user_id in customers}
    doubled = 0
    for user_id in customers:
        texts = [m.get("text", "") for m in state.bot_messages(user_id)]
        twice = [a for a, b in itertools.pairwise(texts) if a and a == b]
        doubled += len(twice)
        for text in twice:  # to read against the bot's log
            print(f"--- said twice to {user_id}: {text[:90]!r}")
    refusals = [entry for entry in state.requests() if entry.get("error_code") == 429]
    unconsumed = sum(fault.remaining for fault in state.limits.faults if fault.code == 429)
    own_429 = len(refusals) - (sum(injected) - unconsumed)
    where = Counter(f"{entry['method']} to a {'group' if _chat(entry) < 0 else 'private chat'}"
                    for entry in refusals)
    _explain_refusals(state, refusals)
    for user_id, step in zip(customers, stuck, strict=True):
        if step:  # what the stuck customer saw, to read against the bot's log
            print(f"--- {user_id}, stuck before {step!r}:", *(
                f"  {'bot' if m['from'].get('is_bot') else 'customer'}: "
                f"{(m.get('text') or m.get('caption') or '<media>')[:90]!r}"
                for m in state.transcript(user_id)[-6:]), sep="\n")
    return [
        f"customers: {len(customers)}; stuck: {sum(1 for s in stuck if s)}"
        + (f" (at {Counter(s for s in stuck if s).most_common()})" if any(stuck) else ""),
        f"duplicate cases: {sum(n - 1 for n in cases.values() if n > 1)}; "
        f"customers without a case: {sum(1 for c in customers if not cases[c])}",
        f"lost confirmations: {sum(1 for n in confirmations.values() if n == 0)}; "
        f"doubled confirmations: {sum(1 for n in confirmations.values() if n > 1)}",
        f"updates left unhandled: {unhandled}",
        f"429s of our own making: {own_429} (injected and used: {sum(injected) - unconsumed}; "
        f"all 429s by method and chat: {dict(where)})",
        f"bot messages said twice in a row: {doubled}",
    ]


def _explain_refusals(state: Any, refusals: list[dict[str, Any]]) -> None:
    """Each 429 beside what the emulator had counted in that chat just before, to read
    against the bot's log (moments on the emulator's flood clock)."""
    log = list(state.requests())
    for refused in refusals:
        chat = _chat(refused)
        before = [e for e in log if _chat(e) == chat and "error_code" not in e
                  and refused["moment"] - 3.5 < e["moment"] <= refused["moment"]]
        print(f"--- 429 {refused['method']} to {chat} at {refused['moment']:.3f}: "
              f"{refused.get('description')}; before it: "
              + ", ".join(f"{e['method']} {e['moment']:.3f}" for e in before))


def _chat(entry: dict[str, Any]) -> int:
    try:
        return int(entry["params"].get("chat_id", 0))
    except (TypeError, ValueError):
        return 0


async def main(args: argparse.Namespace) -> list[str]:
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    pg_name = None
    if args.database == "postgres":
        pg_name = f"cd_bench_soak_{uuid.uuid4().hex[:8]}"
        await admin_sql(POSTGRES, f'CREATE DATABASE "{pg_name}"')
        database_url = POSTGRES.rsplit("/", 1)[0] + f"/{pg_name}"
    else:
        database_url = f"sqlite+aiosqlite:///{workdir / 'desk.db'}"
    await upgrade(database_url)
    clock = OffsetClock(START)
    emulator = await start_emulator(token=TOKEN, wallclock=lambda: clock.now().timestamp())
    state = emulator.state
    populate(state)
    state.set_flood_limits(True)  # Telegram's own: 3 in 3 s a chat, 20/min a group, 30/s in all
    customers = range(FIRST_ID, FIRST_ID + args.customers)
    for user_id in customers:
        state.create_user(f"Customer{user_id}", id=user_id, language_code="en",
                          phone_number=f"+4477009{user_id}")
    env = dict(os.environ, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emulator.base_url,
               DATABASE_URL=database_url, MIGRATE_ON_START="false",
               CONFIG_FILE=str(ROOT / "sandbox" / "demo_organisation.toml"),
               DELIVERY_LEASE_SECONDS="5", LOG_LEVEL="INFO",
               CLOCK_START=clock.now().isoformat())
    env.pop("REDIS_URL", None)
    bot = Bot(env, workdir / "bot.log")
    db = Database(database_url)
    injected: list[int] = []
    began = time.monotonic()
    try:
        bot.start()
        await _until(lambda: state.requests("deleteWebhook"), 60)
        step_timeout = args.outage + 90
        stuck, _ = await asyncio.gather(
            asyncio.gather(*(customer(state, user_id, step_timeout) for user_id in customers)),
            chaos(state, bot, args, rng, injected))
        # A group takes twenty messages a minute: the desk's cards and notes take a while.
        outbox = await settled(db, max(120.0, 10.0 * args.customers))
        print(f"the bot's log: {bot.log}")
        lines = [f"{args.database}; {args.kills} kills, a {args.outage} s outage, "
                 f"{args.storms} storms of 429s; seed {args.seed}; "
                 f"{time.monotonic() - began:.0f} s; the bot started {bot.starts} times",
                 *await measure(state, db, customers, list(stuck), injected),
                 f"outbox at the end: {outbox}"]
    finally:
        bot.stop()
        await db.dispose()
        await emulator.close()
        if pg_name is not None:
            await admin_sql(POSTGRES, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--outage", type=float, default=60.0)
    parser.add_argument("--storms", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments))
    print(write_results("soak", " ".join(sys.argv), figures))
