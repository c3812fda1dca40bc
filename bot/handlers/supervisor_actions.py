"""Buttons of a case on the supervisor's desk: at most two taps, or a tap and a typed
comment. Every press is checked again (who, which case, which choice): a forged or stale
button changes nothing and gets a short refusal."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.callbacks import SupervisorAction
from bot.flows.supervisor_input import prompt
from bot.handlers.supervisor import send_case, show
from bot.render import escape, shorten
from bot.supervisor_access import as_supervisor
from bot.supervisor_views import (
    HISTORY_PAGE,
    case_view,
    choices,
    history_page,
    route_options,
    severity_options,
)
from core.domain import Action, Actor, CaseState, DomainError, Evidence, Severity
from core.domain.states import TRANSITIONS
from core.organisation import Organisation
from core.ports import Database
from core.services import handling, people, supervision
from core.services import supervision_queries as desk
from core.services.groups import Group
from core.services.rules import Rules

router = Router(name="supervisor-actions")

# Steps asked for with a typed comment, and the procedure's step each one makes.
TYPED = {"approve": Action.APPROVE, "refuse": Action.REFUSE_APPROVAL,
         "escalate": Action.ESCALATE, "de_escalate": Action.DE_ESCALATE,
         "instruct": Action.INSTRUCT}
EVIDENCE_SHOWN = 10  # files sent per press; a case holds at most 50


@router.callback_query(SupervisorAction.filter())
async def pressed(query: CallbackQuery, callback_data: SupervisorAction, state: FSMContext,
                  db: Database, rules: Rules, actor: Actor, organisation: Organisation,
                  bot: Bot, binding: Group | None, i18n: I18n) -> None:
    message = query.message
    assert isinstance(message, Message)
    actor = await as_supervisor(actor, query.from_user, message.chat, db, rules,
                                organisation, bot, binding)
    action, case_id, arg = callback_data.action, callback_data.case_id, callback_data.arg
    locale = i18n.current_locale
    # Loading the case first refuses a forged or vanished case id before anything else.
    page = await desk.history(db, case_id, offset=callback_data.page, limit=HISTORY_PAGE)
    case = page.case
    if action == "view" and arg != "here":
        await send_case(message, db, rules, locale, case_id)
    elif action == "view":
        await show(message, *case_view(page, rules, locale, rules.now()))
    elif action == "history":
        text, markup = history_page(page, rules, locale)
        await (show(message, text, markup) if arg == "here"
               else message.answer(text, reply_markup=markup))
    elif action == "evidence":
        await _send_files(message, bot, case.evidence)
    elif action == "departments":
        options = [(d.code, d.name) for d in rules.policy.departments
                   if d.code != case.department]
        await show(message, case_view(page, rules, locale, rules.now())[0],
                   choices(case_id, "transfer", options))
    elif action == "people":
        options = [(str(m.telegram_id), m.name) for m in organisation.staff
                   if m.role == "department" and m.department == case.department]
        if not options:
            await query.answer(_("The organisation file lists nobody in this department."),
                               show_alert=True)
            return
        await show(message, case_view(page, rules, locale, rules.now())[0],
                   choices(case_id, "reassign", options))
    elif action == "severities":
        await show(message, case_view(page, rules, locale, rules.now())[0],
                   choices(case_id, "severity", severity_options(case.severity)))
    elif action == "routes":
        await show(message, case_view(page, rules, locale, rules.now())[0],
                   choices(case_id, "close", route_options()))
    elif action == "close":
        if arg not in supervision.EXTERNAL_ROUTES:
            raise DomainError("bad_choice")
        _still_possible(Action.CLOSE, case.state)
        await prompt(message, state, "close", case_id, arg)
    elif action in TYPED:
        _still_possible(TYPED[action], case.state)
        await prompt(message, state, action, case_id)
    else:
        await _act(action, arg, case_id, case.state, actor, db, rules, organisation)
        page = await desk.history(db, case_id, limit=HISTORY_PAGE)
        await show(message, *case_view(page, rules, locale, rules.now()))
        await query.answer(_("Done."))
        return
    await query.answer()


def _still_possible(action: Action, state: CaseState) -> None:
    """Refuse at once, not after the supervisor has typed a comment for nothing."""
    if state not in TRANSITIONS[action][0]:
        raise DomainError("invalid_transition", action=action.value, state=state.value)


async def _act(action: str, arg: str, case_id: int, state: CaseState, actor: Actor,
               db: Database, rules: Rules, organisation: Organisation) -> None:
    """The two-tap changes: the second tap names the department, person or severity."""
    uow = db.uow()
    if action == "transfer":
        if state in (CaseState.RECEIVED, CaseState.INVESTIGATING):
            await handling.assign(uow, rules, case_id, actor, department=arg)
        else:
            await handling.transfer(uow, rules, case_id, actor, arg)
    elif action == "reassign":
        member = organisation.staff_member(int(arg)) if arg.isdigit() else None
        if member is None or member.role != "department":
            raise DomainError("not_in_department")
        person_id = await people.customer_for_telegram(db.uow(), rules, member.telegram_id,
                                                       member.name, member.language)
        await supervision.reassign(uow, rules, case_id, actor, person_id, member.department)
    elif action == "severity":
        if arg not in {s.value for s in Severity}:
            raise DomainError("bad_choice")
        await handling.set_severity(uow, rules, case_id, actor, Severity(arg))
    else:
        raise DomainError("bad_choice")


async def _send_files(message: Message, bot: Bot, evidence: list[Evidence]) -> None:
    """The case's files themselves (Telegram file ids), a few at a time."""
    chat, thread = message.chat.id, message.message_thread_id
    for item in evidence[:EVIDENCE_SHOWN]:
        if item.kind == "video_note":
            await bot.send_video_note(chat, item.file_ref, message_thread_id=thread)
            continue
        kind = item.kind if item.kind in ("photo", "document", "voice", "audio", "video") \
            else "document"
        send = getattr(bot, f"send_{kind}")
        await send(chat, item.file_ref, caption=escape(shorten(item.caption or "", 900)) or None,
                   message_thread_id=thread)
    if len(evidence) > EVIDENCE_SHOWN:
        await message.answer(_("The first {shown} of {total} files.").format(
            shown=EVIDENCE_SHOWN, total=len(evidence)))
