"""The words of notices for staff groups: deadline alerts, major cases, digests, and the
bot's own group membership. Registered with ``bot.views.notice_registry``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.input.callbacks import SupervisorAction
from bot.views.cards import DEADLINES
from bot.views.dates import day_and_time
from bot.views.labels import (
    category_label,
    level_label,
    severity_label,
    staff_state_label,
    triggers_label,
)
from bot.views.notice_registry import Rendered, buttons, renders
from bot.views.render import escape
from core.notices import (
    DeadlineBreach,
    DeadlineWarning,
    Digest,
    DigestLine,
    EscalatedToYou,
    EvidenceOverdue,
    ExtensionRequested,
    GroupBack,
    GroupLost,
    MajorCase,
    MajorCaseToYou,
    MajorFacts,
    OverdueDigest,
)
from core.notices.kinds import DeadlineAlert
from core.policy import Deadline, Policy


def _duration(minutes: int) -> str:
    hours, minutes = divmod(max(0, int(minutes)), 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min").format(minutes=minutes)


def _clock(code: str) -> object:
    try:
        return DEADLINES.get(Deadline(code), code)
    except ValueError:  # a clock no longer known: its code is better than nothing
        return code


def _state(state: str) -> str:
    return "\n" + _("State: {state}").format(state=staff_state_label(state))


@renders(DeadlineWarning)
def deadline_warning(notice: DeadlineWarning, policy: Policy) -> Rendered:
    """A clock about to run out: which case, which clock, how long is left."""
    text = _("⏰ <b>Case {number}</b>: {clock} is due in {left}.").format(
        number=escape(notice.number), clock=_clock(notice.clock),
        left=_duration(notice.due_in_minutes))
    return text + _state(notice.state), None


def _working(minutes: int) -> str:
    """Lateness as the deadline counts it: working hours, never days (a working day is
    not 24 hours)."""
    hours, minutes = divmod(max(0, int(minutes)), 60)
    if hours and minutes:
        duration = _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    elif hours:
        duration = _("{hours} h").format(hours=hours)
    else:
        duration = _("{minutes} min").format(minutes=minutes)
    return _("{duration} of working time").format(duration=duration)


def _late(notice: DeadlineAlert) -> str:
    """In working time; an alert stored before that was recorded has only wall time."""
    if notice.late_working_minutes >= 0:
        return _working(notice.late_working_minutes)
    return _duration(notice.late_by_minutes)


def _due_at(notice: DeadlineAlert, policy: Policy) -> str:
    return day_and_time(datetime.fromisoformat(notice.due), ZoneInfo(policy.calendar.timezone),
                        get_i18n().current_locale)


def _missed(notice: DeadlineAlert, policy: Policy) -> str:
    """Which deadline, when it was due, how late (working time)."""
    return _("Missed: {clock}, due {due}; {late} late.").format(
        clock=_clock(notice.clock), due=_due_at(notice, policy), late=_late(notice))


def _level(notice: DeadlineAlert) -> str:
    level = escape(level_label(notice.level))
    if not notice.named:
        return _("Escalated to: {level}").format(level=level)
    return _("Escalated to: {level} ({people})").format(
        level=level, people=escape(", ".join(notice.named)))


@renders(DeadlineBreach)
def deadline_breach(notice: DeadlineBreach, policy: Policy) -> Rendered:
    """A clock run out: how late, who has it now; breaches go to the supervisors, so the
    button opens the case straight away."""
    text = _("🔴 <b>Case {number}</b>: {clock} is {late} late.").format(
        number=escape(notice.number), clock=_clock(notice.clock), late=_late(notice))
    text += "\n" + _("It was due {due}.").format(due=_due_at(notice, policy))
    if notice.escalated:
        text += "\n" + _level(notice)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🔎 Open the case"),
                   callback_data=SupervisorAction(action="view", case_id=notice.case_id or 0))
    return text + _state(notice.state), buttons(builder)


@renders(EscalatedToYou)
def escalated_to_you(notice: EscalatedToYou, policy: Policy) -> Rendered:
    """To each person on the level a missed deadline moved the case up to, privately:
    they now answer for it. No button: the desk's buttons are the supervisors' alone,
    and department staff work it from their group's card."""
    department = policy.department(notice.department)
    lines = [
        _("⬆️ <b>Case {number}</b> has been escalated to your level: {level}.").format(
            number=escape(notice.number), level=escape(level_label(notice.level))),
        _missed(notice, policy),
        _("Department: {department}").format(
            department=escape(department.name) if department else "—"),
    ]
    return "\n".join(lines) + _state(notice.state), None


# Who marked a case major after filing, by role (``MajorFacts.marked_by``).
MARKED_BY = {"specialist": __("the complaint desk"), "supervisor": __("a supervisor"),
             "system": __("the system")}


@renders(MajorCase, MajorCaseToYou)
def major_case(notice: MajorFacts, policy: Policy) -> Rendered:
    """To the supervisors' group and, privately, the top rung; again while nobody has
    pressed "I'm on it" (``core.services.major``)."""
    if policy.severity_labels.get("major"):  # the document's own name, e.g. 003's class 1
        head = _("🚨 <b>Complaint {number}</b> ({severity}) — {category}").format(
            number=escape(notice.number), severity=severity_label(policy, "major"),
            category=category_label(notice.category))
    else:
        head = _("🚨 <b>Major complaint {number}</b> — {category}").format(
            number=escape(notice.number), category=category_label(notice.category))
    weighed = notice.triggers or notice.complainants > 1 or notice.claimed_amount
    lines = [head, _("Why it is major: {triggers}; complainants: {complainants}; amount "
                     "claimed: {amount}").format(
        triggers=escape(triggers_label(notice.triggers)), complainants=notice.complainants,
        amount=escape(notice.claimed_amount or "—"))
        if weighed or not notice.marked_by else
        _("Marked major by {who}.").format(who=MARKED_BY.get(notice.marked_by, "—"))]
    if notice.unanswered_minutes:
        lines.insert(0, _("⏰ Nobody has taken this up for {waited}.").format(
            waited=_duration(notice.unanswered_minutes)))
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✋ I'm on it"),
                   callback_data=SupervisorAction(action="acknowledge",
                                                  case_id=notice.case_id or 0))
    builder.button(text=_("🔎 Open the case"),
                   callback_data=SupervisorAction(action="view", case_id=notice.case_id or 0))
    return "\n".join(lines), buttons(builder)


@renders(ExtensionRequested)
def extension_requested(notice: ExtensionRequested, policy: Policy) -> Rendered:
    """To the supervisors: grant or refuse, from this message (002 §7.1, 003 延期)."""
    department = policy.department(notice.department)
    text = "\n".join([
        _("⏳ <b>Case {number}</b>: {department} asks for more time.").format(
            number=escape(notice.number),
            department=escape(department.name) if department else "—"),
        _("Why: {reason}").format(reason=escape(notice.reason)),
    ])
    builder = InlineKeyboardBuilder()
    case_id = notice.case_id or 0
    builder.button(text=_("⏳ Grant more time"),
                   callback_data=SupervisorAction(action="grant_time", case_id=case_id))
    builder.button(text=_("✖️ Refuse more time"),
                   callback_data=SupervisorAction(action="refuse_time", case_id=case_id))
    builder.button(text=_("🔎 Open the case"),
                   callback_data=SupervisorAction(action="view", case_id=case_id))
    return text, buttons(builder)


@renders(EvidenceOverdue)
def evidence_overdue(notice: EvidenceOverdue, policy: Policy) -> Rendered:
    """To the desk: the rules' time for evidence has run out (001 §4.3 e)."""
    return _("📎 <b>Case {number}</b>: no evidence has come within {days} days of the "
             "complaint. By the rules it may now be found invalid.").format(
        number=escape(notice.number), days=notice.days), None


def _due(line: DigestLine, tz: ZoneInfo) -> str:
    """Which deadline, when (with the weekday), and whether it has passed."""
    if not line.due:
        return "—"
    moment = day_and_time(datetime.fromisoformat(line.due), tz, get_i18n().current_locale)
    text = (_("{clock} by {moment}").format(clock=_clock(line.clock), moment=moment)
            if line.clock else moment)
    return text + (" " + _("⚠️ overdue") if line.late else "")


def _digest(head: str, notice: Digest | OverdueDigest, policy: Policy, empty: str) -> str:
    tz = ZoneInfo(policy.calendar.timezone)
    lines = [head]
    for case in notice.cases:
        lines.append(f"• {escape(case.number)} — {staff_state_label(case.state)} — "
                     f"{escape(case.owner or '—')} — {_due(case, tz)}")
    if not notice.cases:
        lines.append(empty)
    elif notice.total > len(notice.cases):
        lines.append(_("…and {more} more.").format(more=notice.total - len(notice.cases)))
    return "\n".join(lines)


@renders(Digest)
def digest(notice: Digest, policy: Policy) -> Rendered:
    """The day's open cases of a department."""
    head = _("📊 Open cases on {day}: {total}").format(day=notice.day, total=notice.total)
    text = _digest(head, notice, policy, _("Nothing open. Well done."))
    if notice.cases and Deadline.PROGRESS in policy.sla:  # 004 三.4 the 17:00 round
        text += "\n" + _("Please report today's progress on each case you are working on, "
                         "from its card (📝); the supervisors' list shows who has not.")
    return text, None


@renders(OverdueDigest)
def overdue_digest(notice: OverdueDigest, policy: Policy) -> Rendered:
    """The day's overdue cases, for the supervisors."""
    head = _("🔴 Overdue cases on {day}: {total}").format(day=notice.day, total=notice.total)
    # Not "nothing open": cases may well be open, just none late or escalated.
    return _digest(head, notice, policy, _("Nothing overdue or escalated.")), None


def binding_label(binding: str, policy: Policy) -> str:
    kind, _sep, code = binding.partition(":")
    if kind == "desk":
        return _("the customer-service desk")
    if kind == "supervisors":
        return _("the supervisors")
    department = policy.department(code)
    return department.name if department else code


@renders(GroupLost)
def group_lost(notice: GroupLost, policy: Policy) -> Rendered:
    return _("I was removed from the group of {where}: its cases cannot be updated there "
             "until I am added back.").format(
        where=escape(binding_label(notice.binding, policy))), None


@renders(GroupBack)
def group_back(notice: GroupBack, policy: Policy) -> Rendered:
    return _("I am back in the group of {where}.").format(
        where=escape(binding_label(notice.binding, policy))), None
