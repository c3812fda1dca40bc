"""The desk's words for what reached nobody (``core.services.reach``): a call task for a
customer without a chat, and an alert for a notice no group could receive.

A call task quotes what the customer would have read (rendered in the desk's language,
without the customer's buttons) and carries the desk's own buttons to record the answer:
the codes of ``bot.actions.card`` that act for the customer.
"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.actions.card import NO_ANSWER, RATED, SAID, SAID_NO, SAID_YES
from bot.input.callbacks import StaffAction
from bot.views.labels import RATINGS
from bot.views.notice_registry import Rendered, buttons, render, renders
from bot.views.render import escape
from bot.views.staff_notice_texts import binding_label
from core.notices import (
    STAFF,
    CallCustomer,
    Question,
    Route,
    SolutionProposed,
    Survey,
    SurveyReminder,
    Undelivered,
    UnreadableNotice,
    load,
)
from core.policy import Policy

SURVEYS = (Survey.kind, SurveyReminder.kind)

# What the desk is asked to do once they have told the customer, by what they told.
_THEN = {
    SolutionProposed.kind: __("Then record whether they accept it:"),
    Question.kind: __("Then record their answer:"),
    Survey.kind: __("Ask how satisfied they are, and record it:"),
    SurveyReminder.kind: __("Ask how satisfied they are, and record it:"),
}

# What a notice was, for the alert that says it reached nobody.
_WHAT = {
    "card": __("a case card"),
    "digest": __("the daily list of open cases"),
    "overdue_digest": __("the daily list of overdue cases"),
    "deadline_warning": __("a deadline warning"),
    "deadline_breach": __("a deadline breach"),
    "escalated_to_you": __("an escalation alert"),
    "major_case": __("a major-complaint alert"),
    "monthly_report": __("the monthly report"),
    "call_customer": __("a call to a customer"),
    "undelivered": __("an alert"),
}


def _told(notice: CallCustomer, policy: Policy) -> str:
    """The customer's own message, in the desk's language; "" if it cannot be read back."""
    try:
        inner = load(notice.about, Route("customer", "0"), notice.case_id, notice.said)
        text, _markup = render(inner, policy)
    except (UnreadableNotice, LookupError):
        return ""
    return text


@renders(CallCustomer)
def call_customer(notice: CallCustomer, policy: Policy) -> Rendered:
    lines = [_("📞 <b>Please call the customer</b> of case {number}: {name}, {phone}").format(
        number=escape(notice.number), name=escape(notice.name or "-"),
        phone=escape(notice.phone))]
    told = _told(notice, policy)
    if told:
        lines += ["", _("They have no Telegram chat with us. Tell them:"), "", told]
    then = _THEN.get(notice.about)
    if then is not None:
        lines += ["", str(then)]
    builder = InlineKeyboardBuilder()
    case_id = notice.case_id or 0
    if notice.about == SolutionProposed.kind:
        builder.button(text=_("✅ They accept"),
                       callback_data=StaffAction(action=SAID_YES, case_id=case_id))
        builder.button(text=_("✖️ They do not accept"),
                       callback_data=StaffAction(action=SAID_NO, case_id=case_id))
    elif notice.about == Question.kind:
        builder.button(text=_("✍️ Their answer"),
                       callback_data=StaffAction(action=SAID, case_id=case_id))
    elif notice.about in SURVEYS:
        for code, label in RATINGS.items():
            builder.button(text=str(label),
                           callback_data=StaffAction(action=RATED, case_id=case_id, arg=code))
        builder.button(text=_("📵 No answer"),
                       callback_data=StaffAction(action=RATED, case_id=case_id, arg=NO_ANSWER))
        builder.adjust(2, 1, 2, 1)
    return "\n".join(lines), buttons(builder)


def _whom(notice: Undelivered, policy: Policy) -> str:
    if notice.audience_of == "customer":
        return _("the customer")
    if notice.audience_of == STAFF:
        return _("a colleague (Telegram id {id})").format(id=notice.address_of)
    binding = notice.audience_of
    if binding == "department":
        binding = f"department:{notice.address_of}"
    return binding_label(binding, policy)


@renders(Undelivered)
def undelivered(notice: Undelivered, policy: Policy) -> Rendered:
    what = _WHAT.get(notice.about, __("a message"))
    head = (_("⚠️ Nobody received {what} for {whom} (case {number}).") if notice.number
            else _("⚠️ Nobody received {what} for {whom}.")).format(
        what=what, whom=escape(_whom(notice, policy)), number=escape(notice.number))
    if notice.audience_of == "customer":
        why = _("The customer has no Telegram chat with us and no phone number to call: "
                "please reach them another way.")
    elif notice.audience_of == STAFF:
        why = _("They have never written to me, so I cannot write to them, and I am in no "
                "group of theirs: please tell them, and ask them to write to me once.")
    else:
        why = _("No group is bound for them, or the bot was removed from it: an "
                "administrator can bind one with /bind.")
    return "\n".join([head, why]), None
