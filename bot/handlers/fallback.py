"""Last in line: whatever no other router took."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)
router = Router(name="fallback")


@router.message(F.chat.type == "private")
async def private_unhandled(message: Message) -> None:
    await message.answer(_("I did not understand that. /help shows what I can do."))


async def _replies_to_us(message: Message, bot: Bot) -> bool:
    reply = message.reply_to_message
    return reply is not None and reply.from_user is not None and reply.from_user.id == bot.id


@router.message(F.chat.type != "private", _replies_to_us)
async def stale_prompt_answered(message: Message) -> None:
    """An answer to a question of ours no handler waits for any more (answered, cancelled,
    the case moved on, the bot restarted in between): said so, not dropped in silence."""
    log.info("reply to a message of ours nobody waits for, from %s in chat %s",
             message.from_user.id if message.from_user else None, message.chat.id)
    await message.reply(_("I am no longer waiting for an answer to that message (it was "
                          "answered or cancelled, or the case has moved on). To act on a "
                          "case, press the button on its card again."))


@router.message()
async def group_unhandled(message: Message) -> None:
    # Chatter in groups is not for us; an unbound group is logged once per message.
    log.debug("ignored message %s in chat %s", message.message_id, message.chat.id)


@router.callback_query()
async def stale_button(query: CallbackQuery) -> None:
    log.info("unknown or stale button %r from user %s", query.data, query.from_user.id)
    await query.answer(_("This button is no longer valid."), show_alert=False)
