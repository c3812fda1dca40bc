"""``complaint-desk`` commands that need only the core: migrate, check-config, jobs.

Problems a person can fix (a bad file, an unreachable database) are one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from core.cli_common import Refused, database_url, organisation, settings
from core.init_command import add_init_command
from core.jobs_command import add_jobs_command
from core.organisation import load_organisation
from core.policy import Policy, PolicyError, load_policy, read_toml
from core.policy_words import describe


def cmd_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from core.db.migrate import current_revision, upgrade

    try:
        url = database_url(args, settings())
    except Refused as exc:
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
    return "\n".join(describe(policy))


def cmd_check_config(args: argparse.Namespace) -> int:
    """An organisation file (preset or [policy] plus staff) or a bare policy preset."""
    try:
        _, data = read_toml(args.file)
        if "preset" in data or "policy" in data:
            loaded = load_organisation(args.file)
            policy = loaded.policy
            extra = (f"\nstaff: {len(loaded.staff)}, pre-bound groups: "
                     f"{len(loaded.groups)}, default language: "
                     f"{loaded.default_language}")
        else:
            policy, extra = load_policy(args.file), ""
    except PolicyError as exc:
        print(f"complaint-desk check-config: {exc}", file=sys.stderr)
        return 2
    print(summarise(policy) + extra)
    print("OK")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from core.reports.command import run_report

    try:
        config = settings()
        chosen = organisation(args, config)
    except Refused as exc:
        print(f"complaint-desk report: {exc}", file=sys.stderr)
        return 2
    return run_report(args, chosen, database_url(args, config))


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
    add_jobs_command(commands)
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
