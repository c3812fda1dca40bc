"""Each outbox notice as a message: words in the recipient's language, buttons by ids.

This module holds the customer's notices; ``bot.views.staff_notice_texts`` the staff groups'.
Each renderer is registered for its notice kind with ``@renders`` (``bot.views.notice_registry``);
importing this module registers them all (``bot.views.staff_views`` has the one for
someone who joined as staff).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.input.callbacks import Decision, SurveyAnswer
from bot.views import call_texts  # noqa: F401  (registers the desk's call tasks and alerts)
from bot.views.dates import when
from bot.views.labels import OUTSIDE_ROUTES, RATINGS, remedy_label, settled_by
from bot.views.notice_registry import Rendered, buttons, render, renders
from bot.views.render import escape, shorten
from bot.views.staff_notice_texts import _duration, binding_label
from bot.views.staff_views import staff_joined  # registers the "staff joined" words
from core.notices import (
    Closed,
    ClosedSatisfied,
    CustomerNotice,
    DeadlineExtended,
    FindingConfirmed,
    FindingReopened,
    Implemented,
    Invalid,
    PromiseSlipped,
    Question,
    SolutionProposed,
    Survey,
    SurveyReminder,
)
from core.policy import Policy

# _duration: supervisor_views reads it
__all__ = ["_duration", "binding_label", "render", "staff_joined"]


def _head(notice: CustomerNotice) -> str:
    return _("<b>Case {number}</b>").format(number=escape(notice.number))


@renders(SolutionProposed)
def solution_proposed(notice: SolutionProposed, policy: Policy) -> Rendered:
    department = policy.department(notice.department)
    what = remedy_label(notice.remedy)
    if notice.amount and notice.remedy != "exchange":  # an exchange's is the goods' value
        what += f" — {escape(notice.amount)} {escape(notice.currency)}"
    text = "\n".join([
        _head(notice),
        _("{department} proposes this solution:").format(
            department=escape(department.name if department else _("Our team"))),
        f"<b>{what}</b>",
        escape(shorten(notice.text, 2500)),
        "",
        _("Do you agree? If you accept, we will carry it out. If not, tell us why and we "
          "will look for another solution."),
    ])
    builder = InlineKeyboardBuilder()
    case_id = notice.case_id or 0
    builder.button(text=_("✅ I accept"), callback_data=Decision(action="accept",
                                                                 case_id=case_id))
    builder.button(text=_("✖️ I do not accept"), callback_data=Decision(action="reject",
                                                                       case_id=case_id))
    return text, buttons(builder)


@renders(Question)
def question(notice: Question, policy: Policy) -> Rendered:
    text = "\n".join([_head(notice), _("A colleague handling your complaint asks:"),
                      escape(shorten(notice.question, 3000))])
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✍️ Answer"), callback_data=Decision(action="answer",
                                                              case_id=notice.case_id or 0))
    return text, buttons(builder)


def _ratings(case_id: int | None) -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    for code, label in RATINGS.items():
        builder.button(text=str(label), callback_data=SurveyAnswer(case_id=case_id or 0,
                                                                   rating=code))
    builder.adjust(2, 1, 2)
    return builder


@renders(Survey)
def survey(notice: Survey, policy: Policy) -> Rendered:
    text = "\n".join([_head(notice), _("The solution has been carried out. How satisfied "
                                       "are you with how we handled your complaint?")])
    return text, buttons(_ratings(notice.case_id))


@renders(SurveyReminder)
def survey_reminder(notice: SurveyReminder, policy: Policy) -> Rendered:
    text = "\n".join([_head(notice), _("A gentle reminder: how satisfied are you with how "
                                       "we handled your complaint?")])
    return text, buttons(_ratings(notice.case_id))


@renders(PromiseSlipped)
def promise_slipped(notice: PromiseSlipped, policy: Policy) -> Rendered:
    tz, locale = ZoneInfo(policy.calendar.timezone), get_i18n().current_locale
    lines = [_head(notice), _("We promised you an answer by {date}, and we have not managed "
                              "it. We are sorry.").format(
        date=when(datetime.fromisoformat(notice.promised), tz, locale))]
    if notice.expect:
        lines.append(_("We are still working on it and expect to answer you by {date} at "
                       "the latest.").format(
            date=when(datetime.fromisoformat(notice.expect), tz, locale)))
    else:
        lines.append(_("We are still working on it and will write to you as soon as we "
                       "have an answer."))
    return "\n".join(lines), None


@renders(DeadlineExtended)
def deadline_extended(notice: DeadlineExtended, policy: Policy) -> Rendered:
    until = when(datetime.fromisoformat(notice.until), ZoneInfo(policy.calendar.timezone),
                 get_i18n().current_locale)
    if notice.agreed:
        return "\n".join([_head(notice), _(
            "As agreed with you, we will have your complaint settled by <b>{date}</b>."
        ).format(date=until)]), None
    return "\n".join([_head(notice), _(
        "We need a little more time to settle your complaint properly, and we are sorry for "
        "the wait. We will answer you by <b>{date}</b> at the latest.").format(date=until)]), None


def _outside(policy: Policy) -> list[str]:
    """The outside routes the policy names, for when we cannot agree (委婉答复)."""
    if not policy.outside_routes:
        return []
    return ["", _("If we still cannot agree, you are free to turn to:")] + [
        f"• {OUTSIDE_ROUTES[route.value]}" for route in policy.outside_routes]


@renders(Invalid)
def invalid(notice: Invalid, policy: Policy) -> Rendered:
    """Politely (001 范文3 (2) 委婉答复): thanks, the finding in the staff's words, how to
    disagree, and where else to turn."""
    text = "\n".join([
        _head(notice),
        _("Thank you for telling us about this, and for your patience while we looked "
          "into it."),
        _("We have looked into your complaint carefully. This is what our colleague found:"),
        f"<i>{escape(shorten(notice.finding, 3000))}</i>", "",
        _("If you see it differently, press “I disagree” and tell us why — photos and "
          "documents are welcome too. We will check it again."),
        *_outside(policy),
    ])
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🙋 I disagree"), callback_data=Decision(action="disagree",
                                                                  case_id=notice.case_id or 0))
    return text, buttons(builder)


@renders(FindingConfirmed)
def finding_confirmed(notice: FindingConfirmed, policy: Policy) -> Rendered:
    return "\n".join([
        _head(notice),
        _("Thank you for telling us why you disagree. We have checked your complaint again, "
          "and our finding stands:"),
        f"<i>{escape(shorten(notice.reason, 3000))}</i>",
        *_outside(policy),
    ]), None


@renders(FindingReopened)
def finding_reopened(notice: FindingReopened, policy: Policy) -> Rendered:
    return "\n".join([
        _head(notice),
        _("Thank you for telling us why you disagree. We have looked again and reopened "
          "your complaint; a colleague will come back to you."),
    ]), None


@renders(Implemented)
def implemented(notice: Implemented, policy: Policy) -> Rendered:
    return "\n".join([_head(notice), _("The agreed solution has been carried out.")]
                     + ([escape(shorten(notice.note, 1000))] if notice.note else [])), None


@renders(ClosedSatisfied)
def closed_satisfied(notice: ClosedSatisfied, policy: Policy) -> Rendered:
    return "\n".join([_head(notice), _("Your complaint is now closed. Thank you for your "
                                       "patience, and for helping us do better.")]), None


@renders(Closed)
def closed(notice: Closed, policy: Policy) -> Rendered:
    route = settled_by(notice.closure)
    return "\n".join(
        [_head(notice),
         _("Your complaint is now closed: it was settled through {body}.").format(
             body=escape(route)) if route else _("Your complaint is now closed.")]
        + ([_("Outcome: {outcome}").format(outcome=escape(shorten(notice.outcome, 1000)))]
           if notice.outcome else [])), None
