"""The supervisors' steps on a ``Case``: escalation, severity, instructions, reassignment.
A part of ``core.domain.case.Case``."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.domain.case_fields import CaseFields
from core.domain.errors import DomainError
from core.domain.states import Action, CaseState
from core.domain.values import MAX_TEXT, Actor, Role, Severity, check_text
from core.policy import Deadline, MajorTrigger, Policy


class SupervisionSteps(CaseFields):
    def escalate(self, actor: Actor, now: datetime, policy: Policy, reason: str) -> bool:
        """One rung up; False (nothing recorded) when already at the top."""
        if self.escalation_level + 1 >= len(policy.escalation):
            if actor.role is Role.SYSTEM:
                return False
            raise DomainError("already_top_level")
        level = self.escalation_level + 1
        self._move(Action.ESCALATE, actor, now, note=check_text("reason", reason, MAX_TEXT),
                   level=policy.escalation[level].code)
        self.escalation_level = level
        return True

    def de_escalate(self, actor: Actor, now: datetime, policy: Policy, reason: str) -> None:
        if self.escalation_level == 0:
            raise DomainError("already_bottom_level")
        level = self.escalation_level - 1
        self._move(Action.DE_ESCALATE, actor, now, note=check_text("reason", reason, MAX_TEXT),
                   level=policy.escalation[level].code)
        self.escalation_level = level

    def set_severity(self, actor: Actor, now: datetime, severity: Severity,
                     reason: str | None = None, trigger: MajorTrigger | None = None) -> None:
        """``trigger``: the policy's reason the person judged it by (003 一类D 较大经济损失
        is a judgement no story cue makes); it joins the case's triggers."""
        if severity is self.severity:
            raise DomainError("nothing_changed")
        self._move(Action.SET_SEVERITY, actor, now,
                   note=check_text("reason", reason, MAX_TEXT, required=False),
                   severity=severity.value, previous=self.severity.value,
                   trigger=trigger.value if trigger else None)
        self.severity = severity
        if trigger is not None:
            self.intake = replace(self.intake, triggers=self.intake.triggers | {trigger})
        self.major_unacknowledged_since = now if severity is Severity.MAJOR else None

    def request_extension(self, actor: Actor, now: datetime, reason: str) -> None:
        """The department asks for more time (002 §7.1 特殊情况, 003 延期), once per case."""
        reason = check_text("reason", reason, MAX_TEXT)
        self._move(Action.REQUEST_EXTENSION, actor, now, note=reason,
                   department=self.department)
        self.extension_request = reason

    def grant_extension(self, actor: Actor, now: datetime, until: datetime) -> None:
        """The clocks move to ``until`` (the service works it out from the policy)."""
        self._move(Action.GRANT_EXTENSION, actor, now, until=until.isoformat(),
                   department=self.department)
        self.extension_request, self.extended_until = None, until

    def refuse_extension(self, actor: Actor, now: datetime, reason: str) -> None:
        reason = check_text("reason", reason, MAX_TEXT)
        self._move(Action.REFUSE_EXTENSION, actor, now, note=reason, department=self.department)
        self.extension_request = None

    def report_progress(self, actor: Actor, now: datetime, words: str) -> None:
        """How far the department has got (004 三.2 "未完成者24小时内反馈进度")."""
        self._move(Action.REPORT_PROGRESS, actor, now,
                   note=check_text("progress", words, MAX_TEXT), department=self.department)

    def agree_time(self, actor: Actor, now: datetime, until: datetime) -> None:
        """A time agreed with the customer replaces the case's own deadlines (004 三.2)."""
        if until <= now:
            raise DomainError("time_in_past")
        self._move(Action.AGREE_TIME, actor, now, until=until.isoformat(),
                   department=self.department)
        self.agreed_until = until

    def report_carried_out(self, actor: Actor, now: datetime) -> None:
        """Done, says the department; its head reviews it before it counts (004 三.6)."""
        if self.done_reported_by is not None:
            raise DomainError("already_reported")
        self._move(Action.REPORT_CARRIED_OUT, actor, now, department=self.department)
        self.done_reported_by = actor.person_id

    def record_visit(self, actor: Actor, now: datetime, words: str) -> None:
        """Someone met the customer face to face (002 §7.2 "登门,与客户面对面协商"): the
        visit clock stops; the words say what came of it."""
        if self.visited_at is not None:
            raise DomainError("already_visited")
        self._move(Action.RECORD_VISIT, actor, now, note=check_text("visit", words, MAX_TEXT),
                   department=self.department)
        self.visited_at = now

    def agree_visit(self, actor: Actor, now: datetime, meeting: datetime) -> None:
        """No visit possible within the clock: the department called the customer and agreed
        when to meet (002 §7.2 "应立即与客户电话联系说明情况,约定见面协商时间"); the visit
        clock runs to that moment instead."""
        if self.visited_at is not None:
            raise DomainError("already_visited")
        if meeting <= now:
            raise DomainError("time_in_past")
        self._move(Action.AGREE_VISIT, actor, now, until=meeting.isoformat(),
                   department=self.department)
        self.deadlines[Deadline.VISIT] = meeting

    def acknowledge_major(self, actor: Actor, now: datetime) -> None:
        """A supervisor answers the major-case alert: the ``alert_within`` clock stops."""
        if self.severity is not Severity.MAJOR:
            raise DomainError("not_major")
        if self.major_unacknowledged_since is None:
            raise DomainError("already_acknowledged")
        self._move(Action.ACKNOWLEDGE_MAJOR, actor, now)
        self.major_unacknowledged_since = None

    def instruct(self, actor: Actor, now: datetime, text: str) -> None:
        """A supervisor's instruction; the newest stays on the department's card."""
        text = check_text("instruction", text, MAX_TEXT)
        self._move(Action.INSTRUCT, actor, now, note=text, department=self.department)
        self.instruction = text

    def reassign(self, actor: Actor, now: datetime, person_id: int,
                 person_department: str | None) -> None:
        """A supervisor hands the case to a named member of its department; an untaken
        case is thereby taken."""
        if person_department is None or person_department != self.department:
            raise DomainError("not_in_department", department=self.department)
        if person_id == self.owner_id:
            raise DomainError("nothing_changed")
        if person_id == self.customer_id:
            raise DomainError("own_case")  # nobody is handed their own complaint to work
        to = CaseState.ACCEPTED if self.state is CaseState.ASSIGNED else self.state
        self._move(Action.REASSIGN, actor, now, to=to, owner_id=person_id,
                   previous_owner=self.owner_id)
        self.owner_id = person_id
