"""The organisation's complaint rules as validated data (PROCEDURE.md §1–5).

Where the reference documents differ, the difference is a field here with a preset per
document in ``presets/``; the domain and services read rules only from a ``Policy``.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from core.calendar import CalendarSpec
from core.durations import Duration, DurationUnit, WorkingDuration


class Deadline(StrEnum):
    """The deadlines a case can run against (PROCEDURE.md §4)."""

    FIRST_RESPONSE = "first_response"  # someone on our side reacts to the customer
    HANDOVER = "handover"  # the case reaches the responsible department
    DEPARTMENT_SOLUTION = "department_solution"  # the department proposes a solution
    CUSTOMER_ANSWER = "customer_answer"  # the answer promised to the customer at intake
    REVISIT = "revisit"  # the satisfaction survey after implementation
    WHOLE_CASE = "whole_case"  # from filing to closing
    PROGRESS = "progress"  # the department reports how it is going (004 三.2 反馈进度)
    VISIT = "visit"  # someone meets the customer face to face (002 §7.2 登门, §7.3 到达)


class MajorTrigger(StrEnum):
    """Facts that make a complaint major at once (PROCEDURE.md §5)."""

    SAFETY = "safety"
    INJURY = "injury"
    MEDIA = "media"
    LAWYER = "lawyer"
    POLICE = "police"
    CONSUMER_ASSOCIATION = "consumer_association"
    REGULATOR = "regulator"
    COURT = "court"
    EXTREME_BEHAVIOUR = "extreme_behaviour"
    REPUTATION = "reputation"
    REPEAT_COMPLAINT = "repeat_complaint"
    WRITTEN_COMPLAINT = "written_complaint"
    GOVERNMENT_TRANSFER = "government_transfer"
    STAFF_ATTITUDE = "staff_attitude"
    LARGE_LOSS = "large_loss"  # 003 一类D 较大经济损失: the desk judges it
    CLAIM_LETTER = "claim_letter"  # 003 一类E 附带明确索偿要求的投诉函件
    OVERDUE_UNSOLVED = "overdue_unsolved"  # 002 §6.4.5 超过规定期限仍未形成最终解决方案


class OutsideRoute(StrEnum):
    """Where a customer may take a complaint we cannot settle together (委婉答复 names it)."""

    MARKET_REGULATION = "market_regulation"  # the 12315 complaint line
    CONSUMER_ASSOCIATION = "consumer_association"
    ARBITRATION = "arbitration"
    COURT = "court"


class SeverityName(StrEnum):
    """A document's own names for the three severities (003 投诉处理规程 四.4: 一类, 二类,
    三类投诉); the bot and the reports put them in the reader's language."""

    CLASS_1 = "class_1"
    CLASS_2 = "class_2"
    CLASS_3 = "class_3"


SeverityCode = Literal["minor", "serious", "major"]  # ``core.domain.Severity``'s values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    name: str = Field(min_length=1, max_length=100)  # the organisation's own proper name


class Category(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    department: str
    revisits: int | None = Field(default=None, ge=0, le=5)  # None: the policy's default
    # How soon after the work the revisit is due, where the document sets it per kind of
    # work (000 §Ⅳ 回訪工作制度 二: safety facilities 2 days, leaks 3); None: ``sla.revisit``.
    revisit_within: Duration | None = None
    needs_product: bool = False  # ask for product / order / batch code at intake


def _unlimited(value: Any) -> Any:
    # TOML has no null: the word "unlimited" stands for "no limit".
    return None if isinstance(value, str) and value.strip().lower() == "unlimited" else value


Limit = Annotated[Annotated[Decimal, Field(ge=0)] | None, BeforeValidator(_unlimited)]


class EscalationLevel(_Strict):
    """One rung of the chain; a limit of "unlimited" (None) means no limit."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    compensation_limit: Limit = Decimal(0)
    return_limit: Limit = None  # None: same as compensation
    # How many people of this rung sign a return or an exchange it approves (001 §4.5.2 a:
    # 质量部经理 and 销售经理 both sign); the second must be someone else.
    return_approvers: int = Field(default=1, ge=1, le=2)


class MajorRules(_Strict):
    compensation_over: Decimal | None = Field(default=None, ge=0)
    batch_units_at_least: int | None = Field(default=None, ge=1)
    complainants_at_least: int | None = Field(default=None, ge=2)
    triggers: frozenset[MajorTrigger] = frozenset()
    alert_within: Duration | None = None  # leadership must hear of it within this


class SeriousRules(_Strict):
    """What makes a complaint serious rather than minor (003 class 2)."""

    triggers: frozenset[MajorTrigger] = frozenset()
    compensation_over: Decimal | None = Field(default=None, ge=0)


class Validity(_Strict):
    """001 §4.1–4.3: when a complaint may be judged invalid."""

    window_days: int | None = Field(default=None, ge=1)  # after delivery, calendar days
    evidence_required: bool = False
    evidence_late_days: int | None = Field(default=None, ge=1)
    demand_required: bool = True


class Policy(_Strict):
    name: str
    source: str = ""
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    calendar: CalendarSpec = CalendarSpec()
    departments: tuple[Department, ...]
    categories: tuple[Category, ...]
    sla: dict[Deadline, Duration]
    warn_before: Duration = WorkingDuration(amount=Decimal(2), unit=DurationUnit.HOURS)
    revisits_default: int = Field(default=1, ge=0, le=5)
    escalation: tuple[EscalationLevel, ...]
    major: MajorRules = MajorRules()
    serious: SeriousRules = SeriousRules()
    validity: Validity = Validity()
    desk_step: bool = True  # False: cases go straight to the default department
    # Every proposed solution, money or not, is approved by the rung above its proposer
    # before the customer sees it (False: only what is beyond the proposer's limits).
    every_solution_approved: bool = False
    # How long from filing a case may run at most once a supervisor grants the
    # department's request for more time (002 §7.1 "特殊情况不能超过7个工作日"); None: the
    # policy grants no extensions and the button is not offered.
    extension_to: Duration | None = None
    # A time the department agrees with the customer replaces the case's answer, solution
    # and whole-case clocks (004 三.2 "如有投诉人有约定处理时间的,以约定时间为准").
    agreed_time_prevails: bool = False
    # The rung that reviews work reported carried out before the case moves on to the
    # customer's revisit (004 三.6 "经职责部门负责人审核后"); None: whoever did it says so.
    implementation_review: str | None = None
    # "off" (TOML has no null) for organisations without a daily progress report.
    digest_time: Annotated[str | None, BeforeValidator(
        lambda v: None if isinstance(v, str) and v.strip().lower() == "off" else v
    )] = Field(default="17:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # What cards, alerts and reports call each severity (empty: minor, serious, major).
    severity_labels: dict[SeverityCode, SeverityName] = {}
    # Named to a customer whose complaint was found invalid, as the document names them.
    outside_routes: tuple[OutsideRoute, ...] = ()
    # A survey answer after the automatic "no answer" close is still recorded; a
    # dissatisfied one reopens the case within this many calendar days of the close
    # (None: never; it is recorded and the customer may write to us anew).
    late_survey_reopen_days: int | None = Field(default=None, ge=1, le=366)
    # Whether "it is acceptable" (基本满意) closes a case as satisfied; False: it counts as
    # not satisfied and the case is looked into again, like a dissatisfied answer.
    acceptable_closes: bool = True
    # What the bot starts on its own — surveys, their reminders, a quiet customer's
    # reminder — reaches a customer only in these hours of the organisation's time zone,
    # even where the service itself runs round the clock ("off": at any hour).
    customer_hours: Annotated[str | None, BeforeValidator(
        lambda v: None if isinstance(v, str) and v.strip().lower() == "off" else v
    )] = Field(default="08:00-21:00",
               pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        departments = {d.code for d in self.departments}
        if len(departments) != len(self.departments):
            raise ValueError("departments: a code is listed twice")
        codes = [c.code for c in self.categories]
        if len(set(codes)) != len(codes):
            raise ValueError("categories: a code is listed twice")
        for category in self.categories:
            if category.department not in departments:
                raise ValueError(
                    f"categories.{category.code}.department: unknown department "
                    f"{category.department!r}"
                )
        levels = [level.code for level in self.escalation]
        if not levels or len(set(levels)) != len(levels):
            raise ValueError("escalation: needs at least one level, each code once")
        if self.implementation_review is not None and self.implementation_review not in levels:
            raise ValueError(f"implementation_review: no rung {self.implementation_review!r} "
                             "on the escalation chain")
        return self

    # Lookups the domain uses; kept here so rules live beside their data.
    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def revisits_for(self, category: str) -> int:
        found = self.category(category)
        if found is None or found.revisits is None:
            return self.revisits_default
        return found.revisits

    def deadline_for(self, clock: Deadline, category: str | None) -> Duration | None:
        """The length of ``clock`` for a case of ``category`` (a category's own revisit
        time wins over the policy's)."""
        found = self.category(category or "")
        if clock is Deadline.REVISIT and found is not None and found.revisit_within:
            return found.revisit_within
        return self.sla.get(clock)

    def level_index(self, code: str | None) -> int:
        """Rank of a level in the chain; people outside it rank below its bottom."""
        for index, level in enumerate(self.escalation):
            if level.code == code:
                return index
        return -1

    def approver_level(self, kind: str, amount: Decimal) -> int | None:
        """The lowest rung allowed to grant ``amount``; None if nobody can."""
        for index, level in enumerate(self.escalation):
            limit = level.compensation_limit
            if kind in ("return", "exchange") and level.return_limit is not None:
                limit = level.return_limit
            if limit is None or amount <= limit:
                return index
        return None

    def can_grant(self, level_code: str | None, kind: str, amount: Decimal) -> bool:
        needed = self.approver_level(kind, amount)
        return needed is not None and self.level_index(level_code) >= needed


class PolicyError(Exception):
    """A policy file that cannot be used; ``str()`` is one message for a person."""


def _location(error: ErrorDetails) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(top level)"


def _line_of(text: str, location: str) -> int | None:
    """Best effort: follow ``location`` (keys, list indices, item codes) down the file."""
    lines = text.splitlines()
    start, found = 0, None
    for part in (p for p in re.split(r"[.\s:]", location) if p):
        if part.isdigit():  # the n-th [[table]] of the key found so far
            header = lines[found - 1].strip() if found else ""
            hits = [i for i, line in enumerate(lines) if line.strip() == header]
            index = int(part)
            if header.startswith("[[") and index < len(hits):
                start, found = hits[index] + 1, hits[index] + 1
            continue
        key = re.escape(part)
        pattern = re.compile(rf"^\s*(\[\[?\s*([\w.]+\.)?{key}\s*\]\]?|{key}\s*=|"
                             rf"code\s*=\s*[\"']{key}[\"'])")
        for number in range(start, len(lines)):
            if pattern.match(lines[number]):
                start, found = number + 1, number + 1
                break
    return found


def explain(exc: ValidationError, origin: str, text: str | None) -> PolicyError:
    """One line for a person: file, line (when we can find it), key path, problem."""
    first = exc.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    location = _location(first)
    if location == "(top level)" and re.match(r"^[\w.]+:", message):
        location, message = (part.strip() for part in message.split(":", 1))
    line = _line_of(text, location) if text else None
    where = f"{origin}, line {line}" if line else origin
    return PolicyError(f"{where}: {location}: {message}")


def read_toml(path: str | Path) -> tuple[str, dict[str, Any]]:
    """The file's text and data, or a ``PolicyError`` saying why it cannot be used."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError:
        raise PolicyError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot be read: {exc}") from None


def policy_from_mapping(data: dict[str, Any], origin: str = "<policy>",
                        text: str | None = None) -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, origin, text) from None


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy TOML; any problem is one ``PolicyError`` line."""
    text, data = read_toml(path)
    return policy_from_mapping(data.get("policy", data), str(path), text)


PRESETS_DIR = Path(__file__).resolve().parent.parent / "presets"


def load_preset(name: str) -> Policy:
    """A preset by file stem, e.g. ``"000_generic"``."""
    return load_policy(PRESETS_DIR / f"{name}.toml")
