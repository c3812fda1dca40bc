"""A major complaint is recognised in chat (issue 19.1): the story's parties and numbers,
and the amount asked where compensation is claimed, are weighed by the policy's rules; the
case files as major, the supervisors hear at once, and the desk's card says why.

The tests' policy: major from 5 complainants, 100 units, more than 2000 claimed, or the
media, a lawyer or a safety risk."""

from __future__ import annotations

from decimal import Decimal

from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import Contact

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Severity
from core.organisation import Organisation
from core.services import people, queries
from tests.bot.conftest import DESK_CHAT, SUPERVISORS_CHAT, Chatter, RecordingSession, person
from tests.bot.test_intake import _actor


async def file(chat: Chatter, session: RecordingSession, user_id: int, story: str,
               amount: str | None = None) -> str:
    """Files a compensation claim in Simplified Chinese; the summary it was shown."""
    li = person(user_id, "zh-hans", "Li")
    await chat.say(li, story)
    await chat.say(li, "✅ 说完了")
    await chat.press_button(li, session, "产品质量")
    await chat.say(li, "辣椒油 500ml")
    await chat.press_button(li, session, "跳过")
    await chat.press_button(li, session, "昨天")
    await chat.press_button(li, session, "赔偿")
    if amount is not None:
        assert session.sent_texts()[-1].startswith("您要求赔偿多少钱？")
        await chat.say(li, amount)
    await chat.say(li, contact=Contact(phone_number="+8613800138009", first_name="Li",
                                       user_id=user_id))
    summary = session.sent_texts()[-1]
    await chat.press_button(li, session, "✅ 对，没错")
    return summary


async def severity_of(bot_db: Database, user_id: int) -> tuple[Severity, object]:
    customer = await people.find_by_telegram(bot_db, user_id)
    assert customer is not None
    [listed] = await queries.cases_of_customer(bot_db.uow(), customer.id)
    case, _history = await queries.case_with_history(bot_db.uow(), listed.id,
                                                     _actor(customer.id))
    return case.severity, case.intake


async def test_a_group_claim_with_a_lawyer_and_the_press_files_as_major(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    summary = await file(chat, session, 51, "小区20多户买的辣椒油都有问题，一共120多瓶，每户要求"
                         "赔偿2000元。我们已经请了律师，电视台记者也在联系。")
    # The story gave the amount: not asked again; the numbers are restated to confirm.
    assert "<b>要求赔偿金额：</b>2000.00" in summary
    assert "<b>一同投诉的人数：</b>20" in summary and "<b>涉及数量：</b>120" in summary
    severity, intake = await severity_of(bot_db, 51)
    assert severity is Severity.MAJOR
    assert (intake.complainants, intake.batch_units, intake.claimed_amount) == (  # type: ignore[attr-defined]
        20, 120, Decimal("2000.00"))
    await OutboxSender(bot, bot_db, dispatcher["rules"], organisation,
                       dispatcher["i18n"]).run_once()
    sent = [(m.chat_id, m.text) for m in session.requests if isinstance(m, SendMessage)]
    [alert] = [text for chat_id, text in sent if chat_id == SUPERVISORS_CHAT
               and text.startswith("🚨 <b>Major complaint")]
    assert "Why it is major: a lawyer, the media; complainants: 20" in alert
    [card] = [text for chat_id, text in sent if chat_id == DESK_CHAT and "📋" in text]
    assert ("⚖️ Weighed for severity: a lawyer, the media, 20 complainants, 120 units, "
            "2000.00 claimed") in card


async def test_the_amount_is_asked_when_compensation_is_claimed_and_weighed(
    chat: Chatter, session: RecordingSession, bot_db: Database
) -> None:
    await file(chat, session, 52, "辣椒油的味道不对。", amount="要2500元")
    severity, intake = await severity_of(bot_db, 52)
    assert intake.claimed_amount == Decimal("2500")  # type: ignore[attr-defined]
    assert severity is Severity.MAJOR  # more than 2000 claimed
    await file(chat, session, 53, "辣椒油的味道不对。", amount="300")
    assert (await severity_of(bot_db, 53))[0] is Severity.MINOR
