"""Build the Bot and the Dispatcher from settings; nothing here runs at import time."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.i18n import I18n

from bot.handlers import build_routers
from bot.i18n import PersonLocaleMiddleware
from bot.middlewares import ActorMiddleware
from bot.reminders import IntakeReminder
from core.db.uow import Database
from core.organisation import Organisation
from core.services.rules import Rules


def build_bot(token: str, api_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(*, db: Database, rules: Rules, organisation: Organisation,
                     storage: BaseStorage, i18n: I18n,
                     reminder_delay: timedelta = timedelta(minutes=30)) -> Dispatcher:
    # One update at a time per person and chat: a double tap on "confirm" cannot race.
    dispatcher = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation(), db=db,
                            rules=rules, organisation=organisation, i18n=i18n,
                            reminder=IntakeReminder(db, rules, reminder_delay))
    actors = ActorMiddleware(db, organisation)
    locale = PersonLocaleMiddleware(i18n)
    # Update level, so the error handlers see the same person and locale as the handlers.
    dispatcher.update.outer_middleware(actors)
    dispatcher.update.outer_middleware(locale)
    dispatcher.include_routers(*build_routers())
    return dispatcher
