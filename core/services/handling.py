"""Steps 2–7: every change to an existing case, one function per use case.

Each loads the case under lock, lets the domain decide, recomputes the clocks, stores
the case with its audit events, and commits — all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from core.domain import Action, Actor, Case, CaseEvent, DomainError, Evidence, Rating, Remedy
from core.domain.deadlines import refresh_deadlines
from core.domain.values import Severity
from core.notices import notices_for
from core.policy import MajorTrigger
from core.ports import UnitOfWork
from core.services.major import when_major
from core.services.revisits import follow_up_jobs
from core.services.rules import Rules


@dataclass(frozen=True)
class Changed:
    case: Case
    events: tuple[CaseEvent, ...]


async def _change(uow: UnitOfWork, rules: Rules, case_id: int, action: Action,
                  decide: Callable[[Case, datetime], object]) -> Changed:
    async with uow:
        case = await uow.cases.get(case_id)
        now = rules.now()
        decide(case, now)
        events = tuple(case.events)
        if events:
            refresh_deadlines(case, action, rules.policy, rules.calendar, now)
            await uow.cases.save(case)
            major = await when_major(uow.jobs, case, events, rules, now)
            await uow.outbox.add(notices_for(case, events) + major, now,
                                 uow.cases.last_event_id)
            await follow_up_jobs(uow.jobs, case, events, rules, now)
            await uow.commit()
    return Changed(case, events)


async def begin_investigation(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor
                              ) -> Changed:
    return await _change(uow, rules, case_id, Action.BEGIN_INVESTIGATION,
                         lambda case, now: case.begin_investigation(actor, now))


async def decide_invalid(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                         finding: str) -> Changed:
    """Invalid complaint: closed, and the finding is what the customer is told."""
    return await _change(uow, rules, case_id, Action.INVALIDATE,
                         lambda case, now: case.invalidate(actor, now, finding))


async def assign(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                 department: str | None = None, category: str | None = None) -> Changed:
    """Valid complaint: to ``department``, by default the category's own."""

    def decide(case: Case, now: datetime) -> None:
        target = department
        if target is None:
            found = rules.policy.category(category or case.intake.category or "")
            if found is None:
                raise DomainError("department_required")
            target = found.department
        case.assign(actor, now, target, rules.policy, category)

    return await _change(uow, rules, case_id, Action.ASSIGN, decide)


async def transfer(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                   department: str, reason: str | None = None) -> Changed:
    return await _change(uow, rules, case_id, Action.TRANSFER,
                         lambda case, now: case.transfer(actor, now, department, rules.policy,
                                                         reason))


async def accept(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor) -> Changed:
    return await _change(uow, rules, case_id, Action.ACCEPT,
                         lambda case, now: case.accept(actor, now))


async def hand_back(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                    reason: str) -> Changed:
    return await _change(uow, rules, case_id, Action.HAND_BACK,
                         lambda case, now: case.hand_back(actor, now, reason))


async def propose_solution(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                           remedy: Remedy) -> Changed:
    """Within the proposer's authority it goes to the customer, beyond it to an approver."""
    return await _change(uow, rules, case_id, Action.PROPOSE,
                         lambda case, now: case.propose(actor, now, remedy, rules.policy))


async def approve(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                  comment: str | None = None) -> Changed:
    return await _change(uow, rules, case_id, Action.APPROVE,
                         lambda case, now: case.approve(actor, now, rules.policy, comment))


async def refuse_approval(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                          comment: str) -> Changed:
    return await _change(uow, rules, case_id, Action.REFUSE_APPROVAL,
                         lambda case, now: case.refuse_approval(actor, now, rules.policy,
                                                                comment))


async def customer_accepts(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor
                           ) -> Changed:
    return await _change(uow, rules, case_id, Action.CUSTOMER_ACCEPT,
                         lambda case, now: case.customer_accept(actor, now))


async def customer_rejects(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                           reason: str) -> Changed:
    """Back to the department, with the customer's reason, for a new solution."""
    return await _change(uow, rules, case_id, Action.CUSTOMER_REJECT,
                         lambda case, now: case.customer_reject(actor, now, reason))


async def mark_implemented(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                           note: str | None = None) -> Changed:
    """Where the policy has the work reviewed (004 三.6), a report from below the reviewing
    rung waits for it; the reviewer's own "carried out" moves the case on."""
    policy = rules.policy
    review = policy.implementation_review
    if review is not None and policy.level_index(actor.level) < policy.level_index(review):
        return await _change(uow, rules, case_id, Action.REPORT_CARRIED_OUT,
                             lambda case, now: case.report_carried_out(actor, now))
    return await _change(uow, rules, case_id, Action.MARK_IMPLEMENTED,
                         lambda case, now: case.mark_implemented(actor, now, note))


async def agree_time(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                     until: datetime) -> Changed:
    if not rules.policy.agreed_time_prevails:
        raise DomainError("bad_choice")
    return await _change(uow, rules, case_id, Action.AGREE_TIME,
                         lambda case, now: case.agree_time(actor, now, until))


async def record_visit(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                       words: str) -> Changed:
    return await _change(uow, rules, case_id, Action.RECORD_VISIT,
                         lambda case, now: case.record_visit(actor, now, words))


async def agree_visit(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                      meeting: datetime) -> Changed:
    return await _change(uow, rules, case_id, Action.AGREE_VISIT,
                         lambda case, now: case.agree_visit(actor, now, meeting))


async def start_revisit(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor
                        ) -> Changed:
    return await _change(uow, rules, case_id, Action.START_REVISIT,
                         lambda case, now: case.start_revisit(actor, now))


async def record_revisit(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                         rating: Rating, comment: str | None = None) -> Changed:
    """Satisfied closes after the policy's number of revisits; dissatisfied reopens (also
    late, after the survey closed unanswered, within the policy's window)."""
    return await _change(uow, rules, case_id, Action.RECORD_REVISIT,
                         lambda case, now: case.record_revisit(actor, now, rating, comment,
                                                               rules.policy))


async def close(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor, outcome: str,
                note: str) -> Changed:
    return await _change(uow, rules, case_id, Action.CLOSE,
                         lambda case, now: case.close(actor, now, outcome, note))


async def reopen(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                 reason: str) -> Changed:
    return await _change(uow, rules, case_id, Action.REOPEN,
                         lambda case, now: case.reopen(actor, now, reason))


async def customer_objects(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                           words: str) -> Changed:
    """The customer disagrees with the invalid finding: the desk reopens or confirms it."""
    return await _change(uow, rules, case_id, Action.CUSTOMER_OBJECT,
                         lambda case, now: case.object_to_finding(actor, now, words))


async def confirm_finding(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                          reason: str) -> Changed:
    """The desk looked again and the finding stands; the customer hears why."""
    return await _change(uow, rules, case_id, Action.CONFIRM_FINDING,
                         lambda case, now: case.confirm_finding(actor, now, reason))


async def escalate(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                   reason: str) -> Changed:
    return await _change(uow, rules, case_id, Action.ESCALATE,
                         lambda case, now: case.escalate(actor, now, rules.policy, reason))


async def de_escalate(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                      reason: str) -> Changed:
    return await _change(uow, rules, case_id, Action.DE_ESCALATE,
                         lambda case, now: case.de_escalate(actor, now, rules.policy, reason))


async def request_extension(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                            reason: str) -> Changed:
    if rules.policy.extension_to is None:
        raise DomainError("no_extensions")
    return await _change(uow, rules, case_id, Action.REQUEST_EXTENSION,
                         lambda case, now: case.request_extension(actor, now, reason))


async def grant_extension(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor
                          ) -> Changed:
    """The clocks move to ``extension_to`` after filing (never earlier than they were)."""
    limit = rules.policy.extension_to
    if limit is None:
        raise DomainError("no_extensions")
    return await _change(uow, rules, case_id, Action.GRANT_EXTENSION,
                         lambda case, now: case.grant_extension(
                             actor, now, limit.after(rules.calendar, case.filed_at)))


async def refuse_extension(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                           reason: str) -> Changed:
    return await _change(uow, rules, case_id, Action.REFUSE_EXTENSION,
                         lambda case, now: case.refuse_extension(actor, now, reason))


async def report_progress(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                          words: str) -> Changed:
    return await _change(uow, rules, case_id, Action.REPORT_PROGRESS,
                         lambda case, now: case.report_progress(actor, now, words))


async def acknowledge_major(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor
                            ) -> Changed:
    return await _change(uow, rules, case_id, Action.ACKNOWLEDGE_MAJOR,
                         lambda case, now: case.acknowledge_major(actor, now))


async def set_severity(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                       severity: Severity, reason: str | None = None,
                       trigger: MajorTrigger | None = None) -> Changed:
    """``trigger``: the policy's reason for a major case the person judged it by; only
    one of the policy's own ``[major] triggers`` is taken."""
    if trigger is not None and trigger not in rules.policy.major.triggers:
        raise DomainError("bad_choice")
    return await _change(uow, rules, case_id, Action.SET_SEVERITY,
                         lambda case, now: case.set_severity(actor, now, severity, reason,
                                                             trigger))


async def ask_customer(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                       question: str) -> Changed:
    """The clocks pause until the customer answers."""
    return await _change(uow, rules, case_id, Action.ASK_CUSTOMER,
                         lambda case, now: case.ask_customer(actor, now, question))


async def answer_question(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                          answer: str) -> Changed:
    return await _change(uow, rules, case_id, Action.ANSWER_QUESTION,
                         lambda case, now: case.answer_question(actor, now, answer))


async def add_note(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                   text: str) -> Changed:
    return await _change(uow, rules, case_id, Action.ADD_NOTE,
                         lambda case, now: case.add_note(actor, now, text))


async def add_evidence(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                       evidence: Evidence) -> Changed:
    return await _change(uow, rules, case_id, Action.ADD_EVIDENCE,
                         lambda case, now: case.add_evidence(actor, now, evidence))


async def add_capa(uow: UnitOfWork, rules: Rules, case_id: int, actor: Actor,
                   root_cause: str, measure: str) -> Changed:
    return await _change(uow, rules, case_id, Action.ADD_CAPA,
                         lambda case, now: case.add_capa(actor, now, root_cause, measure))
