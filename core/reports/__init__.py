"""Reports: the monthly summary (投诉汇总表) and its half-year and year versions.

``compute`` asks the database for the figures (``compute.py`` says how each is measured);
``build_report`` turns them into the text, the charts and the workbook in a directory.
Used by ``complaint-desk report`` and by the bot (``/report`` and the monthly sending).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.db.uow import Database
from core.reports.charts import needs_english, render_charts
from core.reports.compute import compute
from core.reports.model import Summary
from core.reports.period import Period, PeriodError
from core.reports.text import summary_text
from core.reports.words import Words
from core.reports.workbook import write_workbook
from core.services.rules import Rules

__all__ = ["Period", "PeriodError", "Report", "Summary", "Words", "build_report", "compute",
           "needs_english", "summary_text"]


@dataclass(frozen=True)
class Report:
    summary: Summary
    text: str
    charts: list[Path]
    workbook: Path


async def build_report(db: Database, rules: Rules, period: Period, directory: Path,
                       words: Words, chart_words: Words | None = None,
                       now: datetime | None = None) -> Report:
    """Compute ``period`` and write ``complaints-<period>.xlsx`` and the charts into
    ``directory``. ``chart_words``: the words for the charts when they differ (see
    ``charts.needs_english``)."""
    tz = rules.calendar.tz
    summary = await compute(db, rules.policy, period, tz, now or rules.now())
    workbook = await write_workbook(db, summary, words, directory /
                                    f"complaints-{period.label}.xlsx", tz)
    charts = await asyncio.to_thread(render_charts, summary, chart_words or words, directory)
    return Report(summary, summary_text(summary, words), charts, workbook)
