"""What the facts of a complaint say about its severity beyond the customer's answers
(issue 19.7; 003 投诉处理规程 四.4): who else the story names, how the complaint reached us,
whether the customer complains again about how we handled the same matter, and whether it
ran out of time without a solution (002 §6.4.5).

003's classes, in its words: 一类E "以律师函或附带明确索偿要求的投诉函件"; 二类C "二次投诉,
指投诉人对…处理结果不满而再次提出的投诉"; 二类D "书面投诉"; 二类E "政府管理部门转来的业户投诉".
The policy's ``[major]`` and ``[serious]`` triggers decide what each one makes of a case.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.domain.case import Case
from core.domain.cues import parties_in
from core.domain.intake import Intake
from core.domain.states import CaseState
from core.domain.values import Channel, RemedyKind, Severity
from core.policy import Deadline, MajorTrigger, Policy

# No solution formed yet, and the clocks that say it should have been (002 §6.4.5).
UNSOLVED = frozenset({CaseState.RECEIVED, CaseState.INVESTIGATING, CaseState.ASSIGNED,
                      CaseState.ACCEPTED})
SOLUTION_CLOCKS = frozenset({Deadline.DEPARTMENT_SOLUTION, Deadline.CUSTOMER_ANSWER,
                             Deadline.WHOLE_CASE})


# The triggers that hang on how a complaint reached us: 003 二类D 书面投诉, 二类E 政府管理部门
# 转来, 一类E 附带明确索偿要求的投诉函件.
CHANNEL_TRIGGERS = frozenset({MajorTrigger.WRITTEN_COMPLAINT, MajorTrigger.CLAIM_LETTER,
                              MajorTrigger.GOVERNMENT_TRANSFER})


def weighs_channel(policy: Policy) -> bool:
    """Whether the policy makes anything of how a complaint reached us (so /register asks)."""
    return bool(CHANNEL_TRIGGERS & (policy.major.triggers | policy.serious.triggers))


def weighed_triggers(intake: Intake, *, handled_before: bool) -> frozenset[MajorTrigger]:
    """The triggers the intake's own facts fire; ``handled_before``: the customer had an
    earlier complaint about the same kind of matter that we answered or closed."""
    found = set(parties_in(intake.description))
    if intake.channel.is_written:
        found.add(MajorTrigger.WRITTEN_COMPLAINT)
        if intake.demand == RemedyKind.COMPENSATION.value:
            found.add(MajorTrigger.CLAIM_LETTER)
    if intake.channel is Channel.GOVERNMENT:
        found.add(MajorTrigger.GOVERNMENT_TRANSFER)
    if handled_before:
        found.add(MajorTrigger.REPEAT_COMPLAINT)
    return frozenset(found)


def overdue_unsolved(case: Case, policy: Policy, breached: Iterable[Deadline]) -> bool:
    """Whether a breach makes the case major: 002 §6.4.5 "超过规定期限仍未形成最终解决方案",
    where the policy lists it — a solution clock ran out and no solution is proposed."""
    return (MajorTrigger.OVERDUE_UNSOLVED in policy.major.triggers
            and case.severity is not Severity.MAJOR and case.state in UNSOLVED
            and case.remedy is None and bool(SOLUTION_CLOCKS & set(breached)))
