"""Three ``complaint-desk run --webhook`` processes on one PostgreSQL and one Redis.

The emulator delivers its webhook to a small round-robin front (as a load balancer
would), which also sends some updates to two instances at once. Customers file
complaints concurrently; midway one instance is killed with SIGKILL while it is handling
an update. Every complaint must be filed once and every notification delivered once; the
killed update is handled again, so a reply it had already sent may come a second time.

The kill lands while the instance waits on a sendMessage the emulator holds back (a
network that swallowed it), so the update's effects never reached Telegram: a send that
Telegram accepted but whose process died before recording it cannot be made exactly-once
by any bot, and is not what this test is about.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.clock import OffsetClock
from core.db.migrate import upgrade
from core.db.models import CaseRow, NotificationRow, PersonRow
from core.db.uow import Database
from sandbox.emulator.server import start_emulator
from sandbox.world import populate
from tests.conftest import _admin
from tests.e2e.conftest import ROOT, START
from tests.e2e.test_webhook import HEADER, SECRET, free_port

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not (POSTGRES_URL and REDIS_URL),
                                reason="needs TEST_POSTGRES_URL and TEST_REDIS_URL")
TOKEN = "654321:FLEET-E2E"
INSTANCES = 3
CUSTOMERS = range(5001, 5007)  # ids no other test uses: Redis keys are per chat and user
STEP_TIMEOUT = 60.0  # a step may wait out a lease and the emulator's retries
FILED = "Thank you. Your complaint is registered as case "
STEPS = ["✅ That's everything", "Documents or invoice", "Skip", "Earlier this week",
         "An explanation", "📱 Share my phone number", "✅ Yes, that's right"]


class Front:
    """Round robin over the instances; every ``duplicate_every``-th update also goes to
    the next instance at the same time (its answer is ignored)."""

    def __init__(self, ports: list[int]) -> None:
        self.urls = [f"http://127.0.0.1:{port}/hook" for port in ports]
        self.alive = set(range(len(ports)))
        self.turn = 0
        self.seen = 0
        self.duplicate_every = 3
        self.duplicates: Counter[int] = Counter()  # status the second instance answered
        self.in_flight: dict[object, tuple[int, float]] = {}
        self.session: aiohttp.ClientSession | None = None
        self.background: set[asyncio.Task[None]] = set()  # kept, so none is collected early

    async def handle(self, request: web.Request) -> web.Response:
        body, headers = await request.read(), {HEADER: request.headers.get(HEADER, ""),
                                               "Content-Type": "application/json"}
        self.seen += 1
        order = [(self.turn + step) % len(self.urls) for step in range(len(self.urls))]
        order = [index for index in order if index in self.alive]
        self.turn += 1
        if self.duplicate_every and self.seen % self.duplicate_every == 0 and len(order) > 1:
            self.background.add(task := asyncio.create_task(
                self._duplicate(order[1], body, headers)))
            task.add_done_callback(self.background.discard)
        for index in order:
            try:
                status, content_type, answer = await self._post(index, body, headers)
                return web.Response(status=status, body=answer, content_type=content_type)
            except aiohttp.ClientConnectorError:
                continue  # nobody listening there: try the next, as a balancer does
            except (TimeoutError, aiohttp.ClientError):
                return web.Response(status=502, text="upstream died or timed out")
        return web.Response(status=502, text="no instance")

    async def _duplicate(self, index: int, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.duplicates[(await self._post(index, body, headers))[0]] += 1
        except (TimeoutError, aiohttp.ClientError):
            self.duplicates[0] += 1

    async def _post(self, index: int, body: bytes, headers: dict[str, str]
                    ) -> tuple[int, str, bytes]:
        assert self.session is not None
        token = object()
        self.in_flight[token] = (index, asyncio.get_running_loop().time())
        try:
            async with self.session.post(self.urls[index], data=body, headers=headers) as r:
                return r.status, r.content_type, await r.read()
        finally:
            del self.in_flight[token]


async def wait(predicate: Any, what: str, timeout: float = STEP_TIMEOUT) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := predicate()):
        assert loop.time() < deadline, f"timed out waiting for {what() if callable(what) else what}"
        await asyncio.sleep(0.05)
    return result


def _button(state: Any, user_id: int, label: str) -> tuple[str, int] | None:
    keyboard = state.current_keyboard(user_id) or {}
    if any((b if isinstance(b, dict) else {"text": b}).get("text") == label
           for row in keyboard.get("keyboard", []) for b in row):
        return "reply", 0
    for message in reversed(state.bot_messages(user_id)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(b.get("text") == label for row in rows for b in row):
            return "inline", message["message_id"]
    return None


async def customer(state: Any, user_id: int) -> None:
    """One customer's whole English intake, each step once its button is there."""
    state.send_text(user_id, f"Invoice {user_id} charges me twice for one order.")
    for label in STEPS:
        kind, message_id = await wait(lambda label=label: _button(state, user_id, label),
                                      lambda label=label: f"{label!r} for {user_id}; the "
                                      f"chat: {state.transcript(user_id)}")
        if kind == "reply":
            state.press_reply_button(user_id, label)
        else:
            state.press_button(user_id, message_id, text=label)
    await wait(lambda: any(m.get("text", "").startswith(FILED)
                           for m in state.bot_messages(user_id)), f"the filing of {user_id}")


async def kill_one_mid_update(state: Any, front: Front,
                              processes: list[subprocess.Popen[bytes]]) -> int:
    """Once work is under way: hold sendMessage, find the instance stuck on it, kill it."""
    await wait(lambda: front.seen >= 12, "the first dozen updates", STEP_TIMEOUT * 3)
    front.duplicate_every = 0  # one update in flight, so the stuck one is unambiguous
    state.hold_after("sendMessage", 0)
    loop = asyncio.get_running_loop()

    def stuck_one() -> tuple[int] | None:  # a tuple: instance 0 is a valid answer
        # Longer than a reply may wait for its chat's flood window (three seconds), and a
        # send is being held: the update is stuck on it, not pacing.
        now = loop.time()
        return next(((index,) for index, started in front.in_flight.values()
                     if now - started > 3.5 and state.limits.held), None)

    (stuck,) = await wait(stuck_one, "an update stuck on a send")
    processes[stuck].send_signal(signal.SIGKILL)
    processes[stuck].wait()
    front.alive.discard(stuck)
    state.release_held()  # the held sends never reached Telegram
    front.duplicate_every = 3
    return stuck


async def test_three_instances_file_every_complaint_once_through_a_kill(tmp_path: Path) -> None:
    assert POSTGRES_URL and REDIS_URL
    name = f"cd_fleet_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    database_url = make_url(POSTGRES_URL).set(database=name).render_as_string(
        hide_password=False)
    await upgrade(database_url)  # once, as a deploy does; instances do not migrate
    import redis.asyncio as redis

    async with redis.from_url(REDIS_URL) as client:  # conversations of an earlier run
        for user_id in CUSTOMERS:
            async for key in client.scan_iter(f"fsm:{user_id}:*"):
                await client.delete(key)
    clock = OffsetClock(START)
    emulator = await start_emulator(token=TOKEN, webhook_retry_base=0.2, webhook_retry_max=1.0,
                                    wallclock=lambda: clock.now().timestamp())
    state = emulator.state
    populate(state)
    for user_id in CUSTOMERS:
        state.create_user(f"Customer{user_id}", id=user_id, language_code="en",
                          phone_number=f"+44770090{user_id}")
    ports = [free_port() for _ in range(INSTANCES)]
    front = Front(ports)
    front.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    app = web.Application()
    app.router.add_post("/hook", front.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    front_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", front_port).start()
    logs = [tmp_path / f"instance-{index}.log" for index in range(INSTANCES)]
    processes: list[subprocess.Popen[bytes]] = []
    db = Database(database_url)
    try:
        for index, port in enumerate(ports):
            env = dict(os.environ, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emulator.base_url,
                       DATABASE_URL=database_url, REDIS_URL=REDIS_URL,
                       CONFIG_FILE=str(ROOT / "sandbox" / "demo_organisation.toml"),
                       WEBHOOK_URL=f"http://127.0.0.1:{front_port}/hook",
                       WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port),
                       # Longer than the wait for a stuck update below (a person's lock
                       # lives as long as the lease), short enough to redeliver soon.
                       MIGRATE_ON_START="false", UPDATE_LEASE_SECONDS="8",
                       DELIVERY_LEASE_SECONDS="3", LOG_LEVEL="INFO",
                       CLOCK_START=clock.now().isoformat())
            with logs[index].open("ab") as log:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "run", "--webhook"], cwd=ROOT, env=env,
                    stdout=log, stderr=subprocess.STDOUT))
        await wait(lambda: len(state.requests("setWebhook")) >= INSTANCES, "three instances")

        killer = asyncio.create_task(kill_one_mid_update(state, front, processes))
        await asyncio.gather(*(customer(state, user_id) for user_id in CUSTOMERS), killer)
        killed = killer.result()
        assert processes[killed].returncode == -signal.SIGKILL

        async def outbox() -> dict[str, int]:
            async with db.sessions() as session:
                rows = await session.execute(select(NotificationRow.status, func.count())
                                             .group_by(NotificationRow.status))
                return dict(rows.all())

        for _ in range(int(STEP_TIMEOUT / 0.5)):
            counts = await outbox()
            if counts and set(counts) == {"sent"}:
                break
            await asyncio.sleep(0.5)
        assert set(counts) == {"sent"}, counts

        # Every complaint filed once: one case per customer, one confirmation each.
        async with db.sessions() as session:
            filed = Counter((await session.execute(
                select(PersonRow.telegram_id).join(CaseRow, CaseRow.customer_id == PersonRow.id)
            )).scalars())
        assert filed == Counter({user_id: 1 for user_id in CUSTOMERS})
        repeated: dict[int, list[str]] = {}
        for user_id in CUSTOMERS:
            texts = [m.get("text", "") for m in state.bot_messages(user_id)]
            assert sum(t.startswith(FILED) for t in texts) == 1, texts
            assert not any(t.startswith("Sorry, something went wrong") for t in texts), texts
            if len(texts) != len(set(texts)):
                repeated[user_id] = [t for t, n in Counter(texts).items() if n > 1]
        # The killed update is handled again from the start; a reply it had sent before
        # the held one (Telegram took it; the Bot API cannot take it back) comes again.
        # Only that: one customer, once.
        assert len(repeated) <= 1 and all(len(t) == 1 for t in repeated.values()), repeated
        # Every notification delivered once: no group got the same message twice, and each
        # sent notice names its own message (message ids are counted per chat).
        async with db.sessions() as session:
            sent_ids = [tuple(row) for row in (await session.execute(
                select(NotificationRow.audience, NotificationRow.address,
                       NotificationRow.message_id)
                .where(NotificationRow.message_id.is_not(None))))]
        assert len(sent_ids) == len(set(sent_ids)) and sent_ids
        for chat_id in (-1000000000101, -1000000000201, -1000000000202, -1000000000203,
                        -1000000000301):
            texts = [m.get("text", "") for m in state.bot_messages(chat_id)]
            assert len(texts) == len(set(texts)), f"duplicated in {chat_id}: {texts}"
        assert sum(front.duplicates.values()) >= 3, front.duplicates  # idempotency was used
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
        await front.session.close()
        await runner.cleanup()
        await emulator.close()
        await db.dispose()
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for log in logs:
            if log.exists():
                sys.stdout.write(f"--- {log.name}\n"
                                 + log.read_text(encoding="utf-8", errors="replace")[-3000:])
