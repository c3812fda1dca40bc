"""The ``Case``'s steps of any stage: a question to the customer and its answer, a note, a
file, a root cause with its measure. A part of ``core.domain.case.Case``."""

from __future__ import annotations

from datetime import datetime

from core.domain.case_fields import CaseFields
from core.domain.errors import DomainError
from core.domain.intake import Evidence
from core.domain.states import Action, CaseState
from core.domain.values import MAX_TEXT, Actor, check_text


class AnytimeSteps(CaseFields):
    def ask_customer(self, actor: Actor, now: datetime, question: str) -> None:
        question = check_text("question", question, MAX_TEXT)
        self._move(Action.ASK_CUSTOMER, actor, now, note=question)
        self.pending_question = question

    def answer_question(self, actor: Actor, now: datetime, answer: str) -> None:
        if self.pending_question is None:
            raise DomainError("no_question_pending")
        answer = check_text("answer", answer, MAX_TEXT)
        self._move(Action.ANSWER_QUESTION, actor, now, note=answer,
                   question=self.pending_question)
        self.pending_question = None

    def add_note(self, actor: Actor, now: datetime, text: str) -> None:
        self._move(Action.ADD_NOTE, actor, now, note=check_text("note", text, MAX_TEXT))

    def add_evidence(self, actor: Actor, now: datetime, evidence: Evidence) -> None:
        if len(self.evidence) >= 50:
            raise DomainError("too_much_evidence", limit=50)
        if self.state is CaseState.CLOSED_INVALID and self.objection is None:
            raise DomainError("invalid_transition", action=Action.ADD_EVIDENCE.value,
                              state=self.state.value)
        check_text("file_ref", evidence.file_ref, 512)
        caption = check_text("caption", evidence.caption, MAX_TEXT, required=False)
        item = Evidence(evidence.kind, evidence.file_ref, caption, now, actor.person_id)
        self._move(Action.ADD_EVIDENCE, actor, now, note=caption, kind=item.kind,
                   file_ref=item.file_ref)
        self.evidence.append(item)

    def add_capa(self, actor: Actor, now: datetime, root_cause: str, measure: str) -> None:
        """Corrective and preventive action (纠正与预防措施), kept for the reports."""
        root_cause = check_text("root_cause", root_cause, MAX_TEXT)
        measure = check_text("measure", measure, MAX_TEXT)
        self._move(Action.ADD_CAPA, actor, now, note=measure, root_cause=root_cause)
