"""``complaint-desk report``: the same workbook and charts as the bot sends, into a folder."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from core.clock import SystemClock
from core.db.uow import Database
from core.organisation import Organisation
from core.policy import Policy
from core.reports import Period, PeriodError, build_report, needs_english
from core.reports.words import Words, catalog_words
from core.services.rules import Rules


def department_names(policy: Policy) -> Callable[[str], str]:
    """A department's label is the organisation's own name for it (never translated)."""

    def label(code: str) -> str:
        department = policy.department(code)
        return department.name if department else code

    return label


def words_for(language: str, policy: Policy) -> tuple[Words, Words]:
    """The report's words and the charts' (English when no CJK font can draw Chinese)."""
    names = {str(code): name.value for code, name in policy.severity_labels.items()}
    words = catalog_words(language, department_names(policy), names)
    return words, (catalog_words("en", department_names(policy), names)
                   if needs_english(language) else words)


def run_report(args: argparse.Namespace, organisation: Organisation, database_url: str) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        period = Period.parse(args.month or args.period)
        if args.month and period.kind != "month":
            raise PeriodError(f"--month {args.month!r}: use YYYY-MM (or --period)")
    except PeriodError as exc:
        print(f"complaint-desk report: {exc}", file=sys.stderr)
        return 2
    rules = Rules.build(organisation.policy, SystemClock())
    words, chart_words = words_for(args.language or organisation.default_language,
                                   organisation.policy)

    async def run() -> int:
        db = Database(database_url)
        try:
            report = await build_report(db, rules, period, Path(args.out), words, chart_words)
        finally:
            await db.dispose()
        print(report.text)
        for path in (report.workbook, *report.charts):
            print(f"wrote {path}")
        return 0

    try:
        return asyncio.run(run())
    except (SQLAlchemyError, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"complaint-desk report: {first}", file=sys.stderr)
        return 2
