"""Build the Bot and the Dispatcher from settings; nothing here runs at import time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.utils.i18n import I18n

from bot.delivery.already_done import AlreadyDone
from bot.delivery.flood_wait import MAX_WAIT, WaitOutFloods
from bot.delivery.paced_requests import InSendWindow, PacedRequests, SharedPacedRequests
from bot.delivery.pacing import Pacer
from bot.delivery.reminders import IntakeReminder
from bot.delivery.send_window import SendWindow
from bot.delivery.shared_budget import SharedFloodBudget
from bot.handlers import build_routers
from bot.runtime.i18n import PersonLocaleMiddleware
from bot.runtime.inline_filters import run_filters_inline
from bot.runtime.middlewares import ActorMiddleware, ConversationReads
from bot.runtime.person_locks import PersonLocks
from bot.runtime.polling import InboxDispatcher
from bot.runtime.update_slots import UpdateSlots
from bot.runtime.update_work import REPLY_HOLD, UpdateWorkMiddleware
from core.db.uow import Database
from core.organisation import Organisation
from core.services.rules import Rules


def build_bot(token: str, api_url: str, *,
              paced_by: tuple[Pacer, Callable[[], datetime]] | None = None,
              window: SendWindow | None = None, flood_wait: float = MAX_WAIT,
              shared: SharedFloodBudget | None = None) -> Bot:
    """``paced_by`` (a pacer and its clock): a bot the handlers use. It keeps to the flood
    budget it shares with the outbox (``bot.delivery.paced_requests``) and waits out a 429
    (``bot.delivery.flood_wait``), up to ``flood_wait`` seconds — the one that sends an
    update's kept replies waits a short one out and hands a longer one to the outbox. The
    background workers' bot postpones a notice instead, and keeps to the ``window`` the
    handlers' bots share. ``shared``: a fleet's budget in Redis paces the handlers' bots
    instead of the process's pacer, and every bot's requests hold places in the fleet's
    send windows."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")),
                             **_fast_json())
    session.middleware(AlreadyDone())
    if paced_by is not None:
        session.middleware(WaitOutFloods(flood_wait))
        if shared is not None:
            session.middleware(SharedPacedRequests(shared, paced_by[0].window))
        else:
            session.middleware(PacedRequests(*paced_by))
    elif window is not None:
        session.middleware(InSendWindow(window, shared))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def _fast_json() -> dict[str, Any]:
    """orjson for the Bot API's JSON where installed (the optional ``speedups`` extra),
    else the standard library's; bench/intake_throughput.py measures both."""
    try:
        import orjson
    except ImportError:
        return {}
    return {"json_loads": orjson.loads,
            "json_dumps": lambda value: orjson.dumps(value).decode()}


def build_dispatcher(*, db: Database, rules: Rules, organisation: Organisation,
                     storage: BaseStorage, i18n: I18n,
                     reminder_delay: timedelta = timedelta(minutes=30),
                     isolation: BaseEventIsolation | None = None,
                     replies_by: Bot | None = None,
                     reply_hold: timedelta = REPLY_HOLD) -> InboxDispatcher:
    # One update at a time per person and chat: a double tap on "confirm" cannot race.
    # (``bot.runtime.storage.make_isolation`` shares the lock across a fleet's instances.)
    dispatcher = InboxDispatcher(storage=storage, events_isolation=isolation or PersonLocks(),
                            disable_fsm=True, db=db, rules=rules, organisation=organisation,
                            i18n=i18n, reminder=IntakeReminder(db, rules, reminder_delay))
    # aiogram's FSM middleware, in its place, reading the person with the conversation.
    dispatcher.fsm = ConversationReads(storage, dispatcher.fsm.events_isolation, db,
                                       UpdateSlots.for_pool(db.engine.pool))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    actors = ActorMiddleware(db, organisation)
    locale = PersonLocaleMiddleware(i18n)
    # Update level, so the error handlers see the same person and locale as the handlers.
    dispatcher.update.outer_middleware(actors)
    dispatcher.update.outer_middleware(locale)
    # Inside the FSM's per-person lock: the update's unit of work, committed once.
    dispatcher.update.outer_middleware(UpdateWorkMiddleware(
        db, rules.now, reply_hold, replies_by))
    dispatcher.include_routers(*build_routers())
    run_filters_inline(dispatcher)
    return dispatcher
