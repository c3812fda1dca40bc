"""Notices: what must be said, to whom — typed, one dataclass per kind (``kinds``), stored
in the outbox as kind + recipient + JSON payload (``base``), derived from case events
(``events``)."""

from core.notices.base import (
    DESK,
    SUPERVISORS,
    Notice,
    Route,
    UnreadableNotice,
    department,
    kinds,
    load,
)
from core.notices.events import cards_for, notices_for
from core.notices.kinds import (
    Card,
    CardEvent,
    Closed,
    ClosedSatisfied,
    CustomerNotice,
    DeadlineBreach,
    DeadlineWarning,
    Digest,
    DigestLine,
    GroupBack,
    GroupLost,
    Implemented,
    Invalid,
    MajorCase,
    MonthlyReport,
    OverdueDigest,
    Question,
    SolutionProposed,
    Survey,
    SurveyReminder,
)

__all__ = [
    "DESK", "SUPERVISORS", "Card", "CardEvent", "Closed", "ClosedSatisfied", "CustomerNotice",
    "DeadlineBreach", "DeadlineWarning", "Digest", "DigestLine", "GroupBack", "GroupLost",
    "Implemented", "Invalid", "MajorCase", "MonthlyReport", "Notice", "OverdueDigest",
    "Question", "Route", "SolutionProposed", "Survey", "SurveyReminder", "UnreadableNotice",
    "cards_for", "department", "kinds", "load", "notices_for",
]
