"""The words of a report: sheet names, headers, chart labels, the text summary.

Core speaks codes; these English msgids are translated by whoever renders the report
(the bot through its I18n, the command line through the same catalogs read directly).
``_`` only marks a msgid for ``tools/sync_catalogs.py``; translation happens in ``Words``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


def _(text: str) -> str:
    return text


NONE = _("(none)")
VALIDITY = {"valid": _("Valid"), "invalid": _("Invalid"), "pending": _("Not yet judged")}
SEVERITY = {"minor": _("Minor"), "serious": _("Serious"), "major": _("Major")}
# A document's own names for them (``Policy.severity_labels``: 003's 一类/二类/三类投诉).
SEVERITY_NAMES = {"class_1": _("Class 1"), "class_2": _("Class 2"), "class_3": _("Class 3")}
DEADLINES = {
    "first_response": _("First response"),
    "handover": _("Hand-over"),
    "department_solution": _("Department's solution"),
    "customer_answer": _("Answer to the customer"),
    "revisit": _("Revisit"),
    "whole_case": _("Whole case"),
    "progress": _("Progress report"),
    "visit": _("Visit to the customer"),
}
RATINGS = {
    "very_satisfied": _("Very satisfied"),
    "satisfied": _("Satisfied"),
    "neutral": _("Neutral"),
    "dissatisfied": _("Dissatisfied"),
    "very_dissatisfied": _("Very dissatisfied"),
    "no_answer": _("No answer"),
}
REMEDIES = {
    "return": _("Return"), "exchange": _("Exchange"), "repair": _("Repair"),
    "discount": _("Discount"), "compensation": _("Compensation"),
    "explanation": _("Explanation"),
}
STATES = {
    "received": _("Received"), "investigating": _("Investigating"),
    "closed_invalid": _("Closed as invalid"), "assigned": _("Assigned"),
    "accepted": _("Accepted"), "awaiting_approval": _("Awaiting approval"),
    "awaiting_customer": _("Awaiting the customer"), "implementing": _("Implementing"),
    "implemented": _("Implemented"), "revisiting": _("Revisiting"),
    "closed_satisfied": _("Closed, satisfied"), "closed": _("Closed"),
}
SHEETS = {
    "summary": _("Summary"), "category": _("By category"), "department": _("By department"),
    "severity": _("By severity"), "validity": _("By validity"), "on_time": _("On time"),
    "trend": _("On-time trend"), "satisfaction": _("Satisfaction"),
    "repeats": _("Repeat complaints"), "compensation": _("Compensation"),
    "root_causes": _("Root causes"), "cases": _("Cases"),
}
HEAD = {
    "category": _("Category"), "department": _("Department"), "severity": _("Severity"),
    "validity": _("Validity"), "cases": _("Cases"), "share": _("Share"),
    "clock": _("Deadline"), "counted": _("Counted"), "on_time": _("On time"),
    "late": _("Late"), "running": _("Still running"), "rate": _("On-time rate"),
    "period": _("Period"), "answers": _("Answers"), "satisfied_rate": _("Satisfied"),
    "overall": _("Overall"), "kind": _("Kind"), "who": _("Customer or product"),
    "numbers": _("Case numbers"), "remedy": _("Solution"), "proposals": _("Proposed"),
    "proposed_amount": _("Amount proposed"), "needed_approval": _("Needed approval"),
    "approved": _("Approved"), "approved_amount": _("Amount approved"),
    "total": _("Total"), "root_cause": _("Root cause"), "times": _("Times recorded"),
    "measure": _("Measure"), "recurring": _("Recurring"),
    "number": _("Case number"), "filed": _("Filed"), "state": _("State"),
    "channel": _("Channel"), "customer": _("Customer"), "product": _("Product"),
    "level": _("Escalation level"), "reopened": _("Reopened"), "amount": _("Amount"),
    "rating": _("Last rating"), "closed": _("Closed"), "figure": _("Figure"),
    "value": _("Value"), "repeat_customer": _("Same customer"),
    "repeat_product": _("Same product"), "yes": _("yes"), "generated": _("Generated"),
}
CHART = {
    "by_category": _("Complaints by category and department"),
    "by_department": _("Complaints by department"),
    "trend": _("On-time rate by deadline"),
    "satisfaction": _("Satisfaction by department"),
    "share": _("Share of answers"),
}
TEXT = {
    "title": _("Complaint summary for {period}"),
    "empty": _("No complaints were filed in {period}. There is nothing to report."),
    "total": _("Complaints: {total} (valid {valid}, invalid {invalid}, not yet judged "
               "{pending})."),
    "severity": _("Serious: {serious}, major: {major}."),
    "severity_named": _("{serious_name}: {serious}, {major_name}: {major}."),
    "top_categories": _("Most frequent: {items}."),
    "departments": _("By department: {items}."),
    "on_time": _("On time: {items}."),
    "satisfaction": _("Satisfaction: {rate} satisfied of {answers} answers."),
    "no_survey": _("No satisfaction survey was answered yet."),
    "repeats": _("Repeat complaints: {customers} customers, {products} products."),
    "compensation": _("Solutions with an amount: {proposed} proposed ({proposed_amount}), "
                      "{approved} approved ({approved_amount})."),
    "root_causes": _("Recurring root causes: {items}."),
}


@dataclass(frozen=True)
class Words:
    """Translates report msgids; ``category`` and ``department`` label codes."""

    gettext: Callable[[str], str] = str
    category_label: Callable[[str], str] | None = None
    department_label: Callable[[str], str] | None = None
    severity_names: Mapping[str, str] = field(default_factory=dict)  # code -> SEVERITY_NAMES

    def __call__(self, msgid: str, **params: object) -> str:
        text = self.gettext(msgid)
        return text.format(**params) if params else text

    def category(self, code: str | None) -> str:
        if not code:
            return self(NONE)
        return (self.category_label(code) if self.category_label
                else code.replace("_", " ").capitalize())

    def department(self, code: str | None) -> str:
        if not code:
            return self(NONE)
        return self.department_label(code) if self.department_label else code

    def severity(self, code: str | None) -> str:
        """A severity as the organisation's document names it, else in our words."""
        name = self.severity_names.get(code or "")
        return self.of(SEVERITY_NAMES, name) if name else self.of(SEVERITY, code)

    def of(self, table: dict[str, str], code: str | None) -> str:
        """A code's word from one of the tables above (the code itself if unknown)."""
        if not code:
            return self(NONE)
        msgid = table.get(code)
        return self(msgid) if msgid else code


@lru_cache(maxsize=8)
def _catalog(language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as po:
        return {m.id: m.string for m in read_po(po, locale=language)
                if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string}


def catalog_words(language: str, department_label: Callable[[str], str] | None = None,
                  severity_names: Mapping[str, str] | None = None) -> Words:
    """Words read straight from ``locales/`` (for the command line, which has no bot)."""
    table = _catalog(language)
    return Words(lambda msgid: table.get(msgid) or msgid, department_label=department_label,
                 severity_names=severity_names or {})
