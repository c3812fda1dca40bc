"""The monthly report goes to the supervisors by itself on the first working day.

Checked with the deadline sweep (``bot.delivery.job_runner``), like the daily digest: from the
opening of the month's first working day (business calendar), last month's report is
queued once as a ``monthly_report`` notice for the supervisors, and the bot's outbox
sender computes and sends it (text, charts, workbook) in the supervisors' group language.
A row in the jobs table keyed by the month is the ledger, written in the same
transaction: a restart, or several bot instances, still queue it once; the outbox then
delivers it at least once, retrying through faults.

A bot that was down on that day sends it when it is back, later in the month: late is
better than never. A desk that did not exist yet last month (no case filed before this
month) sends nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.calendar import BusinessCalendar
from core.notices import MonthlyReport
from core.ports import Conflict, Database
from core.reports.period import Period
from core.services.rules import Rules

NOTICE_KIND = MonthlyReport.kind


def first_working_day(calendar: BusinessCalendar, year: int, month: int) -> date | None:
    day = date(year, month, 1)
    while day.month == month:
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    return None


def due_at(rules: Rules, now: datetime) -> tuple[Period, datetime] | None:
    """Last month's period and the moment it falls due (the opening of this month's first
    working day), once that day has come."""
    calendar = rules.calendar
    today = now.astimezone(calendar.tz).date()
    first = first_working_day(calendar, today.year, today.month)
    if first is None or today < first:
        return None
    opening = calendar.next_open(datetime.combine(first, time(0), tzinfo=calendar.tz))
    return Period.before(today), opening


async def queue_if_due(db: Database, rules: Rules, now: datetime) -> Period | None:
    """Queue last month's report once, from the opening of the first working day on."""
    due = due_at(rules, now)
    if due is None or now < due[1]:
        return None
    period = due[0]
    this_month = datetime.combine(period.end, time(0), tzinfo=rules.calendar.tz)
    key = f"{NOTICE_KIND}:{period.label}"
    async with db.uow(read_only=True) as reader:  # checked each sweep all month: no lock
        if await reader.jobs.exists(key):
            return None  # queued already
        if not await reader.queries.any_filed_before(this_month):
            return None  # a desk newer than the month: no report of a time it did not exist
    try:
        async with db.uow() as uow:
            await uow.jobs.record_done(key, NOTICE_KIND, {"period": period.label}, now)
            await uow.outbox.add([MonthlyReport(period=period.label)],
                                 now, period.start.year * 100 + period.start.month)
            await uow.commit()
    except Conflict:
        return None  # queued already (a restart, or another instance)
    return period
