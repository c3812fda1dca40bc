"""The steps on the staff's task cards in the desk, department and supervisors' groups.

Order here is the order of the buttons on every card.
"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.actions.findings import RULE_FINDINGS
from bot.actions.model import Audience, CaseAction, Catalogue, Choice, Given
from bot.actions.time_steps import TIME_STEPS
from bot.views.labels import STAFF_REMEDIES, TRIGGERS
from core.domain import (
    Action,
    Actor,
    Case,
    CaseState,
    DomainError,
    Rating,
    Remedy,
    RemedyKind,
    Severity,
)
from core.domain.values import money
from core.organisation import Organisation
from core.policy import MajorTrigger
from core.ports import Database
from core.services import handling
from core.services.rules import Rules

DESK = frozenset({Audience.DESK})
DEPARTMENT = frozenset({Audience.DEPARTMENT})
SUPERVISORS = frozenset({Audience.SUPERVISORS})

# Not a step but a view, on every card of a case with files: the files themselves, sent
# under the card (``bot.handlers.staff``); no domain transition, so not in the catalogue.
FILES = "files"

# The desk's answers for a customer it called (``bot.views.call_texts``): no card shows
# them (no label); the call task's buttons press them, acting for the customer.
SAID_YES, SAID_NO, SAID, RATED = "said_yes", "said_no", "said", "rated"
NO_ANSWER = Rating.NO_ANSWER.value
CALL_ANSWERS = frozenset({SAID_YES, SAID_NO, SAID, RATED})

# A card has buttons only while the case is in its group's hands; afterwards it is a
# record, and the group that holds the case works it from its own card.
HOLDS = {
    # An invalid case comes back to the desk when the customer disagrees with the finding.
    Audience.DESK: frozenset({CaseState.RECEIVED, CaseState.INVESTIGATING,
                              CaseState.CLOSED_INVALID}),
    Audience.DEPARTMENT: frozenset({CaseState.ASSIGNED, CaseState.ACCEPTED,
                                    CaseState.IMPLEMENTING}),
    Audience.SUPERVISORS: frozenset({CaseState.AWAITING_APPROVAL}),
}


def _default_department(case: Case, rules: Rules) -> str:
    category = rules.policy.category(case.intake.category or "")
    department = rules.policy.department(category.department) if category else None
    return department.code if department else ""


def _has_default_department(case: Case, rules: Rules) -> bool:
    return bool(_default_department(case, rules))


def _valid_label(case: Case, rules: Rules) -> str:
    department = rules.policy.department(_default_department(case, rules))
    assert department is not None
    return _("✅ Valid → {department}").format(department=department.name)


def _not_major(case: Case, rules: Rules) -> bool:
    return case.severity is not Severity.MAJOR


def _objected(case: Case, rules: Rules) -> bool:
    """The customer disagrees with the invalid finding and nobody has answered yet."""
    return case.objection is not None


def _taken(case: Case, rules: Rules) -> bool:
    """A department asks the customer or finds the root cause once it has taken the case."""
    return case.state is not CaseState.ASSIGNED


def _departments(case: Case, rules: Rules, organisation: Organisation
                 ) -> list[tuple[str, str]]:
    return [(department.code, department.name) for department in rules.policy.departments]


def _remedies(case: Case, rules: Rules, organisation: Organisation) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in STAFF_REMEDIES.items() if code != "other"]


async def _assign(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                  ) -> None:
    await handling.assign(db.uow(), rules, case_id, actor, department=given.arg or None)


async def _invalid(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    await handling.decide_invalid(db.uow(), rules, case_id, actor, given.text)


async def _reopen(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                  ) -> None:
    await handling.reopen(db.uow(), rules, case_id, actor, given.text)


async def _finding_stands(db: Database, rules: Rules, case_id: int, actor: Actor,
                          given: Given) -> None:
    await handling.confirm_finding(db.uow(), rules, case_id, actor, given.text)


async def _ask(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given) -> None:
    await handling.ask_customer(db.uow(), rules, case_id, actor, given.text)


ANOTHER_REASON = "other"


def _major_reasons(case: Case, rules: Rules, organisation: Organisation
                   ) -> list[tuple[str, str]]:
    """The policy's own reasons for a major complaint the case does not carry yet — the
    desk judges what no story cue can (003 一类D 较大经济损失) — and any other reason."""
    codes = sorted(t.value for t in rules.policy.major.triggers - case.intake.triggers)
    return [(code, str(TRIGGERS.get(code, code))) for code in codes] + [
        (ANOTHER_REASON, _("Another reason"))]


async def _major(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                 ) -> None:
    code = given.arg or ANOTHER_REASON
    try:
        trigger = None if code == ANOTHER_REASON else MajorTrigger(code)
    except ValueError:
        raise DomainError("bad_choice") from None
    await handling.set_severity(db.uow(), rules, case_id, actor, Severity.MAJOR,
                                trigger=trigger)


async def _accept(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                  ) -> None:
    await handling.accept(db.uow(), rules, case_id, actor)


async def _propose(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    try:
        kind = RemedyKind(given.arg or "explanation")
    except ValueError:
        raise DomainError("bad_choice") from None
    amount = money(given.amount) if given.amount else None
    remedy = Remedy(kind, given.text, amount, rules.policy.currency if amount else None)
    await handling.propose_solution(db.uow(), rules, case_id, actor, remedy)


async def _hand_back(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                     ) -> None:
    await handling.hand_back(db.uow(), rules, case_id, actor, given.text)


async def _implemented(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                       ) -> None:
    await handling.mark_implemented(db.uow(), rules, case_id, actor)


async def _capa(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given) -> None:
    cause, _sep, measure = given.text.partition("\n\n")
    await handling.add_capa(db.uow(), rules, case_id, actor, cause, measure or cause)


async def _approve(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    await handling.approve(db.uow(), rules, case_id, actor)


async def _refuse(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                  ) -> None:
    await handling.refuse_approval(db.uow(), rules, case_id, actor, given.text)


async def _said_yes(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                    ) -> None:
    await handling.customer_accepts(db.uow(), rules, case_id, actor)


async def _said_no(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                   ) -> None:
    await handling.customer_rejects(db.uow(), rules, case_id, actor, given.text)


async def _said(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                ) -> None:
    await handling.answer_question(db.uow(), rules, case_id, actor, given.text)


async def _rated(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                 ) -> None:
    try:
        rating = Rating(given.arg)
    except ValueError:
        raise DomainError("bad_choice") from None
    await handling.record_revisit(db.uow(), rules, case_id, actor, rating)


CARD = Catalogue((
    CaseAction("assign", (Action.ASSIGN,), DESK, label=_valid_label,
               preset=_default_department, shown=_has_default_department, perform=_assign),
    CaseAction("departments", (Action.ASSIGN,), DESK, label=__("🏢 Another department"),
               choice=Choice("assign", _departments,
                             question=__("Which department should take it?"))),
    CaseAction("invalid", (Action.INVALIDATE,), DESK, label=__("✖️ Invalid"),
               words=__("Why is the complaint invalid? Write the finding the customer will "
                        "read — politely (reply to this message)."), perform=_invalid),
    *RULE_FINDINGS,
    CaseAction("reopen", (Action.REOPEN,), DESK, label=__("↩️ Reopen"), shown=_objected,
               words=__("Why is the case reopened? (reply to this message)"),
               perform=_reopen),
    CaseAction("stands", (Action.CONFIRM_FINDING,), DESK, label=__("✔️ Finding stands"),
               shown=_objected,
               words=__("Why does the finding stand? The customer reads it — politely "
                        "(reply to this message)."), perform=_finding_stands),
    CaseAction("accept", (Action.ACCEPT,), DEPARTMENT, label=__("🙋 Accept"),
               perform=_accept),
    CaseAction("propose", (Action.PROPOSE,), DEPARTMENT, label=__("💡 Propose a solution"),
               choice=Choice("remedy", _remedies, question=__("What kind of solution?"))),
    CaseAction("remedy", (Action.PROPOSE,), DEPARTMENT,
               words=__("Describe the solution for the customer (reply to this message)."),
               # A return or an exchange is approved by the goods' value (001 §4.5.2).
               amount_for=frozenset({"compensation", "discount", "return", "exchange"}),
               perform=_propose),
    CaseAction("ask", (Action.ASK_CUSTOMER,), DESK | DEPARTMENT,
               label=__("❓ Ask the customer"), shown=_taken,
               words=__("What would you like to ask the customer? (reply to this message)"),
               perform=_ask),
    *TIME_STEPS,
    CaseAction("hand_back", (Action.HAND_BACK,), DEPARTMENT, label=__("↩️ Not ours"),
               words=__("Why is this case not for your department? (reply to this "
                        "message)"), perform=_hand_back),
    CaseAction("major", (Action.SET_SEVERITY,), DESK, label=__("🚨 Mark major"),
               shown=_not_major, choice=Choice("major_for", _major_reasons,
                                               question=__("Why is it major?"))),
    CaseAction("major_for", (Action.SET_SEVERITY,), DESK, shown=_not_major, perform=_major),
    CaseAction("implemented", (Action.MARK_IMPLEMENTED,), DEPARTMENT,
               label=__("✅ Carried out"), perform=_implemented),
    CaseAction("capa", (Action.ADD_CAPA,), DEPARTMENT, label=__("🔍 Root cause"),
               shown=_taken,
               words=__("Root cause and improvement measure, separated by a blank line "
                        "(reply to this message)."), perform=_capa),
    CaseAction("approve", (Action.APPROVE,), SUPERVISORS, label=__("👍 Approve"),
               perform=_approve),
    CaseAction("refuse", (Action.REFUSE_APPROVAL,), SUPERVISORS, label=__("👎 Refuse"),
               words=__("Why is the solution refused? (reply to this message)"),
               perform=_refuse),
    CaseAction(SAID_YES, (Action.CUSTOMER_ACCEPT,), DESK, perform=_said_yes),
    CaseAction(SAID_NO, (Action.CUSTOMER_REJECT,), DESK,
               words=__("Why does the customer not accept it? The department reads their "
                        "reason (reply to this message)."), perform=_said_no),
    CaseAction(SAID, (Action.ANSWER_QUESTION,), DESK,
               words=__("The customer's answer, in their words (reply to this message)."),
               perform=_said),
    CaseAction(RATED, (Action.RECORD_REVISIT,), DESK, perform=_rated),
), holds=HOLDS)
