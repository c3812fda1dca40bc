"""What a report says, as plain data: the numbers of one period, computed by ``compute``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from core.reports.period import Period

SATISFIED = ("very_satisfied", "satisfied")
RATING_ORDER = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied",
                "no_answer")


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class ClockTally:
    """One clock over a set of cases: ``counted`` = on time + late + still running."""

    clock: str
    counted: int = 0
    late: int = 0
    running: int = 0

    @property
    def on_time(self) -> int:
        return self.counted - self.late - self.running

    @property
    def rate(self) -> float | None:
        """Share on time among the clocks already decided (running ones left out)."""
        return rate(self.on_time, self.on_time + self.late)

    def __add__(self, other: ClockTally) -> ClockTally:
        return ClockTally(self.clock, self.counted + other.counted, self.late + other.late,
                          self.running + other.running)


@dataclass(frozen=True)
class Repeat:
    kind: str  # customer | product
    label: str
    cases: int
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    """Solutions of one remedy kind: proposals (every one made) and those approved."""

    kind: str
    proposals: int = 0
    proposed_amount: Decimal = Decimal("0.00")
    needed_approval: int = 0
    approved: int = 0
    approved_amount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class RootCause:
    label: str
    times: int
    cases: int
    measure: str

    @property
    def recurring(self) -> bool:
        return self.cases >= 2


@dataclass
class Summary:
    period: Period
    timezone: str
    as_of: datetime  # open clocks are judged at this moment
    currency: str
    total: int = 0
    # (category, department, severity, validity) -> cases; every table below adds it up
    cells: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    on_time: list[ClockTally] = field(default_factory=list)
    trend: list[tuple[str, list[ClockTally]]] = field(default_factory=list)
    # department ("" when none) -> rating -> answers
    satisfaction: dict[str, dict[str, int]] = field(default_factory=dict)
    repeat_customers: int = 0  # customers with two or more cases
    repeat_customer_cases: int = 0
    repeat_products: int = 0
    repeat_product_cases: int = 0
    repeats: list[Repeat] = field(default_factory=list)  # the largest groups, listed
    money: list[Money] = field(default_factory=list)
    approvals_granted: int = 0
    approvals_refused: int = 0
    root_causes: list[RootCause] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.total == 0

    def by(self, index: int) -> list[tuple[str, int]]:
        """Cases per value of one dimension (0 category, 1 department, 2 severity,
        3 validity), most first."""
        counts: dict[str, int] = {}
        for key, count in self.cells.items():
            counts[key[index]] = counts.get(key[index], 0) + count
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def count(self, index: int, value: str) -> int:
        return sum(n for key, n in self.cells.items() if key[index] == value)

    def category_department(self) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for (category, department, _s, _v), count in self.cells.items():
            out[category, department] = out.get((category, department), 0) + count
        return out

    def ratings(self, department: str | None = None) -> dict[str, int]:
        """Answers per rating for one department, or overall (``None``)."""
        if department is not None:
            return dict(self.satisfaction.get(department, {}))
        out: dict[str, int] = {}
        for counts in self.satisfaction.values():
            for rating, n in counts.items():
                out[rating] = out.get(rating, 0) + n
        return out

    @staticmethod
    def satisfied_rate(counts: dict[str, int]) -> float | None:
        """Satisfied or very satisfied among the answers given ("no answer" left out)."""
        answered = sum(n for rating, n in counts.items() if rating != "no_answer")
        return rate(sum(counts.get(r, 0) for r in SATISFIED), answered)

    @property
    def money_total(self) -> Money:
        return Money("", sum(m.proposals for m in self.money),
                     sum((m.proposed_amount for m in self.money), Decimal("0.00")),
                     sum(m.needed_approval for m in self.money),
                     sum(m.approved for m in self.money),
                     sum((m.approved_amount for m in self.money), Decimal("0.00")))
