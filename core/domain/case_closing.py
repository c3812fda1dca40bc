"""The ``Case``'s last steps: the customer's decision on a solution, carrying it out, the
survey, closing, reopening, and the customer's objection to an invalid finding (PROCEDURE
steps 4–7). A part of ``core.domain.case.Case``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.domain.case_fields import CaseFields
from core.domain.errors import DomainError
from core.domain.states import Action, CaseState
from core.domain.values import MAX_TEXT, Actor, Rating, Role, check_text
from core.policy import Policy


def not_satisfied(rating: Rating, policy: Policy | None) -> bool:
    """Dissatisfied, or "it is acceptable" (基本满意) where the policy does not let that
    close a case (``acceptable_closes``; 000 第七步: only 满意 or 非常满意 close it)."""
    if rating.is_dissatisfied:
        return True
    return rating is Rating.NEUTRAL and policy is not None and not policy.acceptable_closes


class ClosingSteps(CaseFields):
    # -- step 4: the customer decides ---------------------------------------------------
    def customer_accept(self, actor: Actor, now: datetime) -> None:
        self._move(Action.CUSTOMER_ACCEPT, actor, now)

    def customer_reject(self, actor: Actor, now: datetime, reason: str) -> None:
        reason = check_text("reason", reason, MAX_TEXT)
        self._move(Action.CUSTOMER_REJECT, actor, now, note=reason)
        self.remedy = None

    # -- step 5: carried out ------------------------------------------------------------
    def mark_implemented(self, actor: Actor, now: datetime, note: str | None = None) -> None:
        note = check_text("note", note, MAX_TEXT, required=False)
        self._move(Action.MARK_IMPLEMENTED, actor, now, note=note,
                   reviewed=self.done_reported_by is not None)
        self.revisits_done, self.done_reported_by = 0, None

    # -- steps 6–7 ----------------------------------------------------------------------
    def start_revisit(self, actor: Actor, now: datetime) -> None:
        self._move(Action.START_REVISIT, actor, now, round=self.revisits_done + 1)

    def record_revisit(self, actor: Actor, now: datetime, rating: Rating,
                       comment: str | None = None, policy: Policy | None = None) -> None:
        comment = check_text("comment", comment, MAX_TEXT, required=False)
        if rating is Rating.NO_ANSWER and actor.role is Role.CUSTOMER:
            raise DomainError("bad_rating")
        if self.state is CaseState.CLOSED:
            self._late_revisit(actor, now, rating, comment, policy)
            return
        done = self.revisits_done + 1
        if not_satisfied(rating, policy):
            target = CaseState.INVESTIGATING
        elif done < max(self.revisits_required, 1):
            target = CaseState.REVISITING
        elif rating is Rating.NO_ANSWER:
            target = CaseState.CLOSED
        else:
            target = CaseState.CLOSED_SATISFIED
        # A reopening names the department that had the case, so its card hears of it.
        reopened = {"previous": self.department} if target is CaseState.INVESTIGATING else {}
        self._move(Action.RECORD_REVISIT, actor, now, to=target, note=comment,
                   rating=rating.value, round=done, **reopened)
        self.last_rating, self.revisits_done = rating, done
        if target is CaseState.INVESTIGATING:
            self._reopen_fields()
        elif target.is_closed:
            self._close(now, "no_answer" if rating is Rating.NO_ANSWER else "satisfied")

    def _late_revisit(self, actor: Actor, now: datetime, rating: Rating, comment: str | None,
                      policy: Policy | None) -> None:
        """The answer to a survey already closed as unanswered: recorded all the same; a
        dissatisfied one reopens the case within the policy's window (000 第七步)."""
        if self.closure != "no_answer" or rating is Rating.NO_ANSWER:
            raise DomainError("invalid_transition", action=Action.RECORD_REVISIT.value,
                              state=self.state.value)
        window = policy.late_survey_reopen_days if policy else None
        closed = self.closed_at or now
        if not not_satisfied(rating, policy):
            target = CaseState.CLOSED_SATISFIED
        elif window is not None and now - closed <= timedelta(days=window):
            target = CaseState.INVESTIGATING
        else:
            target = CaseState.CLOSED  # too late to reopen; the rating is still kept
        reopened = {"previous": self.department} if target is CaseState.INVESTIGATING else {}
        self._move(Action.RECORD_REVISIT, actor, now, to=target, note=comment,
                   rating=rating.value, round=self.revisits_done, late=True, **reopened)
        self.last_rating = rating
        if target is CaseState.INVESTIGATING:
            self._reopen_fields()
        elif target is CaseState.CLOSED_SATISFIED:
            self.closure = "satisfied"
        else:
            self.closure = "answered_late"  # one late answer per survey, like an on-time one

    def close(self, actor: Actor, now: datetime, outcome: str, note: str) -> None:
        outcome = check_text("outcome", outcome, 40)
        note = check_text("note", note, MAX_TEXT)
        self._move(Action.CLOSE, actor, now, note=note, outcome=outcome)
        self._close(now, outcome)

    def reopen(self, actor: Actor, now: datetime, reason: str) -> None:
        reason = check_text("reason", reason, MAX_TEXT)
        # ``objected``: reopened on the customer's objection to an invalid finding, so they
        # are told (``core.notices.events``).
        objected: dict[str, Any] = {"objected": True} if self.objection is not None else {}
        self._move(Action.REOPEN, actor, now, note=reason, previous=self.department, **objected)
        self._reopen_fields()

    def object_to_finding(self, actor: Actor, now: datetime, words: str) -> None:
        """The customer disagrees with the invalid finding: the desk must answer it."""
        words = check_text("objection", words, MAX_TEXT)
        self._move(Action.CUSTOMER_OBJECT, actor, now, note=words)
        self.objection = words

    def confirm_finding(self, actor: Actor, now: datetime, reason: str) -> None:
        """The desk looked again at an objection and the finding stands, for ``reason``."""
        if self.objection is None:
            raise DomainError("no_objection_pending")
        reason = check_text("reason", reason, MAX_TEXT)
        self._move(Action.CONFIRM_FINDING, actor, now, note=reason)
        self.objection = None

    def _close(self, now: datetime, closure: str) -> None:
        self.closed_at, self.closure, self.pending_question = now, closure, None

    def _reopen_fields(self) -> None:
        """Back to step 2: a fresh investigation, the old solution void."""
        self.reopen_count += 1
        self.department = self.owner_id = self.remedy = self.approval_level = None
        self.closed_at = self.closure = self.objection = None
        self.revisits_done = 0
