"""Menus and prompts made for one case, as it was when they were made.

Each names its case, so nobody types an answer for the wrong one, and carries the case's
version (``StaffAction.version``, ``SupervisorAction.version``, the prompt's FSM data): the
domain refuses a press or an answer once the case has changed since (``Actor.saw``). A
refused menu is then edited to say it is spent, so nobody presses it again.
"""

from __future__ import annotations

import logging
from html import escape

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.input.callbacks import SupervisorAction

log = logging.getLogger(__name__)


def for_case(text: str, number: object) -> str:
    """A menu's question or a prompt, with the case it is for under it (below, so the
    question itself stays the first thing read)."""
    return text + "\n" + _("Case {number}").format(number=escape(str(number)))


def _afresh(query: CallbackQuery) -> InlineKeyboardMarkup | None:
    """On a spent view of the supervisor's desk, one button: the case as it is now."""
    try:
        pressed = SupervisorAction.unpack(query.data or "")
    except (TypeError, ValueError):
        return None  # a task card's menu: the card itself shows the case as it is
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=_("🔎 Open the case"),
        callback_data=SupervisorAction(action="view", case_id=pressed.case_id).pack())]])


async def mark_spent(query: CallbackQuery, number: str) -> None:
    """The pressed menu, its buttons taken away and a line saying why. Best effort: the
    refusal itself is the press's answer."""
    message = query.message
    if not isinstance(message, Message):
        return
    line = _("⌛ Spent: case {number} has moved on since this menu was made.").format(
        number=escape(number))
    markup = _afresh(query)
    try:
        if message.text is not None:
            await message.edit_text(message.html_text + "\n\n" + line, reply_markup=markup)
        else:
            await message.edit_reply_markup(reply_markup=markup)
    except TelegramAPIError as error:
        log.warning("could not mark the menu %s in chat %s spent: %s",
                    message.message_id, message.chat.id, error)
