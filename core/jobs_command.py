"""``complaint-desk jobs``: the deadline sweep and the durable jobs, run once
(``run-due``, ``--now`` and ``--dry-run`` for a look ahead) or listed (``list``)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from core.cli_common import Refused, database_url, organisation, settings
from core.organisation import Organisation

if TYPE_CHECKING:
    from core.db.uow import Database


def _moment(text: str | None, organisation: Organisation) -> datetime:
    """``--now``: ISO 8601; without an offset it is read in the organisation's time zone."""
    from zoneinfo import ZoneInfo

    if text is None:
        from core.clock import SystemClock

        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Refused(f"--now: {text!r} is not an ISO 8601 date and time, e.g. "
                       "2026-11-05T09:30:00+08:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(organisation.policy.calendar.timezone))
    return moment


def _when(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes")


def _jobs_command(name: str, run: Callable[[argparse.Namespace], object]
                  ) -> Callable[[argparse.Namespace], int]:
    """Wrap a jobs subcommand: refusals and database faults are one line, exit status 2."""

    def handler(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            run(args)
        except Refused as exc:
            print(f"complaint-desk jobs {name}: {exc}", file=sys.stderr)
            return 2
        except (SQLAlchemyError, OSError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            print(f"complaint-desk jobs {name}: cannot use the database: {first}",
                  file=sys.stderr)
            return 2
        return 0

    return handler


@asynccontextmanager
async def _database(url: str, dry_run: bool) -> AsyncIterator[Database]:
    from core.db.dry_run import rolled_back
    from core.db.uow import Database

    if dry_run:
        async with rolled_back(url) as db:
            yield db
        return
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()


def _run_due(args: argparse.Namespace) -> None:
    from core.clock import ManualClock
    from core.services import deadlines, revisits
    from core.services.rules import Rules

    config = settings()
    chosen = organisation(args, config)
    now = _moment(args.now, chosen)
    # One fixed moment for everything the run does: the services stamp jobs, notices and
    # audit rows with ``rules.now()``, so a ticking clock here would mix T with real time.
    rules = Rules.build(chosen.policy, ManualClock(now))
    tz = rules.calendar.tz

    async def run() -> None:
        async with _database(database_url(args, config), args.dry_run) as db:
            print(f"now: {_when(now, tz)}" + (" (dry run: nothing is written)"
                                               if args.dry_run else ""))
            outcomes = await revisits.run_due_jobs(db, rules, now)
            for outcome in outcomes:
                print(f"job {outcome.kind} {outcome.key}: {outcome.text}")
            swept = await deadlines.sweep(db, rules, now, organisation=chosen)
        for alert in swept.alerts:
            print(f"{alert.stage} {alert.number} {alert.clock} due {_when(alert.due, tz)} "
                  f"-> {', '.join(alert.audiences)} at {_when(alert.deliver_at, tz)}")
        for number, level in swept.escalations:
            print(f"escalated {number} to {level}")
        for case_id, error in swept.failures:
            print(f"failed case {case_id}: {error}")
        failed = sum(not o.ok for o in outcomes)
        print(f"done: {len(outcomes)} job(s) run ({failed} failed); sweep read "
              f"{swept.examined} case(s) due by {_when(swept.until, tz)}: "
              f"{len(swept.warnings)} warning(s), {len(swept.breaches)} breach(es), "
              f"{len(swept.escalations)} escalation(s), {len(swept.failures)} failed")
        if args.dry_run:
            print("dry run: all of the above was rolled back; the database is unchanged")

    asyncio.run(run())


def _list(args: argparse.Namespace) -> None:
    from datetime import UTC

    from core.db.jobs import JobQueue
    from core.db.uow import Database
    from core.services import deadlines

    config = settings()
    tz: tzinfo = UTC
    # Without a chosen organisation file, times are shown in UTC rather than refused.
    if args.config or "config_file" in config.model_fields_set:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(organisation(args, config).policy.calendar.timezone)

    async def run() -> None:
        db = Database(database_url(args, config))
        try:
            pending = await JobQueue(db).pending(args.limit)
            soon = await deadlines.upcoming(db, args.limit)
        finally:
            await db.dispose()
        print(f"pending jobs: {len(pending)}")
        for kind, key, due in pending:
            print(f"  {_when(due, tz)}  {kind}  {key}")
        print(f"running deadlines, earliest first (overdue included): {len(soon)}")
        for item in soon:
            print(f"  {_when(item.due, tz)}  {item.number}  {item.clock}  {item.state}  "
                  f"{item.department or 'desk'}  level {item.level}")

    asyncio.run(run())




def add_jobs_command(commands: Any) -> None:
    jobs = commands.add_parser("jobs", help="deadline sweep and durable jobs")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run_due = jobs_commands.add_parser(
        "run-due", help="run the deadline sweep and every due job once, then exit")
    run_due.add_argument("--now", help="act as if it were this ISO 8601 moment "
                                       "(default: the real time)")
    run_due.add_argument("--dry-run", action="store_true",
                         help="show what would happen, then roll it all back")
    list_ = jobs_commands.add_parser("list", help="pending jobs and upcoming deadlines")
    list_.add_argument("--limit", type=int, default=20, help="rows of each (default 20)")
    for sub in (run_due, list_):
        sub.add_argument("--database-url", help="default: $DATABASE_URL or a local SQLite file")
        sub.add_argument("--config", help="organisation file (default: $CONFIG_FILE)")
    run_due.set_defaults(handler=_jobs_command("run-due", _run_due))
    list_.set_defaults(handler=_jobs_command("list", _list))
