"""A notice for one member of staff (``core.notices.ForStaffMember``): privately, or, where
Telegram refuses that because they never opened a chat with the bot, in their own group,
mentioning them by name, so it still reaches them."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup

from bot.views.render import escape
from core.organisation import Organisation, StaffMember
from core.ports import Database
from core.services import groups, staff

log = logging.getLogger(__name__)


def home(member: StaffMember) -> str:
    """The binding of the group a staff member works in."""
    if member.role == "department":
        return f"department:{member.department}"
    return "supervisors" if member.role == "supervisor" else "desk"


async def send_to_staff(bot: Bot, db: Database, organisation: Organisation, telegram_id: int,
                        text: str, markup: InlineKeyboardMarkup | None) -> int:
    try:
        return (await bot.send_message(telegram_id, text, reply_markup=markup)).message_id
    except TelegramForbiddenError as refusal:
        member = await staff.member_now(db, organisation, telegram_id)
        group = await groups.group_for(db, organisation, home(member)) if member else None
        if member is None or group is None:
            raise
        log.info("staff %s cannot be written to privately (%s); told in %s by name",
                 telegram_id, refusal.message, group.binding)
        mention = f'<a href="tg://user?id={telegram_id}">{escape(member.name)}</a>'
        sent = await bot.send_message(group.chat_id, f"{mention}\n{text}", reply_markup=markup)
        return sent.message_id
