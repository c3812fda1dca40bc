"""Callback data factories: short prefixes, ids only (Telegram allows 64 bytes)."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Ids and pages as a database can hold them (a signed 64-bit integer): forged data with a
# larger number does not unpack, so the filters pass it by and the press is answered as
# a stale button, never with an overflow deep in the database driver.
Id = Annotated[int, Field(ge=0, le=2**63 - 1)]
Page = Annotated[int, Field(ge=0, le=2**31 - 1)]
# The case's version a menu was made for (0: none, the button acts on the case as it is);
# a press after the case changed is refused (``Actor.saw``).
Version = Annotated[int, Field(ge=0, le=2**63 - 1)]


def _versioned(cls: type[CallbackData], value: str) -> str:
    """Buttons sent before ``version`` was added (cards still on screen) lack it: read as
    version 0, acting on the case as it is, as they always did."""
    if value.count(cls.__separator__) == len(cls.model_fields) - 1:
        return value + cls.__separator__ + "0"
    return value


class LanguageChoice(CallbackData, prefix="lang"):
    code: Literal["zh_Hans", "zh_Hant", "en"]


class IntakeAction(CallbackData, prefix="in"):
    """A button in the intake conversation; ``value`` is a code, never free text."""

    action: Literal["cat", "when", "where", "demand", "skip", "ok", "edit", "cancel",
                    "discard", "keep", "delivered", "files_done"]
    value: str = ""


class CaseView(CallbackData, prefix="cv"):
    case_id: Id


class CaseAddInfo(CallbackData, prefix="ca"):
    case_id: Id


class Decision(CallbackData, prefix="dc"):
    """The customer's answer to a proposed solution or a question on their case, a comment
    after the survey, an objection to an invalid finding."""

    action: Literal["accept", "reject", "answer", "comment", "disagree"]
    case_id: Id


class FollowUpChoice(CallbackData, prefix="fu"):
    """Which case a message written with nothing under way is about; 0: something new."""

    case_id: Id


class SurveyAnswer(CallbackData, prefix="sv"):
    case_id: Id
    rating: Literal["very_satisfied", "satisfied", "neutral", "dissatisfied",
                    "very_dissatisfied"]


class StaffAction(CallbackData, prefix="st"):
    """A button on a task card. ``action`` is a code of ``bot.actions.card`` (or
    ``register``); the routers' filters let no other through. ``arg`` is a code
    (department, remedy kind), never text. A card's own buttons carry no ``version`` (the
    card is edited as the case moves); the menus and prompts they open do."""

    action: str
    case_id: Id
    arg: str = ""
    version: Version = 0

    @classmethod
    def unpack(cls, value: str) -> Self:
        return super().unpack(_versioned(cls, value))


class SupervisorAction(CallbackData, prefix="su"):
    """A button on the supervisor's desk. ``action`` is a view (``view``, ``history``,
    ``evidence``) or a code of ``bot.actions.desk``; the routers' filters let no other
    through. ``arg`` is a code or an id (a department, a severity, a staff member's Telegram
    id, an external route), never text."""

    action: str
    case_id: Id
    arg: str = ""
    page: Page = 0
    version: Version = 0

    @classmethod
    def unpack(cls, value: str) -> Self:
        return super().unpack(_versioned(cls, value))


class SupervisorPage(CallbackData, prefix="sp"):
    """Prev / next on the list of overdue cases."""

    page: Page


# Indexes into the policy's departments and escalation chain (-1: not chosen yet) keep
# the data short whatever the organisation's codes are.
Index = Annotated[int, Field(ge=-1, le=999)]


class InviteStep(CallbackData, prefix="iv"):
    """/invite by buttons: each press fills one more field; the last one makes the link."""

    role: Literal["", "specialist", "department", "supervisor"] = ""
    department: Index = -1
    level: Index = -1


class StaffEdit(CallbackData, prefix="sf"):
    """/staff: show the list, choose a rung for someone, set it, or remove them."""

    op: Literal["list", "rung", "set", "remove"]
    telegram_id: Id = 0
    level: Index = -1
