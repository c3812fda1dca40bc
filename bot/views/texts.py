"""Words for domain error codes; the codes are stable, the words live in the catalogs."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from core.domain import DomainError

ERRORS = {
    "role_not_allowed": __("Sorry, that is not something you can do here."),
    "invalid_transition": __("This case has moved on in the meantime; that step no longer applies."),
    "moved_on": __("Case {number} has changed since this was asked, so nothing was done. "
                   "Please start again from the case as it is now."),
    "not_your_case": __("That case is not one of yours."),
    "not_your_department": __("This case belongs to another department."),
    "not_the_owner": __("Only the colleague who took this case can do that."),
    "own_case": __("This is your own complaint, so a colleague will handle it; you cannot "
                   "act on it as staff."),
    "text_required": __("Please write a few words first."),
    "text_too_long": __("That is longer than I can keep ({length} characters; at most {limit}). "
                        "Could you shorten it or send it in parts?"),
    "bad_phone": __("That does not look like a phone number. Please send digits only, "
                    "for example 13800138000."),
    "bad_amount": __("Please give an amount greater than zero, with at most two decimals."),
    "bad_currency": __("That currency is not the one this desk works in."),
    "amount_required": __("This kind of solution needs an amount."),
    "beyond_your_authority": __("That amount is beyond your authority; it needs approval."),
    "beyond_all_authority": __("Nobody here may grant that amount."),
    "case_not_found": __("I could not find that case."),
    "bad_case_number": __("A case number looks like 2611-0001."),
    "unknown_department": __("There is no such department."),
    "unknown_category": __("There is no such category."),
    "unknown_language": __("That language is not available."),
    "already_top_level": __("The case is already at the top of the escalation chain."),
    "already_bottom_level": __("The case is already at the first level."),
    "no_question_pending": __("There is no open question on this case."),
    "no_objection_pending": __("The customer has no objection waiting on this case."),
    "nothing_changed": __("Nothing changed."),
    "not_major": __("This case is not major (any more)."),
    "already_acknowledged": __("Someone has already taken up this major case."),
    "already_signed": __("You have signed already; the approval needs a second person of "
                         "your rung."),
    "already_extended": __("More time has already been asked for on this case."),
    "no_extension_pending": __("Nobody is waiting for more time on this case."),
    "no_extensions": __("The organisation's rules give no extra time."),
    "bad_moment": __("I could not read a moment ahead in that. Write it like \"tomorrow "
                     "15:00\" or \"8 Dec 15:00\", and press the button again."),
    "time_in_past": __("That moment has passed already."),
    "already_visited": __("The visit is already on record."),
    "already_reported": __("It is already reported carried out; the department head "
                           "confirms it."),
    "too_much_evidence": __("This case already has as many files as it can hold."),
    "already_taken": __("{owner} has already taken this case."),
    "not_an_admin": __("Only an administrator of the complaint desk can do that."),
    "bad_binding": __("Use /bind desk, /bind supervisors or /bind department CODE."),
    "not_a_supervisor": __("These commands are for supervisors, in the supervisors' group or "
                           "in a private chat with me."),
    "not_in_department": __("That person does not work in this case's department."),
    "bad_choice": __("That choice is not available."),
    "not_a_staff_manager": __("Only an administrator or a supervisor can do that."),
    "staff_in_private": __("Please send me that in a private chat: invitations and the staff "
                           "list are not for a group."),
    "bad_invitation": __("Use /invite specialist RUNG, /invite department CODE RUNG or "
                         "/invite supervisor RUNG, or just /invite for buttons."),
    "unknown_level": __("There is no rung {level} on the escalation chain."),
    "not_staff": __("That person is not staff."),
    "invitation_unknown": __("This invitation link is not valid. Please ask for a new one."),
    "invitation_used": __("This invitation has already been used. Please ask for a new one."),
    "invitation_expired": __("This invitation has expired. Please ask for a new one."),
    "search_too_short": __("Please give at least two characters to look for."),
}


def explain(error: DomainError) -> str:
    """The translated sentence for a refused command."""
    text = ERRORS.get(error.code)
    if text is None:
        return _("Sorry, that could not be done.")
    try:
        return str(text).format(**error.params)
    except (KeyError, IndexError):
        return str(text)
