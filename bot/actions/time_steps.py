"""The department's steps about time on its card: progress reports (004 三.2 "未完成者24小时
内反馈进度"), more time from the supervisors (002 §7.1, 003 延期), the visit that stops the
visit clock (002 §7.2 "24小时之内派业务人员登门"), and a time agreed with the customer, which
prevails over the policy's deadlines (004 三.2 "以约定时间为准")."""

from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import lazy_gettext as __

from bot.actions.model import Audience, CaseAction, Given
from core.domain import Action, Actor, Case, DomainError
from core.domain.moment_said import moment_ahead
from core.policy import Deadline
from core.ports import Database
from core.services import handling
from core.services.rules import Rules

DEPARTMENT = frozenset({Audience.DEPARTMENT})


def _reports_progress(case: Case, rules: Rules) -> bool:
    return Deadline.PROGRESS in rules.policy.sla


async def _progress(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    await handling.report_progress(db.uow(), rules, case_id, actor, given.text)


def _may_ask_time(case: Case, rules: Rules) -> bool:
    return (rules.policy.extension_to is not None and case.extension_request is None
            and case.extended_until is None)


async def _more_time(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                     ) -> None:
    await handling.request_extension(db.uow(), rules, case_id, actor, given.text)


def _visit_due(case: Case, rules: Rules) -> bool:
    return Deadline.VISIT in rules.policy.sla and case.visited_at is None


async def _visited(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    await handling.record_visit(db.uow(), rules, case_id, actor, given.text)


def _moment(rules: Rules, words: str) -> datetime:
    """The moment ahead the staff member typed, in the organisation's zone; refused if
    the words name none."""
    moment = moment_ahead(words, rules.now().astimezone(rules.calendar.tz))
    if moment is None:
        raise DomainError("bad_moment")
    return moment


async def _meeting(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    await handling.agree_visit(db.uow(), rules, case_id, actor, _moment(rules, given.text))


def _may_agree_time(case: Case, rules: Rules) -> bool:
    return rules.policy.agreed_time_prevails


async def _agreed(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                  ) -> None:
    await handling.agree_time(db.uow(), rules, case_id, actor, _moment(rules, given.text))


TIME_STEPS = (
    CaseAction("progress", (Action.REPORT_PROGRESS,), DEPARTMENT,
               label=__("📝 Report progress"), shown=_reports_progress,
               words=__("How far have you got? Your words go on this card and the desk's "
                        "(reply to this message)."), perform=_progress),
    CaseAction("more_time", (Action.REQUEST_EXTENSION,), DEPARTMENT,
               label=__("⏳ Ask for more time"), shown=_may_ask_time,
               words=__("Why do you need more time? The supervisors decide; the customer is "
                        "told the new date if they agree (reply to this message)."),
               perform=_more_time),
    CaseAction("visited", (Action.RECORD_VISIT,), DEPARTMENT,
               label=__("🚗 Visited the customer"), shown=_visit_due,
               words=__("What came of the visit? Your words go on this card and the desk's "
                        "(reply to this message)."), perform=_visited),
    CaseAction("meeting", (Action.AGREE_VISIT,), DEPARTMENT,
               label=__("📞 Called: meeting agreed"), shown=_visit_due,
               words=__("Cannot visit in time? When did you agree on the phone to meet? For "
                        "example \"tomorrow 15:00\" or \"8 Dec 15:00\" (reply to this "
                        "message)."), perform=_meeting),
    CaseAction("agreed", (Action.AGREE_TIME,), DEPARTMENT,
               label=__("🤝 Time agreed with the customer"), shown=_may_agree_time,
               words=__("By when did you agree with the customer to settle it? For example "
                        "\"tomorrow 15:00\" or \"8 Dec 15:00\" (reply to this message)."),
               perform=_agreed),
)
