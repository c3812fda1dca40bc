"""The notice kinds said to the customer, in their private chat (the rest: ``kinds``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from core.notices.base import Notice, Route

__all__ = [
    "Closed", "ClosedSatisfied", "CustomerNotice", "DeadlineExtended", "FindingConfirmed",
    "FindingReopened",
    "Implemented", "Invalid", "PromiseSlipped", "Question", "SolutionProposed", "Survey",
    "SurveyReminder",
]


@dataclass(frozen=True, kw_only=True)
class CustomerNotice(Notice):
    """Said to the customer of a case (``customer_id`` is their person id)."""

    routing: ClassVar[frozenset[str]] = frozenset({"customer_id"})
    customer_id: int
    number: str

    def route(self) -> Route:
        return Route("customer", str(self.customer_id))

    @classmethod
    def _routed(cls, route: Route) -> dict[str, Any]:
        return {"customer_id": int(route.address)}


@dataclass(frozen=True, kw_only=True)
class SolutionProposed(CustomerNotice):
    kind = "solution_proposed"
    remedy: str  # RemedyKind value
    amount: str  # "" when the remedy has none
    currency: str
    text: str
    department: str  # who proposes it ("" before one has the case)


@dataclass(frozen=True, kw_only=True)
class Question(CustomerNotice):
    kind = "question"
    question: str


@dataclass(frozen=True, kw_only=True)
class Survey(CustomerNotice):
    kind = "survey"
    round: int


@dataclass(frozen=True, kw_only=True)
class SurveyReminder(CustomerNotice):
    kind = "survey_reminder"  # also the name of the job that queues it
    round: int


@dataclass(frozen=True, kw_only=True)
class Invalid(CustomerNotice):
    kind = "invalid"
    finding: str


@dataclass(frozen=True, kw_only=True)
class FindingConfirmed(CustomerNotice):
    """The desk looked again at the customer's objection; the finding stands."""

    kind = "finding_confirmed"
    reason: str


@dataclass(frozen=True, kw_only=True)
class FindingReopened(CustomerNotice):
    """The desk looked again at the customer's objection and reopened the case (its
    reason is an internal note, not said)."""

    kind = "finding_reopened"


@dataclass(frozen=True, kw_only=True)
class Implemented(CustomerNotice):
    kind = "implemented"
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ClosedSatisfied(CustomerNotice):
    kind = "closed_satisfied"


@dataclass(frozen=True, kw_only=True)
class Closed(CustomerNotice):
    """Closed by a supervisor, e.g. settled by an outside body."""

    kind = "closed"
    closure: str  # how it was settled (a closure code), "" when not said
    outcome: str


@dataclass(frozen=True, kw_only=True)
class PromiseSlipped(CustomerNotice):
    """The answer promised at intake is late: the customer hears it from us first, with
    an apology and when to expect it (PROCEDURE.md §2, "promise only what can be kept")."""

    kind = "promise_slipped"
    promised: str  # ISO instant, in the calendar's time zone
    expect: str  # ISO instant of the case's own end date; "" when none is later than now


@dataclass(frozen=True, kw_only=True)
class DeadlineExtended(CustomerNotice):
    """A supervisor granted the department more time (002 §7.1 特殊情况): the customer hears
    the new date from us, before the old one passes."""

    kind = "deadline_extended"
    until: str  # ISO instant, in UTC
    agreed: bool = False  # the time the customer agreed with the department (004 三.2)
