"""Each outbox notice as a message: words in the recipient's language, buttons by ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import Decision, SupervisorAction, SurveyAnswer
from bot.cards import CLOCKS
from bot.labels import (
    RATINGS,
    category_label,
    level_label,
    remedy_label,
    settled_by,
    state_label,
)
from bot.render import escape, shorten
from core.policy import Policy


def _duration(minutes: int) -> str:
    hours, minutes = divmod(max(0, int(minutes)), 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min").format(minutes=minutes)


def _deadline(kind: str, payload: dict[str, Any], policy: Policy) -> str:
    """A clock about to run out, or run out: which case, which clock, how late, who now."""
    clock = CLOCKS.get(payload.get("clock", ""), payload.get("clock", ""))
    number = escape(payload.get("number", ""))
    if kind == "deadline_warning":
        text = _("⏰ <b>Case {number}</b>: {clock} is due in {left}.").format(
            number=number, clock=clock, left=_duration(payload.get("due_in_minutes", 0)))
    else:
        text = _("🔴 <b>Case {number}</b>: {clock} is {late} late.").format(
            number=number, clock=clock, late=_duration(payload.get("late_by_minutes", 0)))
        if payload.get("escalated"):
            text += "\n" + _("Escalated to: {level}").format(
                level=escape(level_label(str(payload.get("level", "")))))
    return text + "\n" + _("State: {state}").format(state=state_label(payload.get("state", "")))


def _digest(kind: str, payload: dict[str, Any], policy: Policy) -> str:
    """The day's open cases for a department, or the overdue ones for the supervisors."""
    cases = payload.get("cases", [])
    if kind == "digest":
        head = _("📊 Open cases on {day}: {total}").format(day=payload.get("day", ""),
                                                          total=payload.get("total", 0))
    else:
        head = _("🔴 Overdue cases on {day}: {total}").format(day=payload.get("day", ""),
                                                           total=payload.get("total", 0))
    tz = ZoneInfo(policy.calendar.timezone)
    lines = [head]
    for case in cases:
        due = (datetime.fromisoformat(case["due"]).astimezone(tz).strftime("%m-%d %H:%M")
               if case.get("due") else "—")
        lines.append(f"• {escape(case['number'])} — {state_label(case['state'])} — "
                     f"{escape(case['owner'] or '—')} — {due}")
    if not cases:
        lines.append(_("Nothing open. Well done."))
    elif payload.get("total", 0) > len(cases):
        lines.append(_("…and {more} more.").format(more=payload["total"] - len(cases)))
    return "\n".join(lines)


def binding_label(binding: str, policy: Policy) -> str:
    kind, _sep, code = binding.partition(":")
    if kind == "desk":
        return _("the customer-service desk")
    if kind == "supervisors":
        return _("the supervisors")
    department = policy.department(code)
    return department.name if department else code


def _head(payload: dict[str, Any]) -> str:
    return _("<b>Case {number}</b>").format(number=escape(payload.get("number", "")))


def render(kind: str, case_id: int, payload: dict[str, Any], policy: Policy
           ) -> tuple[str, InlineKeyboardMarkup | None]:
    """(text, keyboard) for a notice; the caller has set the recipient's locale."""
    builder = InlineKeyboardBuilder()
    if kind == "solution_proposed":
        department = policy.department(payload.get("department", ""))
        amount = payload.get("amount")
        what = remedy_label(payload.get("remedy"))
        if amount:
            what += f" — {escape(amount)} {escape(payload.get('currency', ''))}"
        text = "\n".join([
            _head(payload),
            _("{department} proposes this solution:").format(
                department=escape(department.name if department else _("Our team"))),
            f"<b>{what}</b>",
            escape(shorten(payload.get("text", ""), 2500)),
            "",
            _("Do you agree? If you accept, we will carry it out. If not, tell us why and we "
              "will look for another solution."),
        ])
        builder.button(text=_("✅ I accept"), callback_data=Decision(action="accept",
                                                                     case_id=case_id))
        builder.button(text=_("✖️ I do not accept"), callback_data=Decision(action="reject",
                                                                           case_id=case_id))
    elif kind == "question":
        text = "\n".join([_head(payload), _("A colleague handling your complaint asks:"),
                          escape(shorten(payload.get("question", ""), 3000))])
        builder.button(text=_("✍️ Answer"), callback_data=Decision(action="answer",
                                                                  case_id=case_id))
    elif kind == "survey":
        text = "\n".join([_head(payload), _("The solution has been carried out. How satisfied "
                                             "are you with how we handled your complaint?")])
        for code, label in RATINGS.items():
            builder.button(text=str(label), callback_data=SurveyAnswer(case_id=case_id,
                                                                       rating=code))
        builder.adjust(2, 1, 2)
    elif kind == "invalid":
        text = "\n".join([
            _head(payload),
            _("We have looked into your complaint carefully. This is what we found:"),
            escape(shorten(payload.get("finding", ""), 3000)), "",
            _("If you see it differently or have more information, just write to us — we "
              "will look again."),
        ])
    elif kind == "implemented":
        note = payload.get("note")
        text = "\n".join([_head(payload), _("The agreed solution has been carried out.")]
                         + ([escape(shorten(note, 1000))] if note else []))
    elif kind == "closed_satisfied":
        text = "\n".join([_head(payload), _("Your complaint is now closed. Thank you for your "
                                             "patience, and for helping us do better.")])
    elif kind == "closed":
        route = settled_by(str(payload.get("closure", "")))
        outcome = str(payload.get("outcome", ""))
        text = "\n".join(
            [_head(payload),
             _("Your complaint is now closed: it was settled through {body}.").format(
                 body=escape(route)) if route else _("Your complaint is now closed.")]
            + ([_("Outcome: {outcome}").format(outcome=escape(shorten(outcome, 1000)))]
               if outcome else []))
    elif kind in ("deadline_warning", "deadline_breach"):
        text = _deadline(kind, payload, policy)
        if kind == "deadline_breach":  # breaches go to the supervisors: straight to the case
            builder.button(text=_("🔎 Open the case"),
                           callback_data=SupervisorAction(action="view", case_id=case_id))
    elif kind == "major_case":
        triggers = ", ".join(str(t) for t in payload.get("triggers", [])) or "—"
        text = "\n".join([
            _("🚨 <b>Major complaint {number}</b> — {category}").format(
                number=escape(payload.get("number", "")),
                category=category_label(payload.get("category"))),
            _("Why it is major: {triggers}; complainants: {complainants}; amount claimed: "
              "{amount}").format(triggers=escape(triggers),
                                 complainants=payload.get("complainants", 1),
                                 amount=escape(payload.get("claimed_amount") or "—")),
        ])
    elif kind == "survey_reminder":
        text = "\n".join([_head(payload), _("A gentle reminder: how satisfied are you with how "
                                             "we handled your complaint?")])
        for code, label in RATINGS.items():
            builder.button(text=str(label), callback_data=SurveyAnswer(case_id=case_id,
                                                                       rating=code))
        builder.adjust(2, 1, 2)
    elif kind in ("digest", "overdue_digest"):
        text = _digest(kind, payload, policy)
    elif kind in ("group_lost", "group_back"):
        where = binding_label(payload.get("binding", ""), policy)
        text = (_("I was removed from the group of {where}: its cases cannot be updated "
                  "there until I am added back.") if kind == "group_lost" else
                _("I am back in the group of {where}.")).format(where=escape(where))
    else:
        raise ValueError(f"no words for notice kind {kind!r}")
    markup = builder.as_markup() if list(builder.buttons) else None
    return text, markup
