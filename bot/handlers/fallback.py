"""Last in line: whatever no other router took."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)
router = Router(name="fallback")


@router.message(F.chat.type == "private")
async def private_unhandled(message: Message) -> None:
    await message.answer(_("I did not understand that. /help shows what I can do."))


@router.message()
async def group_unhandled(message: Message) -> None:
    # Chatter in groups is not for us; an unbound group is logged once per message.
    log.debug("ignored message %s in chat %s", message.message_id, message.chat.id)


@router.callback_query()
async def stale_button(query: CallbackQuery) -> None:
    log.info("unknown or stale button %r from user %s", query.data, query.from_user.id)
    await query.answer(_("This button is no longer valid."), show_alert=False)
