"""The supervisor's desk: /overdue, /case NUMBER, /find TEXT, /stats — in the supervisors'
group or a supervisor's private chat (the supervisor branch of ``bot.handlers`` admits only
them; ``refusals`` answers anyone else)."""

from __future__ import annotations

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.input.callbacks import SupervisorPage
from bot.views.supervisor_views import (
    HISTORY_PAGE,
    case_view,
    found_page,
    history_page,
    overdue_page,
    stats_text,
)
from core.ports import Database
from core.services import supervision_queries as desk
from core.services.rules import Rules

router = Router(name="supervisor")


async def show(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace a desk message in place (paging, sub-menus); send anew if it cannot be."""
    try:
        await message.edit_text(text, reply_markup=markup)  # unchanged is fine (bot.delivery.already_done)
    except TelegramBadRequest:
        await message.answer(text, reply_markup=markup)


async def send_case(message: Message, db: Database, rules: Rules, locale: str, case_id: int,
                    *, with_history: bool = False) -> None:
    page = await desk.history(db, case_id, limit=HISTORY_PAGE)
    text, markup = case_view(page, rules, locale, rules.now())
    await message.answer(text, reply_markup=markup)
    if with_history:
        text, nav = history_page(page, rules, locale)
        await message.answer(text, reply_markup=nav)


@router.message(Command("overdue"))
async def overdue(message: Message, db: Database, rules: Rules) -> None:
    now = rules.now()
    items, total = await desk.overdue(db, rules, now)
    text, markup = overdue_page(items, total, 0, rules, now)
    await message.answer(text, reply_markup=markup)


@router.callback_query(SupervisorPage.filter())
async def overdue_paged(query: CallbackQuery, callback_data: SupervisorPage, db: Database,
                        rules: Rules) -> None:
    message = query.message
    assert isinstance(message, Message)
    now, offset = rules.now(), max(callback_data.page, 0) * desk.PAGE
    items, total = await desk.overdue(db, rules, now, offset=offset)
    if not items and total:  # a stale page past the end: show the last one
        offset = (total - 1) // desk.PAGE * desk.PAGE
        items, total = await desk.overdue(db, rules, now, offset=offset)
    await show(message, *overdue_page(items, total, offset, rules, now))
    await query.answer()


@router.message(Command("case"))
async def case(message: Message, command: CommandObject, db: Database, rules: Rules,
               i18n: I18n) -> None:
    if not (command.args or "").strip():
        await message.answer(_("Write the case number after the command, e.g. "
                               "/case 2611-0001."))
        return
    case_id = await desk.case_id_of(db, command.args or "")
    await send_case(message, db, rules, i18n.current_locale, case_id, with_history=True)


@router.message(Command("find"))
async def find(message: Message, command: CommandObject, db: Database, rules: Rules,
               i18n: I18n) -> None:
    query = (command.args or "").strip()
    if not query:
        await message.answer(_("Write what to look for after the command: a phone number, "
                               "a case number or words from the complaint, e.g. /find "
                               "13800138000."))
        return
    items, total = await desk.find(db, query)
    text, markup = found_page(items, total, query, rules, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


@router.message(Command("stats"))
async def stats(message: Message, db: Database, rules: Rules, i18n: I18n) -> None:
    figures = await desk.week_stats(db, rules, rules.now())
    await message.answer(stats_text(figures, rules, i18n.current_locale))
