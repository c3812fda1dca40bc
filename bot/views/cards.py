"""The staff's task card of a case: what it is, where it stands, what can be done now."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.actions.card import CARD, FILES, HOLDS
from bot.actions.model import Audience
from bot.input.callbacks import StaffAction
from bot.views.dates import occurred, when
from bot.views.labels import (
    category_label,
    language_label,
    severity_label,
    staff_remedy_label,
    staff_state_label,
    triggers_label,
)
from bot.views.phone import mask_phone
from bot.views.render import escape, shorten
from bot.views.verdict import Verdict, verdict_line
from core.alerts import MISSED
from core.domain import Case, Severity
from core.domain.validity import days_past_window, evidence_due, evidence_missing
from core.policy import Deadline
from core.services.rules import Rules

DEADLINES = {
    Deadline.FIRST_RESPONSE: __("first response"), Deadline.HANDOVER: __("hand-over"),
    Deadline.DEPARTMENT_SOLUTION: __("department's solution"),
    Deadline.CUSTOMER_ANSWER: __("answer to the customer"), Deadline.REVISIT: __("revisit"),
    Deadline.WHOLE_CASE: __("whole case"), Deadline.PROGRESS: __("progress report"),
    Deadline.VISIT: __("visit to the customer"),
}
DEADLINE_CODES = frozenset(clock.value for clock in Deadline)
FULL_PHONE = frozenset({Audience.DESK, Audience.SUPERVISORS})
PHONE = "phone"  # the 📞 button's code (``bot.handlers.phone``); not a catalogue step
# The audit note of a reveal, stored as a code so every group reads it in its language.
PHONE_SEEN = "📞 phone_seen"


def event_note(note: str) -> str:
    """An audit note as staff read it: the sweep's escalation reason names clocks by code."""
    if note == PHONE_SEEN:
        return _("📞 looked up the customer's phone number")
    if not note.startswith(MISSED):
        return note
    codes = note.removeprefix(MISSED).split(", ")
    clocks = [str(DEADLINES[Deadline(code)]) if code in DEADLINE_CODES else code for code in codes]
    return _("missed the deadline: {clocks}").format(clocks=", ".join(clocks))


def card_text(case: Case, rules: Rules, locale: str, names: dict[int, str], now: datetime,
              *, language: str | None = None, verdict: Verdict | None = None,
              audience: str | None = None) -> str:
    """``language``: the customer's, when the case did not record one; ``verdict``: their
    standing objection (``bot.views.verdict``); ``audience``: the group it is for — only
    the desk's and the supervisors' cards show the phone number in full, any other
    (or unsaid) audience sees it masked, and its owner asks for it (``📞``)."""
    policy, intake = rules.policy, case.intake
    department = policy.department(case.department or "")
    flag = "🚨 " if case.severity is Severity.MAJOR else ""
    phone = intake.contact_phone or ""
    if audience not in FULL_PHONE:
        phone = mask_phone(phone)
    lines = [
        f"{flag}📋 <b>{escape(str(case.number))}</b> · {severity_label(policy, case.severity.value)}",
        _("State: {state}").format(state=staff_state_label(case.state.value)),
        _("About: {category} · Department: {department}").format(
            category=category_label(intake.category),
            department=escape(department.name) if department else "—"),
        _("Owner: {owner}").format(owner=escape(names.get(case.owner_id or 0, "—"))),
        _("Customer: {name} {phone}").format(name=escape(intake.contact_name or ""),
                                             phone=escape(phone)),
        # Staff words are forwarded to the customer as written: say which language to use.
        _("Language: {language}").format(
            language=language_label(intake.language or language, locale)),
        _("Wants: {demand}").format(demand=escape(shorten(intake.demand_text or "", 300))
                                    or staff_remedy_label(intake.demand)),
        "«" + escape(shorten(intake.description, 700)) + "»",
    ]
    for label, value in ((_("Product"), intake.product), (_("Where"), intake.place),
                         (_("When"), occurred(intake.occurred, locale)),
                         (_("Delivered"), occurred(intake.delivered, locale))):
        if value:
            lines.append(f"{label}: {escape(value)}")
    lines += _validity(case, rules, locale, now)
    weighed = _weighed(case)
    if weighed:
        lines.append(_("⚖️ Weighed for severity: {facts}").format(facts=weighed))
    if case.evidence:
        lines.append(_("Attachments: {count}").format(count=len(case.evidence)))
    if case.remedy is not None:
        amount = f" {case.remedy.amount} {case.remedy.currency}" if case.remedy.amount else ""
        lines.append(_("Solution: {kind}{amount} — {text}").format(
            kind=staff_remedy_label(case.remedy.kind.value), amount=amount,
            text=escape(shorten(case.remedy.text, 300))))
    if verdict is not None:
        lines.append(verdict_line(verdict))
    if case.instruction:
        lines.append(_("📌 Supervisors' instruction: {text}").format(
            text=escape(shorten(case.instruction, 300))))
    if case.extension_request:
        lines.append(_("⏳ More time asked for: {reason}").format(
            reason=escape(shorten(case.extension_request, 300))))
    if case.agreed_until is not None:
        lines.append(_("🤝 Agreed with the customer: settled by {date}").format(
            date=when(case.agreed_until, rules.calendar.tz, locale)))
    if case.done_reported_by is not None:
        lines.append(_("✅ Reported carried out; waiting for the department head's review "
                       "(✅ again to confirm)."))
    if case.pending_question:
        lines.append(_("Waiting for the customer's answer to: {question}").format(
            question=escape(shorten(case.pending_question, 200))))
    for clock, due in sorted(case.deadlines.items(), key=lambda item: item[1]):
        late = " ⚠️" if due <= now and case.paused_since is None else ""
        lines.append(_("Due: {clock} by {date}").format(
            clock=DEADLINES[clock], date=when(due, rules.calendar.tz, locale)) + late)
    return "\n".join(lines)


def _weighed(case: Case) -> str:
    """The facts the policy's major and serious rules weighed (issue 19.1), in words."""
    intake = case.intake
    facts = [triggers_label(sorted(t.value for t in intake.triggers))] if intake.triggers \
        else []
    if intake.complainants > 1:
        facts.append(_("{count} complainants").format(count=intake.complainants))
    if intake.batch_units:
        facts.append(_("{count} units").format(count=intake.batch_units))
    if intake.claimed_amount is not None:
        facts.append(_("{amount} claimed").format(amount=intake.claimed_amount))
    return escape(", ".join(facts))


def _validity(case: Case, rules: Rules, locale: str, now: datetime) -> list[str]:
    """What the policy's validity rules say of the case (001 §4.1.1, §4.2.2, §4.3 e)."""
    policy, lines = rules.policy, []
    late = days_past_window(case, policy, rules.calendar.tz)
    if late:
        lines.append(_("⚠️ Filed {late} days past the {window}-day window after delivery.")
                     .format(late=late, window=policy.validity.window_days))
    if case.state.is_closed or not evidence_missing(case, policy):
        return lines
    due = evidence_due(case, policy)
    if due is not None and due <= now:
        lines.append(_("⚠️ No evidence within {days} days of the complaint: it may be found "
                       "invalid.").format(days=policy.validity.evidence_late_days))
    elif due is not None:
        lines.append(_("📎 No evidence yet; the rules require it by {date}.").format(
            date=when(due, rules.calendar.tz, locale)))
    else:
        lines.append(_("📎 No evidence yet; the rules require it."))
    return lines


def card_buttons(case: Case, audience: str, rules: Rules) -> InlineKeyboardMarkup | None:
    """Only the steps that make sense for this group now (``bot.actions.card``); ids only
    in the data."""
    offered = CARD.offered(case, Audience(audience), rules)
    phone = (audience == Audience.DEPARTMENT and bool(case.intake.contact_phone)
             and case.state in HOLDS[Audience.DEPARTMENT])
    if not offered and not phone and not case.evidence:
        return None
    builder = InlineKeyboardBuilder()
    for entry, label, arg in offered:
        builder.button(text=label, callback_data=StaffAction(action=entry.code,
                                                             case_id=case.id or 0, arg=arg))
    if phone:  # the number itself is only ever in the answer, never in the button
        builder.button(text=_("📞 Customer's number"),
                       callback_data=StaffAction(action=PHONE, case_id=case.id or 0))
    if case.evidence:  # the photos themselves, one tap away, whoever holds the case
        builder.button(text=_("📎 Files ({count})").format(count=len(case.evidence)),
                       callback_data=StaffAction(action=FILES, case_id=case.id or 0))
    builder.adjust(1 if audience == Audience.DESK else 2)
    return builder.as_markup()
