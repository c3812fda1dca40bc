"""/report for supervisors: the text, the charts as photos, the workbook as a document —
with the hand-counted month's numbers; anyone else is refused; the monthly sending."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.methods import SendDocument, SendMediaGroup, SendMessage, TelegramMethod
from aiogram.types import Chat
from openpyxl import load_workbook

from bot.delivery.outbox_sender import OutboxSender
from bot.runtime.app import build_dispatcher
from bot.runtime.i18n import make_i18n
from bot.runtime.storage import SqlStorage
from core.clock import ManualClock
from core.db.uow import Database
from core.organisation import Organisation
from core.reports import monthly
from core.services.rules import Rules
from tests.bot.conftest import (
    QUALITY_ID,
    SUPERVISOR_ID,
    SUPERVISORS_CHAT,
    Chatter,
    RecordingSession,
    person,
)
from tests.conftest import SHANGHAI, _seed_people
from tests.service.test_report import AS_OF, build_month


class KeepingSession(RecordingSession):
    """Also keeps each uploaded document's bytes (the files are temporary)."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[bytes] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:
        if isinstance(method, SendDocument):
            path = method.document.path  # type: ignore[union-attr]
            self.documents.append(Path(path).read_bytes())
        return await super().make_request(bot, method, timeout)


async def setup(bot_db: Database, organisation: Organisation, moment: datetime
                ) -> tuple[KeepingSession, Bot, Chatter, Rules]:
    clock = ManualClock(moment)
    rules = Rules.build(organisation.policy, clock)
    await _seed_people(bot_db)
    await build_month(bot_db, rules, clock)
    clock.set(moment)
    session = KeepingSession()
    bot = Bot("4242:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher: Dispatcher = build_dispatcher(db=bot_db, rules=rules, organisation=organisation,
                                              storage=SqlStorage(bot_db), i18n=make_i18n("en"))
    return session, bot, Chatter(dispatcher, bot), rules


def sent(session: RecordingSession, kind: type, chat_id: int) -> list[Any]:
    return [m for m in session.requests if isinstance(m, kind) and m.chat_id == chat_id]


def cases_in(workbook: bytes) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(workbook))
    return [tuple(r) for r in book["Cases"].iter_rows(min_row=2, values_only=True)]


async def test_a_supervisor_gets_text_charts_and_workbook(bot_db: Database,
                                                          organisation: Organisation) -> None:
    session, _bot, chat, _rules = await setup(bot_db, organisation, AS_OF)
    await chat.say(person(SUPERVISOR_ID, "en"), "/report 2026-11")

    texts = [m.text for m in sent(session, SendMessage, SUPERVISOR_ID)]
    assert texts[0] == "Preparing the report for 2026-11…"
    assert texts[1].startswith("<b>Complaint summary for 2026-11</b>")
    assert "Complaints: 6 (valid 4, invalid 1, not yet judged 1)." in texts[1]
    assert "Satisfaction: 67% satisfied of 3 answers." in texts[1]
    [album] = sent(session, SendMediaGroup, SUPERVISOR_ID)
    assert len(album.media) == 4 and {m.type for m in album.media} == {"photo"}
    [document] = sent(session, SendDocument, SUPERVISOR_ID)
    assert document.document.filename == "complaints-2026-11.xlsx"
    book = load_workbook(io.BytesIO(session.documents[0]))
    on_time = {r[0]: r[1:5] for r in book["On time"].iter_rows(min_row=2, values_only=True)}
    assert on_time["Department's solution"] == (4, 3, 1, 0)
    compensation = list(book["Compensation"].iter_rows(min_row=2, values_only=True))
    assert compensation[-1] == ("Total", 4, 3050, 2, 2, 750)
    assert len(cases_in(session.documents[0])) == 6


async def test_in_the_supervisors_group_and_refused_elsewhere(
        bot_db: Database, organisation: Organisation) -> None:
    session, _bot, chat, _rules = await setup(bot_db, organisation, AS_OF)
    group = Chat(id=SUPERVISORS_CHAT, type="supergroup", title="Supervisors")
    session.members.add((SUPERVISORS_CHAT, SUPERVISOR_ID))
    await chat.say(person(SUPERVISOR_ID, "en"), "/report 2026-H2", chat=group)
    assert len(sent(session, SendDocument, SUPERVISORS_CHAT)) == 1

    await chat.say(person(QUALITY_ID, "en"), "/report 2026-11")
    assert sent(session, SendMessage, QUALITY_ID)[-1].text.startswith(
        "These commands are for supervisors")
    assert sent(session, SendDocument, QUALITY_ID) == []

    await chat.say(person(SUPERVISOR_ID, "en"), "/report 2026-13")
    assert sent(session, SendMessage, SUPERVISOR_ID)[-1].text.startswith(
        "I do not know that period.")
    await chat.say(person(SUPERVISOR_ID, "en"), "/report 2025-02")
    texts = [m.text for m in sent(session, SendMessage, SUPERVISOR_ID)]
    assert "No complaints were filed in 2025-02. There is nothing to report." in texts[-1]
    assert sent(session, SendMediaGroup, SUPERVISOR_ID) == []  # no charts of nothing
    assert len(sent(session, SendDocument, SUPERVISOR_ID)) == 1


async def test_sent_by_itself_once_on_the_first_working_day(
        bot_db: Database, organisation: Organisation) -> None:
    # Tuesday 1 December 2026 is December's first working day; the office opens at 9.
    session, bot, _chat, rules = await setup(
        bot_db, organisation, datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI))
    assert await monthly.queue_if_due(bot_db, rules, rules.now()) is None  # not open yet
    rules.clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    period = await monthly.queue_if_due(bot_db, rules, rules.now())
    assert period is not None and period.label == "2026-11"
    assert await monthly.queue_if_due(bot_db, rules, rules.now()) is None  # once
    rules.clock.set(datetime(2026, 12, 2, 9, 30, tzinfo=SHANGHAI))  # type: ignore[attr-defined]
    assert await monthly.queue_if_due(bot_db, rules, rules.now()) is None  # sent already

    sender = OutboxSender(bot, bot_db, rules, organisation, make_i18n("en"))
    while await sender.run_once():
        pass
    texts = [m.text for m in sent(session, SendMessage, SUPERVISORS_CHAT)]
    assert any("Complaint summary for 2026-11" in t for t in texts)
    assert len(sent(session, SendMediaGroup, SUPERVISORS_CHAT)) == 1
    assert len(cases_in(session.documents[-1])) == 6


async def test_a_bot_down_on_the_first_working_day_sends_it_when_back(
        bot_db: Database, organisation: Organisation) -> None:
    _session, _bot, _chat, rules = await setup(
        bot_db, organisation, datetime(2026, 12, 3, 14, 0, tzinfo=SHANGHAI))
    period = await monthly.queue_if_due(bot_db, rules, rules.now())
    assert period is not None and period.label == "2026-11"  # late, but not lost
    assert await monthly.queue_if_due(bot_db, rules, rules.now()) is None


async def test_a_desk_newer_than_last_month_sends_no_report_of_it(
        bot_db: Database, organisation: Organisation) -> None:
    rules = Rules.build(organisation.policy,
                        ManualClock(datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)))
    assert await monthly.queue_if_due(bot_db, rules, rules.now()) is None
