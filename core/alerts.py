"""Which deadline alerts a case owes, to whom, and when they may go out (PROCEDURE.md §4–5).

Pure: a case, what was already said, and the time in; alerts (``Notice``) out. The sweep
(``core.services.deadlines``) finds candidate cases and stores the result; everything it
decides is decided here.

For each running clock (``Case.deadlines``):

- a **warning** once the deadline is within ``Policy.warn_before`` of working time, i.e.
  ``due <= horizon`` where ``horizon = calendar.add_working(now, warn_before)`` — the
  forward form of "now >= due - warn_before" in working time (the calendar has no
  backward arithmetic, and the sweep's query uses the same horizon on ``next_due``);
- a **breach** once ``now >= due``; a breach found before its warning was sent (the
  sweep did not run in the window) is reported alone, never preceded by a stale warning.

What was said is remembered per clock *and due instant* (``Said``, stored in
``cases.deadline_alerts``): a clock restarted by progress or shifted by a pause has a new
due instant, so it is warned about afresh; a clock that stopped is forgotten.

Alerts for a non-major case that fall outside working hours are delivered at the next
working moment; a major case's go out at once (leadership must hear within 30 minutes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, TypedDict

from core.calendar import BusinessCalendar
from core.domain import Case, Severity
from core.notices import (
    DESK,
    SUPERVISORS,
    DeadlineBreach,
    DeadlineWarning,
    EscalatedToYou,
    MajorCase,
    Notice,
    PromiseSlipped,
    department,
)
from core.organisation import StaffMember
from core.policy import Deadline, Policy, WorkingDuration

WARNING = "warning"
BREACH = "breach"
KIND_WARNING = DeadlineWarning.kind
KIND_BREACH = DeadlineBreach.kind
KIND_MAJOR = MajorCase.kind
KIND_ESCALATED = EscalatedToYou.kind
ALERT_KINDS = frozenset({KIND_WARNING, KIND_BREACH, KIND_MAJOR, KIND_ESCALATED})

# clock code -> {"due": ISO instant in UTC, "sent": ["warning", "breach"]}
Said = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Owed:
    """One alert a clock calls for now."""

    clock: Deadline
    stage: str  # WARNING | BREACH
    due: datetime


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def warn_before(policy: Policy) -> WorkingDuration:
    """How long before a deadline the responsible people are warned (working time)."""
    return policy.warn_before


def horizon(policy: Policy, calendar: BusinessCalendar, now: datetime) -> datetime:
    """Deadlines up to this instant are inside the warning window."""
    return warn_before(policy).after(calendar, now)


def already_said(said: Mapping[str, Any] | None, clock: Deadline, due: datetime) -> frozenset[str]:
    """Stages already sent for ``clock`` at this very due instant."""
    entry = (said or {}).get(clock.value)
    if not isinstance(entry, dict) or entry.get("due") != _instant(due):
        return frozenset()
    return frozenset(entry.get("sent") or ())


def owed(deadlines: Mapping[Deadline, datetime], said: Mapping[str, Any] | None, now: datetime,
         until: datetime) -> list[Owed]:
    """The alerts the running clocks call for at ``now`` (``until``: the warning horizon)."""
    out: list[Owed] = []
    for clock, due in sorted(deadlines.items(), key=lambda item: (item[1], item[0].value)):
        sent = already_said(said, clock, due)
        if now >= due:
            if BREACH not in sent:
                out.append(Owed(clock, BREACH, due))
        elif due <= until and WARNING not in sent and BREACH not in sent:
            out.append(Owed(clock, WARNING, due))
    return out


def remember(deadlines: Mapping[Deadline, datetime], said: Mapping[str, Any] | None,
             sent_now: Iterable[Owed]) -> Said:
    """The new record: running clocks only, each at its current due instant.

    A breach also counts as the warning: once late, there is nothing left to warn about.
    """
    sent_now = list(sent_now)
    record: Said = {}
    for clock, due in deadlines.items():
        stages = set(already_said(said, clock, due))
        for item in sent_now:
            if item.clock is clock:
                stages.add(item.stage)
                if item.stage == BREACH:
                    stages.add(WARNING)
        if stages:
            record[clock.value] = {"due": _instant(due), "sent": sorted(stages)}
    return record


def deliver_at(case: Case, calendar: BusinessCalendar, now: datetime) -> datetime:
    """Major cases alert at once; others wait for the next working moment."""
    if case.severity is Severity.MAJOR:
        return now
    return calendar.next_open(now)


def level_code(case: Case, policy: Policy) -> str:
    index = min(max(case.escalation_level, 0), len(policy.escalation) - 1)
    return policy.escalation[index].code


class _About(TypedDict):
    """What both kinds of deadline alert say (the same payload keys for either)."""

    case_id: int
    number: str
    clock: str
    due: str
    late_by_minutes: int
    due_in_minutes: int
    level: str
    escalated: bool
    severity: str
    state: str
    department: str


def notices(case: Case, alerts: Iterable[Owed], policy: Policy, now: datetime, *,
            tz: tzinfo | None = None, escalated: bool = False,
            calendar: BusinessCalendar | None = None,
            staff: Sequence[StaffMember] = ()) -> list[Notice]:
    """The outbox notices for ``alerts`` (``case`` as it is after any escalation).

    - warning: the responsible department ("desk" while the case has none); on a case
      already escalated (level >= 1), the supervisors as well;
    - breach: the supervisors' group; when it escalated the case, also each person of
      ``staff`` (the organisation file's) on the new level, privately (``on_level``).

    ``calendar`` gives the lateness in working time, which is what the deadline counts.
    """
    assert case.id is not None
    level = level_code(case, policy)
    out: list[Notice] = []
    for item in alerts:
        late = max(0, math.floor((now - item.due).total_seconds() / 60))
        working = (math.floor(calendar.working_between(item.due, now).total_seconds() / 60)
                   if calendar is not None and item.stage == BREACH else -1)
        left = max(0, math.ceil((item.due - now).total_seconds() / 60))
        about = _About(
            case_id=case.id,
            number=str(case.number),
            clock=item.clock.value,
            due=item.due.astimezone(tz or item.due.tzinfo).isoformat(),
            late_by_minutes=late if item.stage == BREACH else 0,
            due_in_minutes=left if item.stage == WARNING else 0,
            level=level,
            escalated=escalated and item.stage == BREACH,
            severity=case.severity.value,
            state=case.state.value,
            department=case.department or "",
        )
        if item.stage == BREACH:
            told = on_level(staff, level, case.department) if about["escalated"] else []
            named = tuple(member.name for member in told)
            out.append(DeadlineBreach(**about, late_working_minutes=working, named=named))
            out += [EscalatedToYou(telegram_id=member.telegram_id, **about,
                                   late_working_minutes=working, named=named)
                    for member in told]
            if item.clock is Deadline.CUSTOMER_ANSWER:
                out.append(_promise_slipped(case, about["due"], now, tz))
            continue
        out.append(DeadlineWarning(
            to=department(case.department) if case.department else DESK, **about))
        if case.escalation_level >= 1:
            out.append(DeadlineWarning(to=SUPERVISORS, **about))
    return out


def _promise_slipped(case: Case, promised: str, now: datetime, tz: tzinfo | None
                     ) -> PromiseSlipped:
    """The customer hears of a missed promise from us first; the case's own end date, when
    it is still ahead, is what they can expect now."""
    assert case.id is not None
    end = case.deadlines.get(Deadline.WHOLE_CASE)
    expect = end.astimezone(tz or end.tzinfo).isoformat() if end and end > now else ""
    return PromiseSlipped(case_id=case.id, customer_id=case.customer_id,
                          number=str(case.number), promised=promised, expect=expect)


def on_level(staff: Iterable[StaffMember], level: str, department: str | None
             ) -> list[StaffMember]:
    """Who stands on ``level`` for a case of ``department``: department staff of that
    department only (another department's manager has no say in it), anyone else on it."""
    return [member for member in staff if member.level == level
            and (member.role != "department" or member.department == department)]


MISSED = "deadline missed: "  # the audit note's fixed start; the bot puts it in words


def escalation_reason(alerts: Iterable[Owed]) -> str:
    """The audit note of a deadline escalation: which clocks were missed."""
    clocks = sorted({item.clock.value for item in alerts if item.stage == BREACH})
    return MISSED + ", ".join(clocks)


def alerts_for_major(case: Case, marked_by: str = "") -> list[Notice]:
    """A major complaint (PROCEDURE.md §5): leadership hears of it at once, at filing.

    Empty for any other case, so filing can call it unconditionally.
    """
    if case.severity is not Severity.MAJOR:
        return []
    assert case.id is not None
    intake = case.intake
    return [MajorCase(
        case_id=case.id,
        number=str(case.number),
        category=intake.category or "",
        department=case.department or "",
        triggers=tuple(sorted(t.value for t in intake.triggers)),
        complainants=intake.complainants,
        batch_units=intake.batch_units,
        claimed_amount=str(intake.claimed_amount) if intake.claimed_amount is not None
        else "",
        channel=intake.channel.value,
        marked_by=marked_by,
    )]
