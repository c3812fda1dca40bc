"""The daily progress digest (004: departments report by 17:00 each working day).

At the policy's ``digest_time`` on a working day, each department's group gets its open
cases (state, owner, next deadline) and the supervisors get the overdue ones. A row in
the jobs table keyed by the date is the ledger: several bot instances, or a restart,
still send one digest a day.
"""

from __future__ import annotations

from datetime import datetime, time

from core.notices import Digest, DigestLine, Notice, OverdueDigest
from core.ports import Conflict, Database, OpenCase
from core.services.rules import Rules

LISTED = 40  # a digest is read on a phone: the most urgent first, the rest counted


def due_at(rules: Rules, now: datetime) -> datetime | None:
    """Today's digest moment, if today is a working day and the policy has one."""
    if rules.policy.digest_time is None:
        return None
    local = now.astimezone(rules.calendar.tz)
    if not rules.calendar.is_working_day(local.date()):
        return None
    hour, minute = (int(part) for part in rules.policy.digest_time.split(":"))
    return datetime.combine(local.date(), time(hour, minute), tzinfo=rules.calendar.tz)


async def send_if_due(db: Database, rules: Rules, now: datetime) -> bool:
    """Queue today's digests once, at or after the digest time; True if queued now."""
    moment = due_at(rules, now)
    if moment is None or now < moment:
        return False
    day = moment.date().isoformat()
    try:
        async with db.uow() as uow:
            # The ledger row first: a second instance is refused here, before any work.
            await uow.jobs.record_done(f"digest:{day}", "digest", {}, now)
            rows = await uow.queries.open_cases()
            await uow.outbox.add(_notices(rows, day, now), now, int(now.timestamp()))
            await uow.commit()
    except Conflict:
        return False  # another instance sent today's digest
    return True


def _late(row: OpenCase, now: datetime) -> bool:
    """Past a running deadline (a paused case's clocks stand still)."""
    earliest = row.earliest()
    return not row.paused and earliest is not None and earliest[1] <= now


def _line(row: OpenCase, now: datetime) -> DigestLine:
    earliest = row.earliest()
    if earliest is None:
        return DigestLine(number=row.number, state=row.state, owner=row.owner or "", due="")
    clock, due = earliest
    return DigestLine(number=row.number, state=row.state, owner=row.owner or "",
                      due=due.isoformat(), clock=clock.value, late=_late(row, now))


def _notices(rows: list[OpenCase], day: str, now: datetime) -> list[Notice]:
    by_department: dict[str, list[DigestLine]] = {}
    overdue: list[DigestLine] = []
    for row in rows:
        line = _line(row, now)
        if row.department:
            by_department.setdefault(row.department, []).append(line)
        # The supervisors' list: late work, and every case escalated to them (whose
        # deadline may have been pushed out since, or was escalated by hand).
        if line.late or row.level >= 1:
            overdue.append(line)
    notices: list[Notice] = [
        Digest(department=code, day=day, cases=tuple(lines[:LISTED]), total=len(lines))
        for code, lines in sorted(by_department.items())]
    notices.append(OverdueDigest(day=day, cases=tuple(overdue[:LISTED]), total=len(overdue)))
    return notices
