"""The customer's latest word against a solution, as staff cards show it.

A rejected solution, a dissatisfied survey answer (with the comment the customer added
after it) or a reopening stays on the card until the customer accepts a new solution, so
whoever picks the case up next reads why it came back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.utils.i18n import gettext as _

from bot.views.labels import RATINGS
from bot.views.render import escape, shorten
from core.domain import Action, CaseEvent, CaseState, Role

# The events that settle what the customer last thought of the solution.
_DECIDING = frozenset({Action.CUSTOMER_ACCEPT, Action.CUSTOMER_REJECT, Action.RECORD_REVISIT,
                       Action.REOPEN, Action.CUSTOMER_OBJECT, Action.CONFIRM_FINDING})


@dataclass(frozen=True)
class Verdict:
    kind: str  # customer_reject | dissatisfied | reopen | objection
    words: str
    rating: str = ""  # the survey's rating code, for "dissatisfied"


def latest_verdict(history: Sequence[CaseEvent]) -> Verdict | None:
    """The standing objection in a case's history (oldest first), or None."""
    for index in range(len(history) - 1, -1, -1):
        event = history[index]
        if event.action not in _DECIDING:
            continue
        if event.action is Action.CUSTOMER_REJECT:
            return Verdict("customer_reject", event.note or "")
        if event.action is Action.REOPEN:
            return Verdict("reopen", event.note or "")
        if event.action is Action.CUSTOMER_OBJECT:  # against an invalid finding
            return Verdict("objection", event.note or "")
        if event.action is Action.RECORD_REVISIT and event.to_state is CaseState.INVESTIGATING:
            # The survey asks for a comment after the rating; it arrives as the customer's note.
            words = [e.note for e in history[index + 1:] if e.action is Action.ADD_NOTE
                     and e.actor.role is Role.CUSTOMER and e.note]
            return Verdict("dissatisfied", " / ".join(words),
                           str(event.data.get("rating", "")))
        return None
    return None


def verdict_line(verdict: Verdict) -> str:
    words = escape(shorten(verdict.words, 300))
    if verdict.kind == "customer_reject":
        return _("Customer's view: did not accept the solution — «{words}»").format(words=words)
    if verdict.kind == "reopen":
        return _("Reopened because: «{words}»").format(words=words)
    if verdict.kind == "objection":
        return _("Customer disagrees with the finding: «{words}»").format(words=words)
    rating = str(RATINGS.get(verdict.rating, verdict.rating))
    if not words:
        return _("Customer's view: {rating}").format(rating=rating)
    return _("Customer's view: {rating} — «{words}»").format(rating=rating, words=words)
