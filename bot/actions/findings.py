"""One-tap invalid findings the policy's validity rules give the desk (001 范文5 §4.3 a, b,
e): shown on the desk's card only when the rule applies to the case, and worded for the
customer in their own language, as the finding they will read."""

from __future__ import annotations

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy

from bot.actions.model import Audience, CaseAction, Given
from core.domain import Action, Actor, Case
from core.domain.validity import days_past_window, evidence_due
from core.ports import Database
from core.services import handling
from core.services.rules import Rules

DESK = frozenset({Audience.DESK})
PAST_WINDOW = __("Under our rules, a complaint about goods must reach us within {window} days "
                 "of delivery; yours reached us {late} days after that period.")
NO_EVIDENCE = __("Under our rules, a complaint needs evidence, such as photos of the product "
                 "or the delivery note, within {days} days of the complaint, and none has "
                 "reached us.")


def _past_window(case: Case, rules: Rules) -> bool:
    return days_past_window(case, rules.policy, rules.calendar.tz) > 0


def _evidence_overdue(case: Case, rules: Rules) -> bool:
    due = evidence_due(case, rules.policy)
    return due is not None and due <= rules.now()


async def _decide(db: Database, rules: Rules, case_id: int, actor: Actor,
                  finding: LazyProxy) -> None:
    async with db.uow(read_only=True) as uow:
        case = await uow.cases.get(case_id, lock=False)
    i18n = get_i18n()
    with i18n.use_locale(case.intake.language or i18n.current_locale):
        text = str(finding).format(
            window=rules.policy.validity.window_days,
            late=days_past_window(case, rules.policy, rules.calendar.tz),
            days=rules.policy.validity.evidence_late_days)
    await handling.decide_invalid(db.uow(), rules, case_id, actor, text)


async def _invalid_late(db: Database, rules: Rules, case_id: int, actor: Actor, given: Given
                        ) -> None:
    await _decide(db, rules, case_id, actor, PAST_WINDOW)


async def _invalid_no_evidence(db: Database, rules: Rules, case_id: int, actor: Actor,
                               given: Given) -> None:
    await _decide(db, rules, case_id, actor, NO_EVIDENCE)


RULE_FINDINGS = (
    CaseAction("invalid_late", (Action.INVALIDATE,), DESK,
               label=__("✖️ Invalid: past the window"), shown=_past_window,
               perform=_invalid_late),
    CaseAction("invalid_no_evidence", (Action.INVALIDATE,), DESK,
               label=__("✖️ Invalid: no evidence"), shown=_evidence_overdue,
               perform=_invalid_no_evidence),
)
