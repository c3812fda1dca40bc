"""What the facts of a complaint say about its severity beyond the customer's answers
(issue 19.7; 003 投诉处理规程 四.4): who else the story names, how the complaint reached us,
and whether the customer complains again about how we handled the same matter.

003's classes, in its words: 一类E "以律师函或附带明确索偿要求的投诉函件"; 二类C "二次投诉,
指投诉人对…处理结果不满而再次提出的投诉"; 二类D "书面投诉"; 二类E "政府管理部门转来的业户投诉".
The policy's ``[major]`` and ``[serious]`` triggers decide what each one makes of a case.
"""

from __future__ import annotations

from core.domain.cues import parties_in
from core.domain.intake import Intake
from core.domain.values import Channel, RemedyKind
from core.policy import MajorTrigger


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
