"""Callback data factories: short prefixes, ids only (Telegram allows 64 bytes)."""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lang"):
    code: Literal["zh_Hans", "zh_Hant", "en"]


class IntakeAction(CallbackData, prefix="in"):
    """A button in the intake conversation; ``value`` is a code, never free text."""

    action: Literal["cat", "when", "demand", "skip", "ok", "edit", "cancel", "discard", "keep"]
    value: str = ""


class CaseView(CallbackData, prefix="cv"):
    case_id: int


class CaseAddInfo(CallbackData, prefix="ca"):
    case_id: int


class Decision(CallbackData, prefix="dc"):
    """The customer's answer to a proposed solution or a question on their case."""

    action: Literal["accept", "reject", "answer"]
    case_id: int


class SurveyAnswer(CallbackData, prefix="sv"):
    case_id: int
    rating: Literal["very_satisfied", "satisfied", "neutral", "dissatisfied",
                    "very_dissatisfied"]


class StaffAction(CallbackData, prefix="st"):
    """A button on a task card. ``action`` is a code of ``bot.actions.card`` (or
    ``register``); the routers' filters let no other through. ``arg`` is a code
    (department, remedy kind), never text."""

    action: str
    case_id: int
    arg: str = ""


class SupervisorAction(CallbackData, prefix="su"):
    """A button on the supervisor's desk. ``action`` is a view (``view``, ``history``,
    ``evidence``) or a code of ``bot.actions.desk``; the routers' filters let no other
    through. ``arg`` is a code or an id (a department, a severity, a staff member's Telegram
    id, an external route), never text."""

    action: str
    case_id: int
    arg: str = ""
    page: int = 0


class SupervisorPage(CallbackData, prefix="sp"):
    """Prev / next on the list of overdue cases."""

    page: int
