"""The 📞 button on a department's card: the customer's full number, for whoever calls them.

The card shows the number masked (``bot.views.phone``); the case's owner, the desk and the
supervisors get it in full as an alert only the presser sees, and every reveal is on the
record: a log line, and a note in the case's audit trail under the cards. Anyone else in
the department hears a polite no. The number is never in the button's data.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.input.callbacks import StaffAction
from bot.views.cards import PHONE, PHONE_SEEN
from bot.views.render import shorten
from core.domain import Actor, Case, Role
from core.ports import Database
from core.services import handling, queries
from core.services.rules import Rules

log = logging.getLogger(__name__)
router = Router(name="phone")

# The desk and the supervisors have the number on their own cards already.
SEES_EVERY_NUMBER = frozenset({Role.SPECIALIST, Role.SUPERVISOR})
ALERT_LIMIT = 200  # Telegram's limit on a callback answer's text


def may_see_number(case: Case, actor: Actor) -> bool:
    return actor.role in SEES_EVERY_NUMBER or (
        actor.person_id is not None and actor.person_id == case.owner_id)


@router.callback_query(StaffAction.filter(F.action == PHONE))
async def reveal_number(query: CallbackQuery, callback_data: StaffAction, db: Database,
                        rules: Rules, actor: Actor) -> None:
    case, _history = await queries.case_with_history(
        db.uow(read_only=True), callback_data.case_id, actor, limit=1)
    phone = case.intake.contact_phone
    if not may_see_number(case, actor) or not phone:
        log.info("phone of case %s refused to user %s (%s)", case.number,
                 query.from_user.id, actor.role.value)
        await query.answer(_("Sorry — only the colleague who took the case can see the "
                             "customer's number."), show_alert=True)
        return
    log.info("phone of case %s revealed to user %s (person %s, %s)", case.number,
             query.from_user.id, actor.person_id, actor.role.value)
    # The audit trail says who saw the number, never the number itself.
    await handling.add_note(db.uow(), rules, case.id or 0, actor, PHONE_SEEN)
    text = _("{number} · {name}: {phone}").format(
        number=case.number, name=shorten(case.intake.contact_name or "", 60), phone=phone)
    await query.answer(text[:ALERT_LIMIT], show_alert=True)
