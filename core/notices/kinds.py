"""Every notice kind there is: its fields (the stored payload's keys) and its recipient
(the customer's in ``customer_kinds``, re-exported here).

To add one: a frozen dataclass here with a new ``kind``, a renderer in
``bot/views/notice_texts.py`` and its words in the catalogs; ``tests/bot/test_notice_texts.py``
asks for a sample of it and renders it in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from core.notices.base import DESK, STAFF, SUPERVISORS, Notice, Route
from core.notices.customer_kinds import (  # one registry: these are kinds too
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

__all__ = [
    "CallCustomer", "Card", "CardEvent", "Closed", "ClosedSatisfied", "CustomerNotice",
    "DeadlineBreach", "DeadlineExtended", "DeadlineWarning", "Digest", "DigestLine",
    "EscalatedToYou", "EvidenceOverdue", "ExtensionRequested", "FindingConfirmed",
    "FindingReopened", "ForStaffMember", "GroupBack", "GroupLost",
    "Implemented", "Invalid", "MajorCase", "MajorCaseToYou", "MajorFacts", "MonthlyReport",
    "OverdueDigest", "PromiseSlipped", "Question",
    "SolutionProposed", "StaffJoined", "Survey", "SurveyReminder", "Undelivered",
]


# --- to staff groups ------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Routed(Notice):
    """Said to whichever group ``to`` names."""

    routing: ClassVar[frozenset[str]] = frozenset({"to"})
    to: Route

    def route(self) -> Route:
        return self.to

    @classmethod
    def _routed(cls, route: Route) -> dict[str, Any]:
        return {"to": route}


@dataclass(frozen=True, kw_only=True)
class ForSupervisors(Notice):
    """Said to the supervisors' group."""

    def route(self) -> Route:
        return SUPERVISORS


@dataclass(frozen=True)
class CardEvent:
    """An event to note under a case's card."""

    event: str  # Action value
    note: str
    actor_id: int | None
    role: str
    detail: str = ""  # a code the note names, e.g. a survey's rating
    # The file an added-evidence event brought (kind, Telegram file id), so the note under
    # the card can be the file itself; empty for every other event.
    file_kind: str = ""
    file_ref: str = ""


@dataclass(frozen=True, kw_only=True)
class Card(Routed):
    """Refresh the case's card in a group, noting these events under it.

    ``shown_only``: refresh it only if the group already shows a card of the case (the
    card sender knows from its records); never post a new one there."""

    kind = "card"
    number: str
    events: tuple[CardEvent, ...]
    shown_only: bool = False


@dataclass(frozen=True, kw_only=True)
class DeadlineAlert(Notice):
    """A clock of a case about to run out or run out (both kinds store every field)."""

    number: str
    clock: str  # Clock value
    due: str  # ISO instant in the calendar's time zone
    late_by_minutes: int
    due_in_minutes: int
    level: str  # escalation level code, after any escalation
    escalated: bool
    severity: str
    state: str
    department: str
    # How late in working time (the calendar's opening hours), which is what the
    # deadline counts; -1 in alerts stored before it was recorded.
    late_working_minutes: int = -1
    # On an escalating breach: the people on the new level, by name (the organisation
    # file's), so the group reads who now has it; () when none is listed.
    named: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DeadlineWarning(DeadlineAlert, Routed):
    kind = "deadline_warning"


@dataclass(frozen=True, kw_only=True)
class DeadlineBreach(DeadlineAlert, ForSupervisors):
    kind = "deadline_breach"


@dataclass(frozen=True, kw_only=True)
class ForStaffMember(Notice):
    """Said to one member of staff in their private chat with the bot (their Telegram id,
    from the organisation file)."""

    routing: ClassVar[frozenset[str]] = frozenset({"telegram_id"})
    telegram_id: int

    def route(self) -> Route:
        return Route(STAFF, str(self.telegram_id))

    @classmethod
    def _routed(cls, route: Route) -> dict[str, Any]:
        return {"telegram_id": int(route.address)}


@dataclass(frozen=True, kw_only=True)
class EscalatedToYou(DeadlineAlert, ForStaffMember):
    """A missed deadline moved the case up to the recipient's rung of the escalation
    chain: the breach, told to each person on the new level."""

    kind = "escalated_to_you"


@dataclass(frozen=True, kw_only=True)
class ExtensionRequested(ForSupervisors):
    """A department asks for more time on a case, with its reason; a supervisor grants or
    refuses it from this message."""

    kind = "extension_requested"
    number: str
    department: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class MajorFacts(Notice):
    """What leadership hears of a major complaint (PROCEDURE.md §5)."""

    number: str
    category: str
    department: str
    triggers: tuple[str, ...]  # MajorTrigger values
    complainants: int
    batch_units: int | None
    claimed_amount: str  # "" when none was claimed
    channel: str
    # The role of whoever marked it major after filing ("" when it was filed major).
    marked_by: str = ""
    # 0 on the first alert; on a repeat, how long it has gone unacknowledged
    # (``Policy.major.alert_within`` passed without a supervisor taking it up).
    unanswered_minutes: int = 0


@dataclass(frozen=True, kw_only=True)
class MajorCase(MajorFacts, ForSupervisors):
    """A case became major (filed so, or marked so later): the supervisors' group hears."""

    kind = "major_case"


@dataclass(frozen=True, kw_only=True)
class MajorCaseToYou(MajorFacts, ForStaffMember):
    """The same, to each person on the top rung of the escalation chain, privately."""

    kind = "major_case_to_you"


@dataclass(frozen=True)
class DigestLine:
    number: str
    state: str
    owner: str
    due: str  # ISO instant, "" when no clock runs
    clock: str = ""  # which deadline ``due`` is (a ``Deadline`` code); "" in older rows
    late: bool = False  # past that deadline when the digest was made


@dataclass(frozen=True, kw_only=True)
class Digest(Notice):
    """A department's open cases of the day."""

    kind = "digest"
    routing: ClassVar[frozenset[str]] = frozenset({"department"})
    department: str
    day: str
    cases: tuple[DigestLine, ...]  # the first few
    total: int

    def route(self) -> Route:
        return Route("department", self.department)

    @classmethod
    def _routed(cls, route: Route) -> dict[str, Any]:
        return {"department": route.address}


@dataclass(frozen=True, kw_only=True)
class OverdueDigest(ForSupervisors):
    """The overdue cases of the day, for the supervisors."""

    kind = "overdue_digest"
    day: str
    cases: tuple[DigestLine, ...]
    total: int


@dataclass(frozen=True, kw_only=True)
class GroupLost(ForSupervisors):
    """The bot was removed from a bound group."""

    kind = "group_lost"
    binding: str  # "desk", "supervisors" or "department:<code>"
    chat_id: int


@dataclass(frozen=True, kw_only=True)
class GroupBack(ForSupervisors):
    kind = "group_back"
    binding: str
    chat_id: int


@dataclass(frozen=True, kw_only=True)
class StaffJoined(Routed):
    """Someone opened an invitation and is now staff; told to the group they work in."""

    kind = "staff_joined"
    name: str
    role: str  # specialist | department | supervisor
    department: str  # "" unless role is department
    level: str  # "" when the invitation named no rung


@dataclass(frozen=True, kw_only=True)
class MonthlyReport(ForSupervisors):
    """Last month's report (``core.reports.monthly``); the bot computes it when sending."""

    kind = "monthly_report"
    period: str  # Period label


# --- what reaches nobody ---------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class CallCustomer(Notice):
    """A customer notice nobody can read in Telegram (a phone or walk-in caller, or one who
    blocked the bot), turned into a task for the desk: call them and tell them. ``about``
    and ``said`` are the customer notice's kind and payload, so the desk reads the same
    words and gets buttons to record the customer's answer (``core.services.reach``)."""

    kind = "call_customer"
    number: str
    name: str
    phone: str  # "" when the case has no number to call
    about: str  # the customer notice's kind
    said: dict[str, Any]  # its payload

    def route(self) -> Route:
        return DESK


@dataclass(frozen=True, kw_only=True)
class EvidenceOverdue(Notice):
    """The rules require evidence and none came within ``validity.evidence_late_days`` of
    the complaint (001 §4.3 e): the desk may now find it invalid."""

    kind = "evidence_overdue"
    number: str
    days: int  # the policy's limit

    def route(self) -> Route:
        return DESK


@dataclass(frozen=True, kw_only=True)
class Undelivered(Routed):
    """A notice for a group that has no chat (no group bound, or the bot was removed):
    told to the desk (or, for the desk's own, the supervisors) instead of said to nobody."""

    kind = "undelivered"
    about: str  # the undelivered notice's kind
    audience_of: str  # who it was for: customer | desk | department | supervisors
    address_of: str  # the department's code, the customer's person id, or ""
    number: str  # the case's number, "" when it is about no case
    reason: str
