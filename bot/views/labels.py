"""Words for the codes the core speaks in: categories, remedies, states, ratings."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.utils.i18n import lazy_gettext as __
from babel import Locale, UnknownLocaleError

from core.domain.values import Channel
from core.policy import Category, Policy

CATEGORIES = {
    "product_quality": __("Product quality"),
    "batch_quality": __("Quality problem with a whole batch"),
    "engineering_quality": __("Engineering or work quality"),
    "transport_packaging": __("Transport or packaging"),
    "delivery_delay": __("Late delivery"),
    "documents": __("Documents or invoice"),
    "quantity_shortage": __("Quantity short"),
    "service_quality": __("Service or staff attitude"),
    "fees_billing": __("Fees and bills"),
    "fees_charges": __("Fees and charges"),
    "repair_service": __("Repairs"),
    "security_fire": __("Security and fire safety"),
    "cleaning_greening": __("Cleaning and green areas"),
    "public_facilities": __("Shared facilities"),
    "power_water": __("Power and water supply"),
    "late_arrival": __("Help arrived late"),
    "vehicle_damage": __("Damage to the vehicle"),
    "towed_vehicle_storage": __("Towing and vehicle storage"),
    "other": __("Something else"),
}

REMEDIES = {
    "return": __("Return it for a refund"),
    "exchange": __("An exchange"),
    "repair": __("A repair"),
    "discount": __("A discount"),
    "compensation": __("Compensation"),
    "explanation": __("An explanation"),
    "other": __("Something else"),
}

# How a complaint registered at the desk reached us (``core.domain.Channel``).
CHANNELS = {
    Channel.PHONE: __("📞 By phone"),
    Channel.VISIT: __("🚶 In person"),
    Channel.LETTER: __("✉️ A letter"),
    Channel.EMAIL: __("📧 An email"),
    Channel.GOVERNMENT: __("🏛️ From a government office"),
}

# What a customer reads about where their case is (plain words, no internal jargon).
STATES = {
    "received": __("received, being checked"),
    "investigating": __("being looked into"),
    "closed_invalid": __("closed after checking"),
    "assigned": __("passed to the responsible department"),
    "accepted": __("a colleague is working on it"),
    "awaiting_approval": __("a solution is being approved"),
    "awaiting_customer": __("waiting for your decision on the solution"),
    "implementing": __("the agreed solution is being carried out"),
    "implemented": __("solution carried out"),
    "revisiting": __("we are asking how satisfied you are"),
    "closed_satisfied": __("closed, resolved"),
    "closed": __("closed"),
}

# What staff read on their cards and lists: who has the ball now, in the desk's own terms
# (the customer's words above say "your decision", which on a staff card reads as theirs).
STAFF_STATES = {
    "received": __("new, to be checked by the desk"),
    "investigating": __("being checked by the desk"),
    "closed_invalid": __("closed as invalid"),
    "assigned": __("assigned, waiting for the department to take it"),
    "accepted": __("the department is working on it"),
    "awaiting_approval": __("solution waiting for the supervisors' approval"),
    "awaiting_customer": __("waiting for the customer to confirm the solution"),
    "implementing": __("carrying out the agreed solution"),
    "implemented": __("solution carried out, satisfaction survey due"),
    "revisiting": __("satisfaction survey under way"),
    "closed_satisfied": __("closed, customer satisfied"),
    "closed": __("closed"),
}

# The remedies as staff name what they offer (the customer's menu asks in the first person).
STAFF_REMEDIES = {
    "return": __("Return"),
    "exchange": __("Exchange"),
    "repair": __("Repair"),
    "discount": __("Discount"),
    "compensation": __("Compensation"),
    "explanation": __("Explanation"),
    "other": __("Other solution"),
}

# The customer's language as a card names it, in the staff's own language.
LANGUAGE_NAMES = {
    "zh_Hans": __("Simplified Chinese"),
    "zh_Hant": __("Traditional Chinese"),
    "en": __("English"),
}

RATINGS = {
    "very_satisfied": __("Very satisfied"),
    "satisfied": __("Satisfied"),
    "neutral": __("It is acceptable"),
    "dissatisfied": __("Dissatisfied"),
    "very_dissatisfied": __("Very dissatisfied"),
}


# The rungs of the escalation chains in the presets; an organisation's own code reads as
# itself, underscores made spaces.
LEVELS = {
    "front_desk": __("front desk"),
    "service_staff": __("service staff"),
    "sales_rep": __("sales representative"),
    "specialist": __("complaint specialist"),
    "cs_supervisor": __("customer service supervisor"),
    "department_head": __("head of department"),
    "department_manager": __("department manager"),
    "centre_manager": __("service centre manager"),
    "deputy_head": __("deputy head of division"),
    "division_head": __("head of division"),
    "company_head": __("head of the company"),
    "company_leader": __("company leadership"),
    "marketing_vp": __("vice president for sales"),
    "vice_president": __("vice president"),
    "general_manager": __("general manager"),
}


SEVERITIES = {"minor": __("minor"), "serious": __("serious"), "major": __("MAJOR")}
# A document's own names for them (``Policy.severity_labels``: 003's 一类/二类/三类投诉).
SEVERITY_NAMES = {"class_1": __("class 1"), "class_2": __("class 2"), "class_3": __("class 3")}


def severity_label(policy: Policy, code: str) -> str:
    """A severity as the organisation's document names it, else in our words."""
    name = {str(key): value for key, value in policy.severity_labels.items()}.get(code)
    if name is not None:
        return str(SEVERITY_NAMES[name.value])
    label = SEVERITIES.get(code)
    return str(label) if label is not None else code


# Why a case is major or serious (``core.policy.MajorTrigger``), as staff read it.
TRIGGERS = {
    "safety": __("a safety risk"),
    "injury": __("someone was hurt"),
    "media": __("the media"),
    "lawyer": __("a lawyer"),
    "police": __("the police"),
    "consumer_association": __("the consumer association"),
    "regulator": __("a regulator"),
    "court": __("a court"),
    "extreme_behaviour": __("extreme behaviour"),
    "reputation": __("harm to our reputation"),
    "repeat_complaint": __("complained before"),
    "written_complaint": __("a written complaint"),
    "government_transfer": __("passed on by a government office"),
    "staff_attitude": __("staff attitude"),
    "large_loss": __("a large financial loss"),
    "claim_letter": __("a letter claiming compensation"),
    "overdue_unsolved": __("past its deadline without a solution"),
}


def triggers_label(codes: Iterable[str]) -> str:
    """The triggers that fired, in words ("—" for none)."""
    words = [str(TRIGGERS[code]) if code in TRIGGERS else code.replace("_", " ")
             for code in codes]
    return ", ".join(words) or "—"


# The outside bodies a case can be settled through (core.services.supervision).
ROUTES = {"consumer_association": __("Consumer association (12315)"),
          "arbitration": __("Arbitration"), "court": __("Court")}


# Said to the customer in a sentence, so not the desk's short ROUTES (policy.OutsideRoute).
OUTSIDE_ROUTES = {
    "market_regulation": __("the market regulation complaint line, 12315"),
    "consumer_association": __("the consumer association"),
    "arbitration": __("arbitration"),
    "court": __("the courts"),
}


def settled_by(closure: str | None) -> str:
    """The outside body that settled a case closed as ``external_<route>``, in words."""
    closure = closure or ""
    label = ROUTES.get(closure.removeprefix("external_"))
    return str(label) if label is not None and closure.startswith("external_") else ""


def level_label(code: str) -> str:
    label = LEVELS.get(code)
    return str(label) if label is not None else code.replace("_", " ")


def category_label(category: Category | str | None) -> str:
    code = category.code if isinstance(category, Category) else category
    label = CATEGORIES.get(code or "other")
    return str(label) if label is not None else (code or "").replace("_", " ")


def remedy_label(code: str | None) -> str:
    label = REMEDIES.get(code or "other")
    return str(label) if label is not None else str(REMEDIES["other"])


def state_label(code: str) -> str:
    return str(STATES.get(code, code))


def staff_state_label(code: str) -> str:
    return str(STAFF_STATES.get(code, code))


def language_label(code: str | None, locale: str) -> str:
    """A language code as words; one the catalogs do not name reads as Babel names it."""
    if not code:
        return "—"
    label = LANGUAGE_NAMES.get(code)
    if label is not None:
        return str(label)
    try:
        return Locale.parse(code).get_display_name(locale) or code
    except (ValueError, UnknownLocaleError):
        return code


def staff_remedy_label(code: str | None) -> str:
    label = STAFF_REMEDIES.get(code or "other")
    return str(label) if label is not None else str(STAFF_REMEDIES["other"])


# The history a customer sees: what happened to their case, without internal notes.
CUSTOMER_EVENTS = {
    "file": __("Complaint received"),
    "invalidate": __("Checked and closed"),
    "assign": __("Passed to the responsible department"),
    "transfer": __("Passed to another department"),
    "accept": __("A colleague took charge of it"),
    "hand_back": __("Being looked into again"),
    "approve": __("Solution approved"),
    "customer_accept": __("You accepted the solution"),
    "customer_reject": __("You asked for a different solution"),
    "mark_implemented": __("Solution carried out"),
    "record_revisit": __("Your satisfaction was recorded"),
    "close": __("Closed"),
    "reopen": __("Reopened"),
    "ask_customer": __("We asked you a question"),
    "answer_question": __("You answered our question"),
    "add_evidence": __("A file was added"),
    "customer_object": __("You disagreed with the finding"),
    "confirm_finding": __("Checked again: the finding stands"),
    "grant_extension": __("More time was needed; you were told the new date"),
    "agree_time": __("A time was agreed with you"),
    "record_visit": __("We visited you"),
}
