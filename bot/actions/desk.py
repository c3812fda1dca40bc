"""The steps on a case in the supervisor's desk (PROCEDURE.md §5): at most two taps, or a
tap and a typed comment. Order here is the order of the buttons."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from bot.actions.model import Audience, CaseAction, Catalogue, Choice, Given
from bot.views.labels import ROUTES, severity_label
from core.domain import Action, Actor, Case, DomainError, Severity
from core.domain.states import TRANSITIONS
from core.organisation import Organisation
from core.ports import Database
from core.services import handling, people, supervision
from core.services.rules import Rules

SUPERVISORS = frozenset({Audience.SUPERVISORS})


def _with_department(case: Case, rules: Rules) -> bool:
    return bool(case.department)


def _can_escalate(case: Case, rules: Rules) -> bool:
    return case.escalation_level + 1 < len(rules.policy.escalation)


def _can_de_escalate(case: Case, rules: Rules) -> bool:
    return case.escalation_level > 0


def _other_departments(case: Case, rules: Rules, organisation: Organisation
                       ) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in rules.policy.departments if d.code != case.department]


def _people(case: Case, rules: Rules, organisation: Organisation) -> list[tuple[str, str]]:
    return [(str(m.telegram_id), m.name) for m in organisation.staff
            if m.role == "department" and m.department == case.department]


def _severities(case: Case, rules: Rules, organisation: Organisation
                ) -> list[tuple[str, str]]:
    return [(s.value, severity_label(rules.policy, s.value)) for s in Severity
            if s is not case.severity]


def _routes(case: Case, rules: Rules, organisation: Organisation) -> list[tuple[str, str]]:
    return [(code, str(ROUTES[code])) for code in supervision.EXTERNAL_ROUTES]


async def _approve(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    await handling.approve(db.uow(), rules, case_id, actor, given.text)


async def _refuse(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                  ) -> None:
    await handling.refuse_approval(db.uow(), rules, case_id, actor, given.text)


async def _transfer(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    """A case not yet with a department is assigned; one with a department, transferred."""
    if given.state in TRANSITIONS[Action.ASSIGN][0]:
        await handling.assign(db.uow(), rules, case_id, actor, department=given.arg)
    else:
        await handling.transfer(db.uow(), rules, case_id, actor, given.arg)


async def _reassign(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    organisation = given.organisation
    member = (organisation.staff_member(int(given.arg))
              if organisation is not None and given.arg.isdecimal() else None)
    if member is None or member.role != "department":
        raise DomainError("not_in_department")
    person_id = await people.customer_for_telegram(db.uow(), rules, member.telegram_id,
                                                   member.name, member.language)
    await supervision.reassign(db.uow(), rules, case_id, actor, person_id, member.department)


async def _severity(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    if given.arg not in {s.value for s in Severity}:
        raise DomainError("bad_choice")
    await handling.set_severity(db.uow(), rules, case_id, actor, Severity(given.arg))


async def _acknowledge(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                       ) -> None:
    await handling.acknowledge_major(db.uow(), rules, case_id, actor)


def _unacknowledged(case: Case, rules: Rules) -> bool:
    return case.major_unacknowledged_since is not None


def _time_asked(case: Case, rules: Rules) -> bool:
    return case.extension_request is not None


async def _grant_time(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                      ) -> None:
    await handling.grant_extension(db.uow(), rules, case_id, actor)


async def _refuse_time(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                       ) -> None:
    await handling.refuse_extension(db.uow(), rules, case_id, actor, given.text)


async def _escalate(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    await handling.escalate(db.uow(), rules, case_id, actor, given.text)


async def _de_escalate(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                       ) -> None:
    await handling.de_escalate(db.uow(), rules, case_id, actor, given.text)


async def _instruct(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    await supervision.instruct(db.uow(), rules, case_id, actor, given.text)


async def _close(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                 ) -> None:
    await supervision.close_externally(db.uow(), rules, case_id, actor, given.arg, given.text)


DESK = Catalogue((
    CaseAction("acknowledge", (Action.ACKNOWLEDGE_MAJOR,), SUPERVISORS,
               label=__("✋ I'm on it"), shown=_unacknowledged, perform=_acknowledge),
    CaseAction("approve", (Action.APPROVE,), SUPERVISORS, label=__("👍 Approve with a comment"),
               words=__("Your comment on the approval, for the department (reply to this "
                        "message)."), perform=_approve),
    CaseAction("refuse", (Action.REFUSE_APPROVAL,), SUPERVISORS,
               label=__("👎 Refuse with a comment"),
               words=__("Why is the solution refused? The department will read it on its "
                        "card (reply to this message)."), perform=_refuse),
    CaseAction("grant_time", (Action.GRANT_EXTENSION,), SUPERVISORS,
               label=__("⏳ Grant more time"), shown=_time_asked, perform=_grant_time),
    CaseAction("refuse_time", (Action.REFUSE_EXTENSION,), SUPERVISORS,
               label=__("✖️ Refuse more time"), shown=_time_asked,
               words=__("Why is more time refused? The department reads it on its card (reply "
                        "to this message)."), perform=_refuse_time),
    CaseAction("departments", (Action.ASSIGN, Action.TRANSFER), SUPERVISORS,
               label=__("🏢 Another department"), choice=Choice("transfer", _other_departments)),
    CaseAction("transfer", (Action.ASSIGN, Action.TRANSFER), SUPERVISORS, perform=_transfer),
    CaseAction("people", (Action.REASSIGN,), SUPERVISORS, label=__("👤 Another person"),
               shown=_with_department,
               choice=Choice("reassign", _people, nothing=__(
                   "The organisation file lists nobody in this department."))),
    CaseAction("reassign", (Action.REASSIGN,), SUPERVISORS, perform=_reassign),
    CaseAction("severities", (Action.SET_SEVERITY,), SUPERVISORS, label=__("⚖️ Severity"),
               choice=Choice("severity", _severities)),
    CaseAction("severity", (Action.SET_SEVERITY,), SUPERVISORS, perform=_severity),
    CaseAction("escalate", (Action.ESCALATE,), SUPERVISORS, label=__("⬆️ Escalate"),
               shown=_can_escalate,
               words=__("Why escalate this case? (reply to this message)"), perform=_escalate),
    CaseAction("de_escalate", (Action.DE_ESCALATE,), SUPERVISORS, label=__("⬇️ De-escalate"),
               shown=_can_de_escalate,
               words=__("Why de-escalate this case? (reply to this message)"),
               perform=_de_escalate),
    CaseAction("instruct", (Action.INSTRUCT,), SUPERVISORS, label=__("📝 Instruction"),
               words=__("Your instruction for the department; it stays on their card "
                        "(reply to this message)."), perform=_instruct),
    CaseAction("routes", (Action.CLOSE,), SUPERVISORS, label=__("🏛 Settled outside"),
               choice=Choice("close", _routes)),
    CaseAction("close", (Action.CLOSE,), SUPERVISORS,
               accepts=lambda route: route in supervision.EXTERNAL_ROUTES,
               words=__("What was the outcome? It closes the case (reply to this message)."),
               perform=_close),
))
