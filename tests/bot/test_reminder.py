"""A customer who goes quiet halfway through is reminded once, after the configured delay."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from bot.delivery.job_runner import JobRunner
from core.db.jobs import JobQueue
from core.db.uow import Database
from tests.bot.conftest import Chatter, RecordingSession, person

REMINDER = "Your complaint is not filed yet — I still have everything you told me."


def runner(bot: Bot, bot_db: Database, dispatcher: Dispatcher) -> JobRunner:
    return JobRunner(bot, bot_db, dispatcher["rules"], dispatcher.storage, dispatcher["i18n"],
                     dispatcher["reminder"])


async def test_a_quiet_customer_is_reminded_once(chat: Chatter, session: RecordingSession,
                                                bot: Bot, bot_db: Database,
                                                dispatcher: Dispatcher) -> None:
    clock = dispatcher["rules"].clock
    jobs = runner(bot, bot_db, dispatcher)
    ann = person(41, "en", "Ann")
    await chat.say(ann, "My order arrived damaged.")
    clock.advance(minutes=20)
    assert await jobs.run_once() == 0  # not due yet
    await chat.say(ann, "The box was wet.")  # active again at minute 20
    clock.advance(minutes=11)
    await jobs.run_once()  # due at 30, but she spoke at 20: wait until 50
    assert not any(t.startswith(REMINDER) for t in session.sent_texts())
    clock.advance(minutes=20)
    await jobs.run_once()
    assert session.sent_texts()[-1].startswith(REMINDER)
    clock.advance(hours=5)
    await jobs.run_once()
    assert sum(t.startswith(REMINDER) for t in session.sent_texts()) == 1
    assert (await JobQueue(bot_db).counts()) == {"done": 1}


async def test_no_reminder_once_the_complaint_is_filed_or_discarded(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher
) -> None:
    clock = dispatcher["rules"].clock
    mei = person(42, "zh-TW", "Mei")
    await chat.say(mei, "服務太差了。")
    await chat.say(mei, "/cancel")
    await chat.press_button(mei, session, "是，放棄")
    clock.advance(hours=1)
    await runner(bot, bot_db, dispatcher).run_once()
    assert not any("還沒有提交" in t for t in session.sent_texts())
