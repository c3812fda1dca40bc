"""The complaint domain: plain objects, no I/O, no clock of its own."""

from core.domain.case import Case, CaseEvent
from core.domain.errors import DomainError, NotFound
from core.domain.intake import Evidence, Intake, assess_severity
from core.domain.states import CLOSED_STATES, OPEN_STATES, Action, CaseState
from core.domain.values import (
    Actor,
    CaseNumber,
    Channel,
    Rating,
    Remedy,
    RemedyKind,
    Role,
    Severity,
)

__all__ = [
    "CLOSED_STATES",
    "OPEN_STATES",
    "Action",
    "Actor",
    "Case",
    "CaseEvent",
    "CaseNumber",
    "CaseState",
    "Channel",
    "DomainError",
    "Evidence",
    "Intake",
    "NotFound",
    "Rating",
    "Remedy",
    "RemedyKind",
    "Role",
    "Severity",
    "assess_severity",
]
