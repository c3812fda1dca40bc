"""The summary as tables (one per workbook sheet): translated headers, plain values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.reports.model import RATING_ORDER, Summary, rate
from core.reports.words import DEADLINES, HEAD, RATINGS, REMEDIES, SEVERITY, SHEETS, VALIDITY, Words

PERCENT = "percent"  # a column of shares: the workbook formats it as 0.0 %
MONEY = "money"


@dataclass(frozen=True)
class Shown:
    """One value with its own format (the summary sheet mixes counts and shares)."""

    value: Any
    format: str


@dataclass(frozen=True)
class Table:
    key: str  # which sheet (see words.SHEETS)
    headers: list[str]
    rows: list[list[Any]]
    formats: dict[int, str]  # column index -> PERCENT | MONEY


def _shares(summary: Summary, index: int, label: Any, key: str, words: Words) -> Table:
    rows = [[label(value), count, rate(count, summary.total)]
            for value, count in summary.by(index)]
    return Table(key, [words(HEAD[key]), words(HEAD["cases"]), words(HEAD["share"])], rows,
                 {2: PERCENT})


def tables(summary: Summary, words: Words) -> list[Table]:
    """Every table of the report, in sheet order (the raw case list comes separately)."""
    head = {key: words(msgid) for key, msgid in HEAD.items()}
    out = [
        Table("summary", [head["figure"], head["value"]], figures(summary, words), {}),
        _shares(summary, 0, words.category, "category", words),
        _shares(summary, 1, words.department, "department", words),
        _shares(summary, 2, words.severity, "severity", words),
        _shares(summary, 3, lambda c: words.of(VALIDITY, c), "validity", words),
        Table("on_time", [head[k] for k in ("clock", "counted", "on_time", "late", "running",
                                            "rate")],
              [[words.of(DEADLINES, t.clock), t.counted, t.on_time, t.late, t.running, t.rate]
               for t in summary.on_time], {5: PERCENT}),
        Table("trend", [head["period"], *(words.of(DEADLINES, t.clock) for t in summary.on_time)],
              [[label, *(t.rate for t in tallies)] for label, tallies in summary.trend],
              {i + 1: PERCENT for i in range(len(summary.on_time))}),
    ]
    departments: list[str | None] = [None, *sorted(summary.satisfaction)]  # None: overall
    satisfaction = []
    for code in departments:
        counts = summary.ratings(code)
        satisfaction.append([head["overall"] if code is None else words.department(code),
                             *(counts.get(r, 0) for r in RATING_ORDER), sum(counts.values()),
                             Summary.satisfied_rate(counts)])
    out.append(Table("satisfaction", [head["department"],
                                      *(words.of(RATINGS, r) for r in RATING_ORDER),
                                      head["answers"], head["satisfied_rate"]],
                     satisfaction, {len(RATING_ORDER) + 2: PERCENT}))
    kinds = {"customer": head["repeat_customer"], "product": head["repeat_product"]}
    out.append(Table("repeats", [head["kind"], head["who"], head["cases"], head["numbers"]],
                     [[kinds[r.kind], r.label, r.cases, ", ".join(r.numbers)]
                      for r in summary.repeats], {}))
    money = [*summary.money, summary.money_total]
    out.append(Table("compensation", [head[k] for k in (
        "remedy", "proposals", "proposed_amount", "needed_approval", "approved",
        "approved_amount")], [[words.of(REMEDIES, m.kind) if m.kind else head["total"],
                               m.proposals, m.proposed_amount, m.needed_approval, m.approved,
                               m.approved_amount] for m in money], {2: MONEY, 5: MONEY}))
    out.append(Table("root_causes", [head[k] for k in ("root_cause", "times", "cases",
                                                       "recurring", "measure")],
                     [[c.label, c.times, c.cases, head["yes"] if c.recurring else "", c.measure]
                      for c in summary.root_causes], {}))
    return out


def figures(summary: Summary, words: Words) -> list[list[Any]]:
    """The summary sheet: the period and the headline figures, label and value."""
    head = {key: words(msgid) for key, msgid in HEAD.items()}
    total = summary.money_total
    rows: list[list[Any]] = [
        [head["period"], summary.period.label],
        [head["generated"], summary.as_of.isoformat(timespec="minutes")],
        [head["cases"], summary.total],
        *([words.of(VALIDITY, v), summary.count(3, v)] for v in VALIDITY),
        *([words.severity(s), summary.count(2, s)] for s in SEVERITY),
        *([f"{head['rate']}: {words.of(DEADLINES, t.clock)}", Shown(t.rate, PERCENT)]
          for t in summary.on_time),
        [head["satisfied_rate"], Shown(Summary.satisfied_rate(summary.ratings()), PERCENT)],
        [head["repeat_customer"], summary.repeat_customers],
        [head["repeat_product"], summary.repeat_products],
        [f"{head['proposed_amount']} ({summary.currency})", Shown(total.proposed_amount, MONEY)],
        [f"{head['approved_amount']} ({summary.currency})", Shown(total.approved_amount, MONEY)],
        [head["recurring"], sum(c.recurring for c in summary.root_causes)],
    ]
    return rows


def sheet_name(key: str, words: Words) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    name = words(SHEETS[key])
    for bad in "[]:*?/\\":
        name = name.replace(bad, " ")
    return name[:31]


def as_cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value
