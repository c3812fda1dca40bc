"""The command menu, per language, set at start."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.runtime.i18n import LANGUAGES


def private_commands() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Talk to the complaint desk")),
        BotCommand(command="new", description=_("File a new complaint")),
        BotCommand(command="status", description=_("My complaints")),
        BotCommand(command="cancel", description=_("Stop what we are doing")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="help", description=_("How this works")),
    ]


async def set_commands(bot: Bot, i18n: I18n) -> None:
    scope = BotCommandScopeAllPrivateChats()
    with i18n.context(), i18n.use_locale(i18n.default_locale):
        await bot.set_my_commands(private_commands(), scope=scope)
    for language in LANGUAGES:
        with i18n.context(), i18n.use_locale(language):
            # Telegram wants a two-letter code; both Chinese scripts share "zh", so the
            # organisation's default decides which script the shared menu shows.
            code = language[:2]
            if code == "zh" and not i18n.default_locale.startswith("zh"):
                continue
            if code == "zh" and language != i18n.default_locale:
                continue
            await bot.set_my_commands(private_commands(), scope=scope, language_code=code)
