"""``complaint-desk`` commands that need only the core: migrate, check-config, jobs.

Problems a person can fix (a bad file, an unreachable database) are one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from core.init_command import add_init_command
from core.organisation import Organisation, load_organisation
from core.policy import Policy, PolicyError, load_policy, read_toml

if TYPE_CHECKING:
    from core.db.uow import Database
    from core.settings import Settings


class _Refused(Exception):
    """A problem with the command's input: one line for the person who typed it."""


def _settings() -> Settings:
    """The same settings ``run`` reads (environment, then ``.env``), so every command
    agrees on the database and the organisation file."""
    from pydantic import ValidationError

    from core.settings import Settings, settings_error

    try:
        return Settings()
    except ValidationError as exc:
        raise _Refused(f"setting {settings_error(exc)}") from None


def _database_url(args: argparse.Namespace, settings: Settings) -> str:
    return str(args.database_url or settings.database_url)


def cmd_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from core.db.migrate import current_revision, upgrade

    try:
        url = _database_url(args, _settings())
    except _Refused as exc:
        print(f"complaint-desk migrate: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(upgrade(url))
        revision = asyncio.run(current_revision(url))
    except (SQLAlchemyError, OSError) as exc:
        print(f"complaint-desk migrate: cannot reach the database: {exc}", file=sys.stderr)
        return 2
    print(f"database is at revision {revision}")
    return 0


def cmd_copy_database(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from core.db.copy import CopyRefused, copy_database, describe

    try:
        report = asyncio.run(copy_database(args.source, args.target))
    except CopyRefused as exc:
        print(f"complaint-desk copy-database: {exc}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"complaint-desk copy-database: {first}", file=sys.stderr)
        return 2
    print(describe(report))
    return 0


def summarise(policy: Policy) -> str:
    lines = [
        f"policy: {policy.name}",
        f"calendar: {policy.calendar.timezone}, public holidays of "
        f"{policy.calendar.country or 'no country'}",
        "departments: " + ", ".join(f"{d.code} ({d.name})" for d in policy.departments),
        "categories: " + ", ".join(f"{c.code} -> {c.department}" for c in policy.categories),
        "deadlines:", *(f"  {clock.value} {value}: {value.in_words()}"
                        for clock, value in policy.sla.items()),
        "escalation: " + " -> ".join(
            f"{level.code} (limit {level.compensation_limit if level.compensation_limit is not None else 'none'})"
            for level in policy.escalation
        ),
        f"desk step: {'yes' if policy.desk_step else 'no, straight to the department'}",
    ]
    return "\n".join(lines)


def cmd_check_config(args: argparse.Namespace) -> int:
    """An organisation file (preset or [policy] plus staff) or a bare policy preset."""
    try:
        _, data = read_toml(args.file)
        if "preset" in data or "policy" in data:
            organisation = load_organisation(args.file)
            policy = organisation.policy
            extra = (f"\nstaff: {len(organisation.staff)}, pre-bound groups: "
                     f"{len(organisation.groups)}, default language: "
                     f"{organisation.default_language}")
        else:
            policy, extra = load_policy(args.file), ""
    except PolicyError as exc:
        print(f"complaint-desk check-config: {exc}", file=sys.stderr)
        return 2
    print(summarise(policy) + extra)
    print("OK")
    return 0


def _organisation(args: argparse.Namespace, settings: Settings) -> Organisation:
    path = args.config or settings.config_file
    try:
        return load_organisation(path)
    except PolicyError as exc:
        raise _Refused(str(exc)) from None


def _moment(text: str | None, organisation: Organisation) -> datetime:
    """``--now``: ISO 8601; without an offset it is read in the organisation's time zone."""
    from zoneinfo import ZoneInfo

    if text is None:
        from core.clock import SystemClock

        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Refused(f"--now: {text!r} is not an ISO 8601 date and time, e.g. "
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
        except _Refused as exc:
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

    settings = _settings()
    organisation = _organisation(args, settings)
    now = _moment(args.now, organisation)
    # One fixed moment for everything the run does: the services stamp jobs, notices and
    # audit rows with ``rules.now()``, so a ticking clock here would mix T with real time.
    rules = Rules.build(organisation.policy, ManualClock(now))
    tz = rules.calendar.tz

    async def run() -> None:
        async with _database(_database_url(args, settings), args.dry_run) as db:
            print(f"now: {_when(now, tz)}" + (" (dry run: nothing is written)"
                                               if args.dry_run else ""))
            outcomes = await revisits.run_due_jobs(db, rules, now)
            for outcome in outcomes:
                print(f"job {outcome.kind} {outcome.key}: {outcome.text}")
            swept = await deadlines.sweep(db, rules, now, organisation=organisation)
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

    settings = _settings()
    tz: tzinfo = UTC
    # Without a chosen organisation file, times are shown in UTC rather than refused.
    if args.config or "config_file" in settings.model_fields_set:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(_organisation(args, settings).policy.calendar.timezone)

    async def run() -> None:
        db = Database(_database_url(args, settings))
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


def cmd_report(args: argparse.Namespace) -> int:
    from core.reports.command import run_report

    try:
        settings = _settings()
        organisation = _organisation(args, settings)
    except _Refused as exc:
        print(f"complaint-desk report: {exc}", file=sys.stderr)
        return 2
    return run_report(args, organisation, _database_url(args, settings))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="complaint-desk",
                                     description="Run a customer-complaint desk in Telegram.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_init_command(commands)
    migrate = commands.add_parser("migrate", help="create or upgrade the database")
    migrate.add_argument("--database-url", help="default: $DATABASE_URL or a local SQLite file")
    migrate.set_defaults(handler=cmd_migrate)
    copy = commands.add_parser("copy-database",
                               help="copy a database (e.g. SQLite) into a new, empty one")
    copy.add_argument("--from", dest="source", required=True, help="e.g. sqlite:///desk.db")
    copy.add_argument("--to", dest="target", required=True,
                      help="e.g. postgresql://user@host/db (must be empty)")
    copy.set_defaults(handler=cmd_copy_database)
    check = commands.add_parser("check-config", help="validate an organisation file or preset")
    check.add_argument("file")
    check.set_defaults(handler=cmd_check_config)
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
    report = commands.add_parser("report", help="write the complaint summary of a period: "
                                                "an .xlsx workbook and charts")
    when = report.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--period", help="YYYY-MM, YYYY-H1, YYYY-H2 or YYYY")
    report.add_argument("--out", required=True, help="directory to write the files into")
    report.add_argument("--language", choices=("zh_Hans", "zh_Hant", "en"),
                        help="default: the organisation's")
    report.add_argument("--database-url", help="default: $DATABASE_URL or a local SQLite file")
    report.add_argument("--config", help="organisation file (default: $CONFIG_FILE)")
    report.set_defaults(handler=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None,
         extend: Callable[[argparse.ArgumentParser], None] | None = None) -> int:
    parser = build_parser()
    if extend is not None:
        extend(parser)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
