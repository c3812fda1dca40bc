"""After filing, the customer decides through the real bot process: reject then accept a
solution, answer a survey dissatisfied and see the case reopened. The test plays the
staff through the core services on the bot's own database, as the staff cards will."""

from __future__ import annotations

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from core.domain import Actor, CaseState, Remedy, RemedyKind, Role
from core.organisation import load_organisation
from core.services import handling, queries
from core.services.rules import Rules
from sandbox.script import play
from tests.e2e.conftest import ROOT, Desk
from tests.e2e.test_customer_intake import step
from tests.e2e.test_staff_cards import DESK_CHAT, QUALITY_CHAT, is_card

ANN = 1003
DESK = Actor(None, Role.SPECIALIST, level="specialist")


async def test_reject_then_accept_then_a_dissatisfied_survey_reopens(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [
        step("ann", say="The blender I bought stopped working after two days."),
        step("ann", press="✅ That's everything"),
        step("ann", press="Product quality"),
        step("ann", say="Blender B-200, order 88123"),
        step("ann", press="Skip"),
        step("ann", press="Yesterday"),
        step("ann", press="A repair"),
        step("ann", press="📱 Share my phone number"),
        step("ann", press="✅ Yes, that's right"),
    ])
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    rules = Rules.build(organisation.policy, desk.clock)
    db = Database(desk.database_url)
    try:
        async with db.uow() as uow:
            member_id = (await uow.people.add(rules.now(), telegram_id=301, name="Zhang Wei")).id
            await uow.commit()
        member = Actor(member_id, Role.DEPARTMENT, department="quality", level="specialist")
        async with db.uow() as uow:
            case_id = (await uow.session.execute(select(CaseRow.id))).scalar_one()
        await handling.assign(db.uow(), rules, case_id, DESK)
        await handling.accept(db.uow(), rules, case_id, member)
        await handling.propose_solution(db.uow(), rules, case_id, member, Remedy(
            RemedyKind.EXPLANATION, "Blenders need a rest after 5 minutes of use."))
        await desk.wait_for(ANN, lambda m: "proposes this solution" in m.get("text", ""))
        await play(desk.state, [step("ann", press="✖️ I do not accept"),
                                step("ann", say="It broke at once; I want it repaired.")])
        # Issue 17: the department and the desk read her verdict in her words.
        for chat in (QUALITY_CHAT, DESK_CHAT):
            await desk.wait_for(chat, lambda m: is_card(m) and (
                "客户意见：不接受方案——“It broke at once; I want it repaired.”" in m["text"]))
        await handling.propose_solution(db.uow(), rules, case_id, member, Remedy(
            RemedyKind.REPAIR, "Free repair; a courier collects it tomorrow."))
        await desk.wait_for(ANN, lambda m: "Free repair" in m.get("text", ""))
        await play(desk.state, [step("ann", press="✅ I accept")])
        await handling.mark_implemented(db.uow(), rules, case_id, member, "Repaired.")
        await handling.start_revisit(db.uow(), rules, case_id, Actor.system())
        await desk.wait_for(ANN, lambda m: "How satisfied are you" in m.get("text", ""))
        await play(desk.state, [step("ann", press="Dissatisfied")])
        reopened = await desk.wait_for(ANN, lambda m: "reopening case" in m.get("text", ""))
        assert reopened["text"].startswith("We are sorry the result did not satisfy you.")
        # The reopened case reaches the department with the verdict on its card, and her
        # /status history shows the reopening.
        await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "客户意见：不满意" in m["text"])
        await desk.say(ANN, "/status")
        listing = desk.state.bot_messages(ANN)[-1]
        [case_button] = [b for row in listing["reply_markup"]["inline_keyboard"] for b in row]
        after = desk.last_id(ANN)
        desk.state.press_button(ANN, listing["message_id"], data=case_button["callback_data"])
        [page] = await desk.replies(ANN, after)
        assert "— Reopened" in page["text"], page["text"]
        case, history = await queries.case_with_history(db.uow(), case_id, DESK)
        assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
        assert [e.action.value for e in history].count("customer_reject") == 1
        assert any(e.note == "It broke at once; I want it repaired." for e in history)
    finally:
        await db.dispose()
