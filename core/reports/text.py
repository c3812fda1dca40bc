"""The short text summary a supervisor reads first (plain text; the bot escapes it)."""

from __future__ import annotations

from decimal import Decimal

from core.reports.model import Summary
from core.reports.words import DEADLINES, TEXT, Words

TOP = 3  # categories and root causes named in the text; the workbook has them all
CAUSE_LIMIT = 80  # one root cause as named in the text; the workbook has it whole
TEXT_LIMIT = 4000  # the whole text, within a Telegram message (4096) with its title


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when something was left out."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def amount(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def summary_text(summary: Summary, words: Words) -> str:
    label = summary.period.label
    lines = [words(TEXT["title"], period=label)]
    if summary.empty:
        return "\n".join([*lines, words(TEXT["empty"], period=label)])
    lines.append(words(TEXT["total"], total=summary.total, valid=summary.count(3, "valid"),
                       invalid=summary.count(3, "invalid"),
                       pending=summary.count(3, "pending")))
    serious, major = summary.count(2, "serious"), summary.count(2, "major")
    lines.append(words(TEXT["severity_named"], serious_name=words.severity("serious"),
                       serious=serious, major_name=words.severity("major"), major=major)
                 if words.severity_names else
                 words(TEXT["severity"], serious=serious, major=major))
    top = summary.by(0)[:TOP]
    lines.append(words(TEXT["top_categories"], items=", ".join(
        f"{words.category(code)} {n}" for code, n in top)))
    lines.append(words(TEXT["departments"], items=", ".join(
        f"{words.department(code)} {n}" for code, n in summary.by(1))))
    decided = [t for t in summary.on_time if t.rate is not None]
    if decided:
        lines.append(words(TEXT["on_time"], items=", ".join(
            f"{words.of(DEADLINES, t.clock)} {percent(t.rate)}" for t in decided)))
    ratings = summary.ratings()
    answered = sum(n for rating, n in ratings.items() if rating != "no_answer")
    if answered:
        lines.append(words(TEXT["satisfaction"], rate=percent(Summary.satisfied_rate(ratings)),
                           answers=answered))
    else:
        lines.append(words(TEXT["no_survey"]))
    lines.append(words(TEXT["repeats"], customers=summary.repeat_customers,
                       products=summary.repeat_products))
    money = summary.money_total
    if money.proposals or money.approved:
        lines.append(words(TEXT["compensation"], proposed=money.proposals,
                           proposed_amount=amount(money.proposed_amount, summary.currency),
                           approved=money.approved,
                           approved_amount=amount(money.approved_amount, summary.currency)))
    recurring = [c for c in summary.root_causes if c.recurring][:TOP]
    if recurring:
        lines.append(words(TEXT["root_causes"], items="; ".join(
            f"{_cut(c.label, CAUSE_LIMIT)} ({c.cases})" for c in recurring)))
    return _cut_lines("\n".join(lines), TEXT_LIMIT)


def _cut_lines(text: str, limit: int) -> str:
    """The text within ``limit`` characters, its line breaks kept."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
