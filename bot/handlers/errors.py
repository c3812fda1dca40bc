"""Refused commands get a translated answer; anything unexpected is logged, never shown."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.input.menus import mark_spent
from bot.runtime.i18n import choose_locale
from bot.views.texts import explain
from core.domain import DomainError

log = logging.getLogger(__name__)
router = Router(name="errors")


async def _tell(event: ErrorEvent, text: str, *, alert: bool = False) -> None:
    """Answer where the person acted: a button's toast, or a reply in the chat."""
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=alert or len(text) > 60)
        elif update.message is not None:
            await update.message.answer(text)
    except TelegramAPIError:
        log.warning("could not tell the user about an error in update %s", update.update_id)


@router.errors(ExceptionTypeFilter(DomainError))
async def refused(event: ErrorEvent, i18n: I18n, **data: Any) -> None:
    error = event.exception
    assert isinstance(error, DomainError)
    log.info("refused update %s: %s", event.update.update_id, error)
    if error.code == "already_taken" and "db" in data:
        # Tell the second person who was first, by name.
        async with data["db"].uow(read_only=True) as uow:
            owner = await uow.people.get(int(error.params["owner_id"]))
            error.params["owner"] = owner.name or "?"
    # The handler's locale context has ended by now: choose it again from the same data.
    with i18n.context(), i18n.use_locale(choose_locale(data, i18n.default_locale)):
        # A spent menu: an alert to dismiss, not a toast missed while the menu changes.
        await _tell(event, explain(error), alert=error.code == "moved_on")
        query = event.update.callback_query
        if error.code == "moved_on" and query is not None:
            await mark_spent(query, str(error.params.get("number", "")))


@router.errors()
async def unexpected(event: ErrorEvent, i18n: I18n, **data: Any) -> None:
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    with i18n.context(), i18n.use_locale(choose_locale(data, i18n.default_locale)):
        await _tell(event, _("Sorry, something went wrong on our side. Please try again in "
                             "a moment; nothing you sent is lost."))
