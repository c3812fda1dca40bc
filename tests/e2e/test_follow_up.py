"""Nothing the customer says after the case number is lost (issue 16.1): a new problem
after a closed case is a new complaint; with an open case the customer says which."""

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
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, is_card

LI, ANN = 1001, 1003
DESK = Actor(None, Role.SPECIALIST, level="specialist")
GLASS = "昨天买的辣椒油里面有一小块玻璃碴！"


def rules_of(desk: Desk) -> Rules:
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    return Rules.build(organisation.policy, desk.clock)


async def case_ids(db: Database) -> list[int]:
    async with db.uow() as uow:
        return list((await uow.session.execute(select(CaseRow.id).order_by(CaseRow.id)))
                    .scalars())


async def to_survey(db: Database, rules: Rules, case_id: int) -> None:
    """The staff's part, through the services: valid, solved, carried out, surveyed."""
    async with db.uow() as uow:
        member_id = (await uow.people.add(rules.now(), telegram_id=301, name="Zhang Wei")).id
        await uow.commit()
    member = Actor(member_id, Role.DEPARTMENT, department="quality", level="specialist")
    await handling.assign(db.uow(), rules, case_id, DESK)
    await handling.accept(db.uow(), rules, case_id, member)
    await handling.propose_solution(db.uow(), rules, case_id, member, Remedy(
        RemedyKind.EXCHANGE, "A fresh bottle tomorrow."))
    case, _history = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
    await handling.customer_accepts(db.uow(), rules, case_id,
                                    Actor(case.customer_id, Role.CUSTOMER))
    await handling.mark_implemented(db.uow(), rules, case_id, member, "Exchanged.")
    await handling.start_revisit(db.uow(), rules, case_id, Actor.system())


def has_button(label: str) -> object:
    return lambda m: any(b.get("text") == label for row in (m.get("reply_markup") or {})
                         .get("inline_keyboard", []) for b in row)


async def test_a_new_problem_after_a_satisfied_survey_is_a_new_complaint(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    db = Database(desk.database_url)
    try:
        rules = rules_of(desk)
        [first] = await case_ids(db)
        await to_survey(db, rules, first)
        await desk.wait_for(LI, has_button("满意"))
        await desk.press(LI, "满意", count=2)
        await desk.wait_for(LI, has_button("💬 补充评价"))
        # A comment is still welcome, through its button ...
        assert await desk.press(LI, "💬 补充评价") == ["请写下您的评价。"]
        assert await desk.say(LI, "换货很快，谢谢。") == ["谢谢，您的意见已记录到投诉单中。"]
        # ... and what comes after it is a new complaint, not a note under the closed case.
        [reply] = await desk.say(LI, GLASS)
        assert reply != "谢谢，您的意见已记录到投诉单中。"
        assert "说完了" in reply  # the bot listens to a new complaint
        await play(desk.state, [
            step("li_lei", press="✅ 说完了"),
            step("li_lei", press="产品质量"),
            step("li_lei", say="辣椒油 200g"),
            step("li_lei", say="南京路门店"),
            step("li_lei", press="昨天"),
            step("li_lei", press="赔偿"),
            step("li_lei", press="✅ 对，没错"),
        ])
        registered = await desk.wait_for(LI, lambda m: m.get("text", "").startswith(
            "谢谢。您的投诉已登记，投诉编号 "))
        assert len(await case_ids(db)) == 2
        card = await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and "玻璃碴" in m["text"])
        second = (await case_ids(db))[1]
        new_case, _h = await queries.case_with_history(db.uow(), second, DESK, limit=1)
        assert str(new_case.number) in registered["text"] and str(new_case.number) in card["text"]
        old_case, history = await queries.case_with_history(db.uow(), first, DESK)
        assert old_case.state is CaseState.CLOSED_SATISFIED
        assert not any(GLASS in (event.note or "") for event in history)
    finally:
        await db.dispose()


async def test_with_an_open_case_the_customer_says_which_case_it_is_about(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    db = Database(desk.database_url)
    try:
        [case_id] = await case_ids(db)
        case, _h = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
        [question] = await desk.say(LI, "补充一下：牛奶是从冷柜里拿的。")
        assert question.startswith("谢谢。这是关于您已有的投诉，还是一个新的问题？")
        [added] = await desk.press(LI, f"📎 关于投诉单 {case.number}")
        assert added == f"已补充到投诉单 {case.number}，谢谢。"
        # Quoting the case's number is clear enough: no question.
        [direct] = await desk.say(LI, f"{case.number} 的瓶子我还留着。")
        assert direct == f"已补充到投诉单 {case.number}，谢谢。"
        _case, history = await queries.case_with_history(db.uow(), case_id, DESK)
        notes = [e.note for e in history if e.action.value == "add_note"]
        assert notes == ["补充一下：牛奶是从冷柜里拿的。", f"{case.number} 的瓶子我还留着。"]
        assert await case_ids(db) == [case_id]
    finally:
        await db.dispose()


async def test_something_new_in_english_starts_an_intake_with_those_words(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    [question] = await desk.say(ANN, "Another thing: the delivery driver was rude.")
    assert question.startswith("Thank you. Is this about a complaint you already have")
    [listening] = await desk.press(ANN, "🆕 Something new")
    assert "That's everything" in listening
    [asked] = await desk.say(ANN, "/done", count=1)
    assert asked == "Thank you, I have it all. A few short questions now."
