"""The outbox sender against the emulator over real HTTP: 429, 5xx, 403, and delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from bot.delivery.outbox_sender import OutboxSender
from bot.runtime.app import build_bot
from bot.runtime.i18n import make_i18n
from core.db.outbox import OutboxQueue
from core.db.uow import Database
from core.domain import Actor, Role
from core.organisation import Organisation
from core.services import filing, handling, people
from core.services.rules import Rules
from sandbox.emulator.server import Emulator, start_emulator
from tests.factories import make_intake

TOKEN = "777:SENDER"
USER = 5151

@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emulator = await start_emulator(token=TOKEN)
    emulator.state.create_user("Ann", id=USER, language_code="en", started=True)
    yield emulator
    await emulator.close()

@pytest.fixture
async def sender(emulator: Emulator, bot_db: Database, organisation: Organisation,
                 dispatcher: object) -> AsyncIterator[OutboxSender]:
    rules: Rules = dispatcher["rules"]  # type: ignore[index]
    bot: Bot = build_bot(TOKEN, emulator.base_url)
    # No staff groups here: only the customer's messages reach the emulator.
    alone = organisation.model_copy(update={"groups": ()})
    yield OutboxSender(bot, bot_db, rules, alone, make_i18n("en"))
    await bot.session.close()

async def invalid_case(sender: OutboxSender) -> None:
    """A complaint judged invalid: the finding must reach the customer."""
    rules, db = sender.rules, sender.db
    customer = await people.customer_for_telegram(db.uow(), rules, USER, "Ann", "en")
    filed = await filing.file_case(db.uow(), rules, make_intake(), customer,
                                   Actor(customer, Role.CUSTOMER))
    await handling.decide_invalid(db.uow(), rules, filed.case_id,
                                  Actor(None, Role.SPECIALIST), "Bought after its date.")

async def test_a_notice_reaches_the_customer_in_their_language(
    sender: OutboxSender, emulator: Emulator
) -> None:
    await invalid_case(sender)
    await sender.run_once()
    [message] = emulator.state.bot_messages(USER)
    assert message["text"].startswith("Case 2611-0001\nThank you for telling us about this")
    assert "Bought after its date." in message["text"]
    assert await OutboxQueue(sender.db).counts(audience="customer") == {"sent": 1}

async def test_flood_control_waits_retry_after_then_delivers_once(
    sender: OutboxSender, emulator: Emulator
) -> None:
    await invalid_case(sender)
    emulator.state.fail_next("sendMessage", code=429, retry_after=7)
    await sender.run_once()
    assert emulator.state.bot_messages(USER) == []
    await sender.run_once()  # not due before retry_after has passed
    assert emulator.state.bot_messages(USER) == []
    sender.rules.clock.advance(seconds=7)  # type: ignore[attr-defined]
    await sender.run_once()
    assert len(emulator.state.bot_messages(USER)) == 1
    assert await OutboxQueue(sender.db).counts(audience="customer") == {"sent": 1}

async def test_a_server_error_is_retried_with_a_pause(sender: OutboxSender,
                                                      emulator: Emulator) -> None:
    await invalid_case(sender)
    emulator.state.fail_next("sendMessage", code=502)
    await sender.run_once()
    await sender.run_once()
    assert emulator.state.bot_messages(USER) == []
    sender.rules.clock.advance(seconds=2)  # type: ignore[attr-defined]
    await sender.run_once()
    assert len(emulator.state.bot_messages(USER)) == 1

async def test_a_customer_who_blocked_the_bot_is_marked_unreachable(
    sender: OutboxSender, emulator: Emulator
) -> None:
    await invalid_case(sender)
    emulator.state.block_bot(USER)
    await sender.run_once()
    assert await OutboxQueue(sender.db).counts(audience="customer") == {"unreachable": 1}
    sender.rules.clock.advance(hours=1)  # type: ignore[attr-defined]
    await sender.run_once()  # never retried
    assert await OutboxQueue(sender.db).counts(audience="customer") == {"unreachable": 1}


async def test_a_customer_who_blocked_the_bot_becomes_a_call_and_no_group_an_alert(
    sender: OutboxSender, emulator: Emulator
) -> None:
    await invalid_case(sender)
    emulator.state.block_bot(USER)
    await sender.run_once()
    await sender.run_once()
    await sender.run_once()
    queue = OutboxQueue(sender.db)
    # The desk would have called her; with no desk group, the supervisors would have heard;
    # with none at all, only the log is left — and nothing loops.
    assert await queue.counts(kind="call_customer", audience="desk") == {"unreachable": 1}
    # (the desk's two cards of the case, filing and invalid, and the call)
    assert await queue.counts(kind="undelivered", audience="supervisors") == {"unreachable": 3}
    assert await queue.counts(status="pending") == {}
