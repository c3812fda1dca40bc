"""The customer decides: a proposed solution, a question, the satisfaction survey."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n

from bot.delivery.outbox_sender import OutboxSender
from core.db.uow import Database
from core.domain import Actor, CaseState, Remedy, RemedyKind, Role
from core.organisation import Organisation
from core.services import filing, handling, people, queries
from core.services.rules import Rules
from tests.bot.conftest import Chatter, RecordingSession, person
from tests.factories import make_intake

DESK = Actor(None, Role.SPECIALIST, level="specialist")


class Staff:
    """The other side of the desk, acting through the services like the staff cards will."""

    def __init__(self, db: Database, rules: Rules, sender: OutboxSender) -> None:
        self.db, self.rules, self.sender = db, rules, sender
        self.member: Actor | None = None

    async def case_for(self, telegram_id: int) -> int:
        customer = await people.customer_for_telegram(self.db.uow(), self.rules, telegram_id)
        filed = await filing.file_case(self.db.uow(), self.rules, make_intake(), customer,
                                       Actor(customer, Role.CUSTOMER))
        async with self.db.uow() as uow:
            row = await uow.people.add(self.rules.now(), name="Zhang Wei")
            await uow.commit()
        self.member = Actor(row.id, Role.DEPARTMENT, department="quality", level="specialist")
        await handling.assign(self.db.uow(), self.rules, filed.case_id, DESK)
        await handling.accept(self.db.uow(), self.rules, filed.case_id, self.member)
        return filed.case_id

    async def propose(self, case_id: int, text: str) -> None:
        assert self.member is not None
        await handling.propose_solution(self.db.uow(), self.rules, case_id, self.member,
                                        Remedy(RemedyKind.EXCHANGE, text))
        await self.sender.run_once()


def staff_for(bot: Bot, bot_db: Database, dispatcher: Dispatcher,
              organisation: Organisation) -> Staff:
    rules: Rules = dispatcher["rules"]
    i18n: I18n = dispatcher["i18n"]
    return Staff(bot_db, rules, OutboxSender(bot, bot_db, rules, organisation, i18n))


async def test_reject_with_a_reason_then_accept_the_next_proposal(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    ann = person(31, "en", "Ann")
    await chat.say(ann, "/start")
    staff = staff_for(bot, bot_db, dispatcher, organisation)
    case_id = await staff.case_for(31)
    await staff.propose(case_id, "We can explain why milk turns sour.")
    prompt = session.sent_texts()[-1]
    assert prompt.startswith("<b>Case 2611-0001</b>\nQuality proposes this solution:\n"
                             "<b>An exchange</b>")
    await chat.press_button(ann, session, "✖️ I do not accept")
    assert session.sent_texts()[-1].startswith("I understand. Please tell us in a few words")
    await chat.say(ann, "I want a fresh bottle, not a lecture.")
    assert session.sent_texts()[-1].startswith("Thank you. We have passed your reason on")
    await staff.propose(case_id, "A fresh bottle delivered tomorrow morning.")
    await chat.press_button(ann, session, "✅ I accept")
    assert session.sent_texts()[-1].startswith("Thank you. We will now carry out the solution")
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.IMPLEMENTING
    rejection = next(e for e in history if e.action.value == "customer_reject")
    assert rejection.note == "I want a fresh bottle, not a lecture."


async def test_a_question_is_answered_and_a_dissatisfied_survey_reopens_the_case(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    lei = person(32, "zh-hans", "Lei")
    await chat.say(lei, "/start")
    staff = staff_for(bot, bot_db, dispatcher, organisation)
    case_id = await staff.case_for(32)
    assert staff.member is not None
    await handling.ask_customer(bot_db.uow(), staff.rules, case_id, staff.member,
                                "瓶盖上的喷码是多少？")
    await staff.sender.run_once()
    assert session.sent_texts()[-1] == ("<b>投诉单 2611-0001</b>\n负责您投诉的同事想问您：\n"
                                        "瓶盖上的喷码是多少？")
    await chat.press_button(lei, session, "✍️ 回答")
    await chat.say(lei, "20261031A")
    assert session.sent_texts()[-1] == "谢谢，您的回答已转给负责的同事。"
    await staff.propose(case_id, "给您换一瓶新的。")
    await chat.press_button(lei, session, "✅ 我接受")
    await handling.mark_implemented(bot_db.uow(), staff.rules, case_id, staff.member)
    await handling.start_revisit(bot_db.uow(), staff.rules, case_id, Actor.system())
    await staff.sender.run_once()
    await chat.press_button(lei, session, "不满意")
    assert session.sent_texts()[-2] == ("很抱歉结果没能让您满意。我们已重新受理投诉单 2611-0001，"
                                        "会有同事再次跟进。")
    await chat.say(lei, "新的那瓶也是酸的。")
    assert session.sent_texts()[-1] == "谢谢，您的意见已记录到投诉单中。"
    case, history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
    assert history[-1].note == "新的那瓶也是酸的。"


async def test_a_forged_decision_on_someone_elses_case_changes_nothing(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    staff = staff_for(bot, bot_db, dispatcher, organisation)
    case_id = await staff.case_for(33)
    await staff.propose(case_id, "An exchange.")
    eve = person(34, "en", "Eve")
    await chat.say(eve, "/start")
    from bot.input.callbacks import Decision

    await chat.press(eve, Decision(action="accept", case_id=case_id).pack())
    assert session.requests[-1].text == "That case is not one of yours."  # type: ignore[attr-defined]
    case, _ = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    assert case.state is CaseState.AWAITING_CUSTOMER
