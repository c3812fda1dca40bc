"""Nothing the customer says after the case number is lost (issue 16.1): a new problem
after a closed case is a new complaint; with an open case the customer says which."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from core.domain import Actor, CaseState, Remedy, RemedyKind, Role, Severity
from core.organisation import load_organisation
from core.services import handling, queries, revisits
from core.services.rules import Rules
from sandbox.script import play
from tests.e2e.conftest import ROOT, Desk
from tests.e2e.test_customer_intake import ZH_HANS_INTAKE, step
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, SUPERVISORS_CHAT, is_card

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


async def wait_paced(desk: Desk, chat_id: int, predicate: Any) -> dict[str, Any]:
    """Like ``desk.wait_for``, for a group message the outbox paces behind a burst of card
    edits (a group's flood budget): it may come well after the usual reply timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while loop.time() < deadline:
        found = [m for m in desk.state.bot_messages(chat_id) if predicate(m)]
        if found:
            return found[-1]
        await asyncio.sleep(0.2)
    raise AssertionError(f"no such message in chat {chat_id}")


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
        # Glass in food: care before facts, then the bot listens to a new complaint.
        care, reply = await desk.say(LI, GLASS, count=2)
        assert care.startswith("非常抱歉。首先想问一句：大家都还好吗？")
        assert "说完了" in reply
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
        card = await wait_paced(desk, DESK_CHAT, lambda m: is_card(m) and "玻璃碴" in m["text"])
        second = (await case_ids(db))[1]
        new_case, _h = await queries.case_with_history(db.uow(), second, DESK, limit=1)
        assert str(new_case.number) in registered["text"] and str(new_case.number) in card["text"]
        # Glass in food is a safety matter: major, and the supervisors hear of it at once.
        assert new_case.severity is Severity.MAJOR
        await wait_paced(desk, SUPERVISORS_CHAT, lambda m: "重大投诉" in m.get("text", "")
                         and str(new_case.number) in m.get("text", ""))
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


# -- an invalid finding: polite, with the outside routes, and open to an objection ------

WANG = 201
RECALLED = "该批次牛奶已于10月召回并全部退款。"


def with_outside_routes(desk: Desk) -> str:
    """The demo organisation naming 12315 and the consumer association (as 001 does)."""
    text = (ROOT / "sandbox" / "demo_organisation.toml").read_text(encoding="utf-8")
    path = desk.tmp_path / "organisation.toml"
    path.write_text(text + '\n[policy]\noutside_routes = ["market_regulation", '
                    '"consumer_association"]\n', encoding="utf-8")
    return str(path)


async def test_an_objection_to_an_invalid_finding_reaches_the_desk_which_confirms_it(
        desk: Desk) -> None:
    desk.start_bot(CONFIG_FILE=with_outside_routes(desk))
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    await desk.press_in(DESK_CHAT, WANG, "✖️ 无效投诉")
    await desk.reply_in(DESK_CHAT, WANG, "为什么判定为无效投诉", RECALLED)
    finding = await desk.wait_for(LI, has_button("🙋 我有异议"))
    text = finding["text"]
    assert text.split("\n")[1] == "感谢您告诉我们这件事，也感谢您在我们核查期间的耐心等待。"
    assert RECALLED in text
    assert "如果我们仍无法达成一致，您也可以向以下渠道反映：" in text
    assert "• 市场监督管理部门投诉举报电话 12315" in text and "• 消费者协会" in text
    assert await desk.press(LI, "🙋 我有异议") == [
        "请用您自己的话告诉我们，您为什么有不同看法。也可以发送照片或文件。"]
    await play(desk.state, [step("li_lei", photo="")])
    await desk.wait_for(LI, lambda m: m.get("text", "").startswith("收到，已经保存。"))
    objection = "我是11月1日买的，不在召回批次里。"
    assert (await desk.say(LI, objection))[0].startswith("谢谢。您的异议已转给客服部")
    card = await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and objection in m["text"]
                               and has_button("✔️ 维持结论")(m))
    assert "顾客对核查结论有异议" in card["text"] and has_button("↩️ 重新受理")(card)
    await desk.press_in(DESK_CHAT, WANG, "✔️ 维持结论")
    reason = "小票日期是11月2日，那瓶牛奶属于已召回的批次。"
    await desk.reply_in(DESK_CHAT, WANG, "为什么维持原结论", reason)
    stands = await desk.wait_for(LI, lambda m: "维持原来的结论" in m.get("text", ""))
    assert reason in stands["text"] and "12315" in stands["text"]
    db = Database(desk.database_url)
    try:
        [case_id] = await case_ids(db)  # the objection never became a new complaint
        case, history = await queries.case_with_history(db.uow(), case_id, DESK)
        assert case.state is CaseState.CLOSED_INVALID and case.objection is None
        assert len(case.evidence) == 2  # the intake's photo and the objection's
        assert [e.note for e in history if e.action.value == "customer_object"] == [objection]
    finally:
        await db.dispose()


async def test_in_english_the_desk_reopens_a_case_the_customer_disagrees_with(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.press_in(DESK_CHAT, WANG, "✖️ 无效投诉")
    await desk.reply_in(DESK_CHAT, WANG, "为什么判定为无效投诉",
                        "The batch was recalled and refunded in October.")
    finding = await desk.wait_for(ANN, has_button("🙋 I disagree"))
    assert finding["text"].split("\n")[1].startswith("Thank you for telling us about this")
    assert "you are free to turn to" not in finding["text"]  # the demo policy names none
    await desk.press(ANN, "🙋 I disagree")
    [passed] = await desk.say(ANN, "My pot is from November, not from that batch.")
    assert passed.startswith("Thank you. We have passed your objection on")
    await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and has_button("↩️ 重新受理")(m))
    await desk.press_in(DESK_CHAT, WANG, "↩️ 重新受理")
    await desk.reply_in(DESK_CHAT, WANG, "为什么重新受理", "Batch number differs; check again.")
    reopened = await desk.wait_for(ANN, lambda m: "reopened your complaint" in m.get("text", ""))
    assert "Batch number differs" not in reopened["text"]  # the desk's note stays inside
    db = Database(desk.database_url)
    try:
        [case_id] = await case_ids(db)
        case, _history = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
        assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
    finally:
        await db.dispose()


# -- a survey answered after its automatic close -----------------------------------------

async def close_unanswered(db: Database, rules: Rules, case_id: int) -> None:
    """The survey's reminder and its "no answer" close, as the job runner does them."""
    payload = {"case_id": case_id, "round": 1}
    await revisits.run_survey_reminder(db, rules, payload)
    await revisits.run_survey_no_answer(db, rules, payload)
    case, _h = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
    assert case.state is CaseState.CLOSED and case.closure == "no_answer"


async def test_a_late_dissatisfied_answer_is_recorded_and_reopens_the_case(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, [*ZH_HANS_INTAKE, step("li_lei", press="✅ 对，没错")])
    db = Database(desk.database_url)
    try:
        rules = rules_of(desk)
        [case_id] = await case_ids(db)
        await to_survey(db, rules, case_id)
        await desk.wait_for(LI, has_button("不满意"))
        await close_unanswered(db, rules, case_id)
        await desk.wait_for(LI, lambda m: m.get("text", "").endswith(
            "温馨提醒：您对这次投诉的处理满意吗？"))
        case, _h = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
        await desk.say(LI, "/status")
        [view] = await desk.press(LI, str(case.number))
        assert "满意度调查已结束，未收到您的评价" in view
        assert "已记录您的满意度评价" not in view  # nothing was recorded yet
        [sorry, _comment] = await desk.press(LI, "不满意", count=2)
        assert sorry.startswith(f"很抱歉结果没能让您满意。我们已重新受理投诉单 {case.number}")
        case, history = await queries.case_with_history(db.uow(), case_id, DESK)
        assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
        assert case.last_rating is not None and case.last_rating.value == "dissatisfied"
        assert history[-1].data.get("late") is True
        # The desk's card shows the case back with the desk, the dissatisfied rating on it.
        card = await wait_paced(desk, DESK_CHAT, lambda m: is_card(m) and str(case.number)
                                in m["text"] and "客服部核实中" in m["text"])
        assert "不满意" in card["text"]
    finally:
        await db.dispose()


async def test_in_english_a_late_answer_past_the_window_is_kept_without_reopening(
        desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    db = Database(desk.database_url)
    try:
        rules = rules_of(desk)
        [case_id] = await case_ids(db)
        await to_survey(db, rules, case_id)
        await desk.wait_for(ANN, has_button("Dissatisfied"))
        await close_unanswered(db, rules, case_id)
        # The survey closed 31 days ago: past the demo's 30 days (preset 000).
        assert rules.policy.late_survey_reopen_days == 30
        async with db.uow() as uow:
            row = await uow.session.get(CaseRow, case_id)
            assert row is not None
            row.closed_at = rules.now() - timedelta(days=31)
            await uow.commit()
        [answer, _comment] = await desk.press(ANN, "Dissatisfied", count=2)
        assert answer.startswith("Thank you for telling us, and we are sorry. Case ")
        assert "closed too long ago to reopen it" in answer
        case, _h = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
        assert case.state is CaseState.CLOSED
        assert case.last_rating is not None and case.last_rating.value == "dissatisfied"
    finally:
        await db.dispose()
