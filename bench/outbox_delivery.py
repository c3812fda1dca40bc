"""Benchmark (not a test): the outbox sender under the emulator's flood limits.

    python bench/outbox_delivery.py [--notices 10000] [--chats 2000] [--groups 20]

Queues ``--notices`` notices (nine in ten to private chats spread over ``--chats``
customers, the rest to ``--groups`` department groups), then runs the bot's real sender
(with its pacing) against the in-process Bot API emulator with Telegram's flood limits on
(3 in any 3 s per chat, 20/min per group, 30/s overall). Prints the delivery rate against the
allowed rate, how many 429s Telegram-the-emulator answered, whether every notice arrived
exactly once, and the process's memory (RSS) along the way. Writes the figures to
``bench/results/outbox_delivery.txt``.

Goal: at least 95% of the allowed rate, zero lost, zero duplicated, flat memory.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram.utils.i18n import I18n

from bot.delivery.outbox_sender import OutboxSender
from bot.delivery.pacing import Pacer
from bot.runtime.app import build_bot
from bot.runtime.i18n import make_i18n
from core.clock import SystemClock
from core.db.migrate import upgrade
from core.db.models import NotificationRow, PersonRow
from core.db.outbox import OutboxQueue
from core.db.uow import Database
from core.notices import DeadlineWarning, Implemented, Notice, department
from core.organisation import organisation_from_mapping
from core.services.rules import Rules
from sandbox.emulator.server import start_emulator
from tests.factories import POLICY

TOKEN = "424242:BENCH"
OVERALL_PER_SECOND = 30.0
GROUP_PER_MINUTE = 20.0
RESULTS = Path(__file__).resolve().parent / "results" / "outbox_delivery.txt"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def queue_notices(db: Database, notices: int, chats: int,
                        groups: Sequence[tuple[str, int]], *, group_every: int = 10,
                        first_customer: int = 10_000, key: str = "bench") -> Counter[int]:
    """Persons for the chats (Telegram ids from ``first_customer``) and the notices
    themselves, one in ``group_every`` a deadline warning to a department's group
    (``groups``: department code, chat id); returns the expected count per chat."""
    now = datetime.now(UTC)
    expected: Counter[int] = Counter()
    async with db.sessions() as session, session.begin():
        session.add_all(PersonRow(id=index + 1, telegram_id=first_customer + index,
                                  name=f"c{index}", language="en", created_at=now)
                        for index in range(chats))
    rows = []
    for index in range(notices):
        number = f"2611-{index:04d}"
        notice: Notice
        if index % group_every == group_every - 1:
            code, chat = groups[index // group_every % len(groups)]
            notice = DeadlineWarning(
                number=number, clock="handover", due=now.isoformat(), late_by_minutes=0,
                due_in_minutes=30, level="specialist", escalated=False, severity="ordinary",
                state="assigned", department=code, to=department(code))
        else:
            person = index % chats
            chat = first_customer + person
            notice = Implemented(customer_id=person + 1, number=number)
        expected[chat] += 1
        rows.append(NotificationRow(idempotency_key=f"{key}-{index}", case_id=None,
                                    kind=notice.kind, audience=notice.audience,
                                    address=notice.address, payload=dict(notice.payload),
                                    status="pending", attempts=0, due_at=now, created_at=now))
    async with db.sessions() as session, session.begin():
        session.add_all(rows)
    return expected


async def main(notices: int, chats: int, groups: int) -> str:
    folder = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade(url)
    db = Database(url)
    policy = {**POLICY, "departments": [{"code": f"d{n:02d}", "name": f"Dept {n}"}
                                        for n in range(groups)],
              "categories": [{"code": "other", "department": "d00"}]}
    organisation = organisation_from_mapping({
        "name": "Bench", "default_language": "en", "policy": policy,
        "groups": [{"chat_id": -(5000 + n), "binding": f"department:d{n:02d}"}
                   for n in range(groups)]}, "<bench>")
    emulator = await start_emulator(token=TOKEN, flood_limits=True)
    for index in range(chats):
        emulator.state.create_user(f"c{index}", id=10_000 + index, started=True)
    for n in range(groups):
        emulator.state.create_group(f"Dept {n}", id=-(5000 + n))
    expected = await queue_notices(db, notices, chats,
                                   [(f"d{n:02d}", -(5000 + n)) for n in range(groups)])
    bot = build_bot(TOKEN, emulator.base_url)
    i18n: I18n = make_i18n("en")
    rules = Rules.build(organisation.policy, SystemClock())
    sender = OutboxSender(bot, db, rules, organisation, i18n, idle_pause=0.02, pacer=Pacer())
    memory = [rss_mb()]
    started = time.perf_counter()
    worker = asyncio.create_task(sender.run())
    queue = OutboxQueue(db)
    while True:
        await asyncio.sleep(1)
        memory.append(rss_mb())
        counts = await queue.counts()
        if not counts.get("pending") and not counts.get("sending"):
            break
    async with db.sessions() as session:
        from sqlalchemy import func, select

        last, first = (await session.execute(select(func.max(NotificationRow.sent_at),
                                                    func.min(NotificationRow.created_at)))).one()
    # From queued to the last delivery; the loop's one-second polling is not counted.
    elapsed = min(time.perf_counter() - started, (last - first).total_seconds())
    worker.cancel()
    await asyncio.gather(worker, return_exceptions=True)
    await bot.session.close()
    delivered: Counter[int] = Counter()
    for chat in expected:
        delivered[chat] = len(emulator.state.bot_messages(chat))
    lost = sum(max(0, expected[c] - delivered[c]) for c in expected)
    duplicated = sum(max(0, delivered[c] - expected[c]) for c in expected)
    sends = emulator.state.requests("sendMessage")
    flood = sum(1 for r in sends if r.get("error_code") == 429)
    group_notices = sum(v for c, v in expected.items() if c < 0)
    floor = max(notices / OVERALL_PER_SECOND,
                group_notices / (groups * GROUP_PER_MINUTE / 60))
    latency = await commit_to_send(db, emulator, organisation, i18n, chats)
    await emulator.close()
    await db.dispose()
    return "\n".join([
        f"command: python bench/outbox_delivery.py --notices {notices} --chats {chats} "
        f"--groups {groups}",
        f"delivered {notices} notices to {chats} chats and {groups} groups in "
        f"{elapsed:.1f} s = {notices / elapsed:.1f}/s",
        f"fastest the flood limits allow: {floor:.1f} s; achieved "
        f"{100 * floor / elapsed:.1f}% of the allowed rate",
        f"lost: {lost}, duplicated: {duplicated}, 429 answers: {flood} of {len(sends)} sends",
        f"memory (RSS): start {memory[0]:.0f} MB, peak {max(memory):.0f} MB, "
        f"end {memory[-1]:.0f} MB",
        f"final outbox states: {counts}",
        latency,
    ])


async def commit_to_send(db: Database, emulator: Any, organisation: Any, i18n: I18n,
                         chats: int, samples: int = 200) -> str:
    """From a notice's commit to Telegram having it, one notice at a time, with no flood
    wait in the way (limits off, a new chat each time): the wake-up on commit, not the
    sender's one-second look, is what is measured."""
    emulator.state.set_flood_limits(False)
    bot = build_bot(TOKEN, emulator.base_url)
    rules = Rules.build(organisation.policy, SystemClock())
    sender = OutboxSender(bot, db, rules, organisation, i18n, pacer=Pacer())  # 1 s look
    db.notices_committed.append(sender.wake)
    worker = asyncio.create_task(sender.run())
    await asyncio.sleep(0.2)
    waits: list[float] = []
    for index in range(samples):
        person = index % chats
        chat = 10_000 + person
        before = len(emulator.state.bot_messages(chat))
        async with db.uow() as uow:
            await uow.outbox.add([Implemented(customer_id=person + 1, number=f"L{index}")],
                                 datetime.now(UTC), 10_000_000 + index)
            await uow.commit()
        committed = time.perf_counter()
        while len(emulator.state.bot_messages(chat)) == before:
            await asyncio.sleep(0.0005)
        waits.append(time.perf_counter() - committed)
        await asyncio.sleep(0.05)  # one at a time: nothing queues behind another
    sender.stop()
    await asyncio.gather(worker, return_exceptions=True)
    await bot.session.close()
    waits.sort()
    p50, p99 = waits[len(waits) // 2] * 1000, waits[int(len(waits) * 0.99) - 1] * 1000
    return (f"commit to send, one notice at a time with no flood wait ({samples} notices): "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (goal: p50 < 20 ms, p99 < 100 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--groups", type=int, default=20)
    args = parser.parse_args()
    report = asyncio.run(main(args.notices, args.chats, args.groups))
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n{report}\n\n")
