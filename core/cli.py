"""``complaint-desk`` commands that need only the core: migrate, check-config.

Problems a person can fix (a bad file, an unreachable database) are one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence

from core.db.engine import DEFAULT_URL
from core.organisation import load_organisation
from core.policy import Policy, PolicyError, load_policy, read_toml


def _database_url(args: argparse.Namespace) -> str:
    return args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_URL


def cmd_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from core.db.migrate import current_revision, upgrade

    url = _database_url(args)
    try:
        asyncio.run(upgrade(url))
        revision = asyncio.run(current_revision(url))
    except (SQLAlchemyError, OSError) as exc:
        print(f"complaint-desk migrate: cannot reach the database: {exc}", file=sys.stderr)
        return 2
    print(f"database is at revision {revision}")
    return 0


def summarise(policy: Policy) -> str:
    lines = [
        f"policy: {policy.name}",
        f"calendar: {policy.calendar.timezone}, public holidays of "
        f"{policy.calendar.country or 'no country'}",
        "departments: " + ", ".join(f"{d.code} ({d.name})" for d in policy.departments),
        "categories: " + ", ".join(f"{c.code} -> {c.department}" for c in policy.categories),
        "deadlines: " + ", ".join(f"{clock.value} {value}" for clock, value in policy.sla.items()),
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="complaint-desk",
                                     description="Run a customer-complaint desk in Telegram.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    migrate = commands.add_parser("migrate", help="create or upgrade the database")
    migrate.add_argument("--database-url", help="default: $DATABASE_URL or a local SQLite file")
    migrate.set_defaults(handler=cmd_migrate)
    check = commands.add_parser("check-config", help="validate an organisation file or preset")
    check.add_argument("file")
    check.set_defaults(handler=cmd_check_config)
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
