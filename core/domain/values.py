"""Value objects of the complaint domain: plain, immutable, validated on creation."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal, overload

from core.domain.errors import DomainError

MAX_DESCRIPTION = 8000  # the customer's whole story, gathered over several messages
MAX_TEXT = 2000  # notes, reasons, findings, questions, answers
MAX_SHORT = 200  # names, product, place, order numbers
MAX_AMOUNT = Decimal("100000000")  # beyond any complaint remedy: a typo, not a claim


class Role(StrEnum):
    CUSTOMER = "customer"
    SPECIALIST = "specialist"  # customer service: owns the case end to end
    DEPARTMENT = "department"  # a member of a responsible department
    SUPERVISOR = "supervisor"
    SYSTEM = "system"  # the scheduler acting on deadlines


class Severity(StrEnum):
    MINOR = "minor"
    SERIOUS = "serious"
    MAJOR = "major"


class RemedyKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    DISCOUNT = "discount"
    COMPENSATION = "compensation"
    EXPLANATION = "explanation"


class Rating(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"
    NO_ANSWER = "no_answer"

    @property
    def is_dissatisfied(self) -> bool:
        return self in (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class Channel(StrEnum):
    CHAT = "chat"
    PHONE = "phone"
    VISIT = "visit"
    EMAIL = "email"
    LETTER = "letter"
    MEDIA = "media"
    GOVERNMENT = "government"  # passed on by a government office (003 二类E)
    OTHER = "other"

    @property
    def is_written(self) -> bool:
        return self in (Channel.LETTER, Channel.EMAIL)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person id in our ledger, their role, and where they sit."""

    person_id: int | None
    role: Role
    department: str | None = None
    level: str | None = None  # their rung on the policy's escalation chain
    # The case's version the person acts on, when they act from a menu or prompt made for
    # it: the case must not have changed since (``Case.check_may``). None: as it is now.
    saw: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(person_id=None, role=Role.SYSTEM)

    def seeing(self, version: int) -> Actor:
        """This actor, acting on the case as it was at ``version`` (0: as it is now)."""
        return replace(self, saw=version or None)


# The serial grows past 9999, but not past what a database integer holds (forged input).
_CASE_NUMBER = re.compile(r"^(\d{2})(\d{2})-(\d{4,9})$")


@dataclass(frozen=True, order=True)
class CaseNumber:
    """``YYMM-NNNN`` (000 §Ⅶ 第八条); the serial simply grows past 9999."""

    period: str  # "YYMM"
    serial: int

    @classmethod
    def for_month(cls, moment: datetime, serial: int) -> CaseNumber:
        return cls(moment.strftime("%y%m"), serial)

    @classmethod
    def parse(cls, text: str) -> CaseNumber:
        match = _CASE_NUMBER.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise DomainError("bad_case_number", value=text[:40])
        return cls(match.group(1) + match.group(2), int(match.group(3)))

    def __str__(self) -> str:
        return f"{self.period}-{self.serial:04d}"


def money(value: object, field: str = "amount") -> Decimal:
    """A positive amount with at most two decimals and below ``MAX_AMOUNT``."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("bad_amount", field=field) from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise DomainError("bad_amount", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("bad_amount", field=field)
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Remedy:
    """A proposed solution (001 范文3): what, how much, in which currency, and why."""

    kind: RemedyKind
    text: str
    amount: Decimal | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.kind in (RemedyKind.DISCOUNT, RemedyKind.COMPENSATION) and self.amount is None:
            raise DomainError("amount_required", kind=self.kind.value)
        if self.amount is not None:
            object.__setattr__(self, "amount", money(self.amount))
            if not self.currency or not re.fullmatch(r"[A-Z]{3}", self.currency):
                raise DomainError("bad_currency", value=str(self.currency)[:10])
        check_text("solution", self.text, MAX_TEXT)


@overload
def check_text(field: str, text: str | None, limit: int, *,
               required: Literal[True] = True) -> str: ...
@overload
def check_text(field: str, text: str | None, limit: int, *, required: bool) -> str | None: ...
def check_text(field: str, text: str | None, limit: int, *, required: bool = True) -> str | None:
    """Trimmed text within ``limit`` characters, or a domain error naming the field."""
    if text is None or not text.strip():
        if required:
            raise DomainError("text_required", field=field)
        return None
    text = text.strip()
    if len(text) > limit:
        raise DomainError("text_too_long", field=field, limit=limit, length=len(text))
    return text


# Contact lines are short; anything longer is refused before any pattern looks at it, so
# a flood of digits costs nothing (the checks below are linear besides).
MAX_CONTACT = 200
MAX_PHONE = 40
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 6, 15  # ITU E.164 allows at most 15
_PHONE = re.compile(r"^\+?[0-9][0-9 \-()]{5,22}[0-9]$")


def check_phone(phone: str | None, *, required: bool = False) -> str | None:
    """A phone number a person could dial: digits with the usual separators."""
    if phone is None or not phone.strip():
        if required:
            raise DomainError("text_required", field="phone")
        return None
    cleaned = phone.strip()
    digits = re.sub(r"\D", "", cleaned)
    # ``problem`` says what to fix: too few digits, too many, or what a number cannot hold.
    if len(digits) < MIN_PHONE_DIGITS:
        raise DomainError("bad_phone", problem="too_short", digits=len(digits))
    if len(digits) > MAX_PHONE_DIGITS or len(cleaned) > MAX_PHONE:
        raise DomainError("bad_phone", problem="too_long", digits=len(digits))
    if not _PHONE.match(cleaned):
        raise DomainError("bad_phone", problem="characters", digits=len(digits))
    return ("+" if cleaned.startswith("+") else "") + digits


_PHONE_CHARS = frozenset("-()")
_NAME_ENDS = ",;:"


def _in_phone(char: str) -> bool:
    return char.isdecimal() or char.isspace() or char in _PHONE_CHARS


def split_contact(text: str) -> tuple[str, str] | None:
    """"Li Lei 13800138000" -> ("Li Lei", "13800138000"); None when no number ends it.
    The number is not yet validated (see ``check_phone``).

    One pass from the end, no backtracking: the number is the longest tail of digits and
    separators that starts with a digit (or "+" and a digit), the name what stands before
    it on the first line. Text longer than ``MAX_CONTACT`` is no contact line at all."""
    text = text.strip()
    if len(text) > MAX_CONTACT:
        return None
    start = len(text)
    while start > 0 and _in_phone(text[start - 1]):
        start -= 1
    while start < len(text) and not text[start].isdecimal():
        start += 1  # the number begins at a digit; separators before it stay with the name
    if start > 0 and text[start - 1] == "+":
        start -= 1
    phone = text[start:]
    if len(phone.lstrip("+")) < 6:
        return None
    end = start
    while end > 0 and (text[end - 1].isspace() or text[end - 1] in _NAME_ENDS):
        end -= 1
    name = text[:end].strip()
    if "\n" in name:
        return None
    return name, phone
