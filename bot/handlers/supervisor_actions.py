"""Buttons of a case on the supervisor's desk: at most two taps, or a tap and a typed
comment. Every press is checked again (who, which case, which choice): a forged or stale
button changes nothing and gets a short refusal. The steps are declared in
``bot.actions.desk``; besides them, only the views (the case, its history, its files)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.actions.desk import DESK
from bot.actions.model import Given, ensure_possible
from bot.delivery.evidence import send_evidence
from bot.flows.supervisor_input import prompt
from bot.handlers.supervisor import send_case, show
from bot.input.callbacks import SupervisorAction
from bot.views.supervisor_views import HISTORY_PAGE, case_view, choices, history_page
from core.domain import Actor, DomainError, Evidence
from core.organisation import Organisation
from core.ports import Database
from core.services import staff
from core.services import supervision_queries as desk
from core.services.rules import Rules
from core.services.supervision_queries import HistoryPage

router = Router(name="supervisor-actions")

async def _open(query: CallbackQuery, callback_data: SupervisorAction,
                db: Database) -> tuple[Message, HistoryPage]:
    """The case the button names, before anything is done."""
    message = query.message
    assert isinstance(message, Message)
    # Loading the case first refuses a forged or vanished case id before anything else.
    page = await desk.history(db, callback_data.case_id, offset=callback_data.page,
                              limit=HISTORY_PAGE)
    return message, page


@router.callback_query(SupervisorAction.filter(F.action == "view"))
async def view(query: CallbackQuery, callback_data: SupervisorAction, db: Database,
               rules: Rules, i18n: I18n) -> None:
    message, page = await _open(query, callback_data, db)
    if callback_data.arg == "here":  # back from a sub-menu, in place
        await show(message, *case_view(page, rules, i18n.current_locale, rules.now()))
    else:
        await send_case(message, db, rules, i18n.current_locale, callback_data.case_id)
    await query.answer()


@router.callback_query(SupervisorAction.filter(F.action == "history"))
async def history(query: CallbackQuery, callback_data: SupervisorAction, db: Database,
                  rules: Rules, i18n: I18n) -> None:
    message, page = await _open(query, callback_data, db)
    text, markup = history_page(page, rules, i18n.current_locale)
    await (show(message, text, markup) if callback_data.arg == "here"
           else message.answer(text, reply_markup=markup))
    await query.answer()


@router.callback_query(SupervisorAction.filter(F.action == "evidence"))
async def evidence(query: CallbackQuery, callback_data: SupervisorAction, db: Database,
                   bot: Bot) -> None:
    message, page = await _open(query, callback_data, db)
    await _send_files(message, bot, page.case.evidence)
    await query.answer()


@router.callback_query(SupervisorAction.filter(F.action.in_(DESK.codes)))
async def pressed(query: CallbackQuery, callback_data: SupervisorAction, state: FSMContext,
                  db: Database, rules: Rules, actor: Actor, organisation: Organisation,
                  i18n: I18n) -> None:
    """A step from the catalogue: a sub-menu to choose from, a prompt, or the change."""
    message, page = await _open(query, callback_data, db)
    entry, case, arg = DESK.get(callback_data.action), page.case, callback_data.arg
    case_id, locale = callback_data.case_id, i18n.current_locale
    actor = actor.seeing(callback_data.version)  # as the view or sub-menu showed the case
    # Reassigning names people: those invited or removed in chat count too.
    organisation = await staff.with_roster(db, organisation)
    if entry.accepts is not None and not entry.accepts(arg):
        raise DomainError("bad_choice")
    if entry.asks_first:
        ensure_possible(entry, case, actor)
    if entry.choice is not None:
        options = entry.choice.options(case, rules, organisation)
        if not options and entry.choice.nothing is not None:
            await query.answer(str(entry.choice.nothing), show_alert=True)
            return
        await show(message, case_view(page, rules, locale, rules.now())[0],
                   choices(case, entry.choice.then, options))
    elif entry.words is not None:
        await prompt(message, state, entry, case, arg)
    else:
        assert entry.perform is not None
        await entry.perform(db, rules, case_id, actor, Given(
            arg=arg, organisation=organisation, state=case.state))
        page = await desk.history(db, case_id, limit=HISTORY_PAGE)
        await show(message, *case_view(page, rules, locale, rules.now()))
        await query.answer(_("Done."))
        return
    await query.answer()


async def _send_files(message: Message, bot: Bot, evidence: list[Evidence]) -> None:
    """The case's files themselves, a few at a time (``bot.delivery.evidence``)."""
    shown = await send_evidence(bot, message.chat.id, evidence,
                                thread=message.message_thread_id)
    if len(evidence) > shown:
        await message.answer(_("The first {shown} of {total} files.").format(
            shown=shown, total=len(evidence)))
