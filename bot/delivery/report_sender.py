"""Delivering a period's complaint summary to a chat: the text, the charts as photos and
the workbook as a document. Used by /report and by the outbox for the monthly report
(``core.reports.monthly``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from aiogram import Bot
from aiogram.types import FSInputFile, InputMediaPhoto
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.views.labels import category_label
from bot.views.render import escape
from core.db.uow import Database
from core.reports import Period, Words, build_report, needs_english
from core.reports.command import department_names
from core.reports.monthly import NOTICE_KIND
from core.services.rules import Rules

__all__ = ["NOTICE_KIND", "report_words", "send_report"]


def report_words(i18n: I18n, rules: Rules) -> tuple[Words, Words]:
    """Words in the current locale, and the charts' (English without a CJK font)."""
    departments = department_names(rules.policy)
    names = {str(code): name.value for code, name in rules.policy.severity_labels.items()}
    words = Words(lambda msgid: i18n.gettext(msgid), category_label, departments, names)
    if not needs_english(i18n.current_locale):
        return words, words
    return words, Words(lambda msgid: i18n.gettext(msgid, locale="en"), None, departments,
                        names)


async def send_report(bot: Bot, chat_id: int, db: Database, rules: Rules, i18n: I18n,
                      period: Period) -> int:
    """Compute ``period`` and send it to ``chat_id``; the id of the last message sent."""
    words, chart_words = report_words(i18n, rules)
    with tempfile.TemporaryDirectory(prefix="report-") as directory:
        report = await build_report(db, rules, period, Path(directory), words, chart_words)
        title, _sep, rest = report.text.partition("\n")
        message = await bot.send_message(chat_id, f"<b>{escape(title)}</b>\n{escape(rest)}")
        if len(report.charts) > 1:
            await bot.send_media_group(chat_id, [InputMediaPhoto(media=FSInputFile(path))
                                                 for path in report.charts])
        elif report.charts:
            await bot.send_photo(chat_id, FSInputFile(report.charts[0]))
        message = await bot.send_document(
            chat_id, FSInputFile(report.workbook),
            caption=_("Workbook: every table, and the list of the cases."))
    return message.message_id
