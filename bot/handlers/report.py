"""/report [YYYY-MM | YYYY-H1 | YYYY]: the complaint summary for supervisors (see
``bot.delivery.report_sender`` for what is sent)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.chat_action import ChatActionSender
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.delivery.report_sender import send_report
from core.db.uow import Database
from core.reports import Period, PeriodError
from core.services.rules import Rules

router = Router(name="report")


@router.message(Command("report"))
async def report_command(message: Message, command: CommandObject, bot: Bot, db: Database,
                         rules: Rules, i18n: I18n) -> None:
    today = rules.now().astimezone(rules.calendar.tz).date()
    try:
        period = Period.parse(command.args) if command.args else Period.before(today)
    except PeriodError:
        await message.answer(_("I do not know that period. Write /report 2026-10 for a month, "
                               "/report 2026-H1 for a half-year or /report 2026 for a year."))
        return
    await message.answer(_("Preparing the report for {period}…").format(period=period.label))
    # Computing and drawing take a few seconds: show "sending a file…" meanwhile.
    async with ChatActionSender.upload_document(bot=bot, chat_id=message.chat.id):
        await send_report(bot, message.chat.id, db, rules, i18n, period)
