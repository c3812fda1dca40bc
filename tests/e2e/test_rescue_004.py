"""004's handling rules through the real process (issue 19.8): the rescue team agrees a time
with the customer, which replaces the 12-hour clock and is confirmed to them (第二节 三.2
"以约定时间为准"); every plan goes to the leader (第三节 六); and "carried out" waits for
the department head's review before the customer hears it (三.6). The organisation file
is the demo's groups on the 004 preset, with a rescue team and its head."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from core.domain import Actor, Remedy, RemedyKind, Role
from core.organisation import load_organisation
from core.services import handling, queries, revisits
from core.services.rules import Rules
from sandbox.script import play, settle
from tests.e2e.conftest import Desk
from tests.e2e.test_customer_intake import step
from tests.e2e.test_staff_cards import DESK_CHAT, QUALITY_CHAT, SUPERVISORS_CHAT, is_card

ANN, WANG, ZHANG, ZHAO, CHEN = 1003, 201, 301, 302, 401
ORGANISATION = """
name = "Highway Rescue"
preset = "004_road_rescue"
default_language = "zh_Hans"

[[staff]]
telegram_id = 201
name = "Wang Fang"
role = "specialist"
level = "front_desk"

[[staff]]
telegram_id = 301
name = "Zhang Wei"
role = "department"
department = "rescue_ops"
level = "front_desk"

[[staff]]
telegram_id = 302
name = "Zhao Lei"
role = "department"
department = "rescue_ops"
level = "department_head"

[[staff]]
telegram_id = 401
name = "Chen Jing"
role = "supervisor"
level = "company_leader"

[[groups]]
chat_id = -1000000000101
binding = "desk"

[[groups]]
chat_id = -1000000000201
binding = "department:rescue_ops"

[[groups]]
chat_id = -1000000000301
binding = "supervisors"
"""


FILES = [
    step("ann", say="Your tow truck scratched my rear bumper badly."),
    step("ann", press="✅ That's everything"),
    step("ann", press="Damage to the vehicle"),
    step("ann", say="Work order 4471, plate 沪A12345"),
    step("ann", press="Skip"),
    step("ann", press="Today"),
    step("ann", press="A repair"),
    step("ann", press="📱 Share my phone number"),
    step("ann", press="✅ Yes, that's right"),
]
DESK_ACTOR = Actor(None, Role.SPECIALIST)


def sent_to(desk: Desk, user: int) -> list[str]:
    return [m.get("text", "") for m in desk.state.bot_messages(user)]


def says(words: str):
    return lambda m: words in m.get("text", "")


async def test_an_agreed_time_prevails_and_the_head_reviews_the_work(desk: Desk) -> None:
    await desk.start_organisation(ORGANISATION)
    await play(desk.state, FILES)
    await desk.wait_for(ANN, says("registered as case"))
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 清障救援大队")
    await desk.wait_for(QUALITY_CHAT, is_card)
    await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")

    # Tuesday 3 November, 10:00: the team agrees "tomorrow afternoon at three" on the phone.
    await desk.press_in(QUALITY_CHAT, ZHANG, "🤝 与客户约定处理时间")
    await desk.reply_in(QUALITY_CHAT, ZHANG, "与客户约定在什么时间之前处理完毕", "明天下午3点")
    told = await desk.wait_for(ANN, says("As agreed with you"))
    assert "settled by Wed, Nov 4, 2026 15:00 (China Time)." in told["text"]  # a London number
    card = await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "🤝 与客户约定" in m["text"])
    assert "11月4日" in card["text"] and "15:00" in card["text"]

    # Every plan goes to the leader; the customer accepts it.
    await desk.press_in(QUALITY_CHAT, ZHANG, "💡 提出方案")
    await desk.press_in(QUALITY_CHAT, ZHANG, "维修")
    await desk.reply_in(QUALITY_CHAT, ZHANG, "请写下给客户的解决方案",
                        "We repair the bumper at our workshop, at our cost.")
    await desk.press_in(SUPERVISORS_CHAT, CHEN, "👍 批准")
    await desk.wait_for(ANN, says("We repair the bumper"))
    await desk.press(ANN, "✅ I accept")

    # Zhang reports it carried out: the card waits for the head; the customer hears nothing.
    await desk.press_in(QUALITY_CHAT, ZHANG, "✅ 已落实")
    await desk.wait_for(QUALITY_CHAT, lambda m: is_card(m) and "待部门负责人审核" in m["text"])
    assert not any("carried out" in m.get("text", "") for m in desk.state.bot_messages(ANN))
    # The head confirms it; now the customer is told.
    await desk.press_in(QUALITY_CHAT, ZHAO, "✅ 已落实")
    await desk.wait_for(ANN, says("carried out"))


async def test_a_survey_due_at_night_waits_for_the_customers_morning(desk: Desk) -> None:
    """Issue 16.11: the rescue service works round the clock, its customers sleep; work
    carried out at 04:20 is surveyed at 08:00 (``customer_hours``), not at once."""
    night = datetime.fromisoformat("2026-11-04T04:20:00+08:00")
    desk.clock.set(night)
    await desk.start_organisation(ORGANISATION)
    await play(desk.state, FILES)
    await desk.wait_for(ANN, says("registered as case"))
    organisation = load_organisation(desk.tmp_path / "organisation.toml")
    rules = Rules.build(organisation.policy, desk.clock)
    db = Database(desk.database_url)
    try:
        async with db.uow() as uow:
            case_id = (await uow.session.execute(select(CaseRow.id))).scalar_one()
            head = (await uow.people.add(rules.now(), telegram_id=ZHAO, name="Zhao Lei")).id
            await uow.commit()
        zhao = Actor(head, Role.DEPARTMENT, department="rescue_ops", level="department_head")
        await handling.assign(db.uow(), rules, case_id, Actor(None, Role.SPECIALIST))
        await handling.accept(db.uow(), rules, case_id, zhao)
        await handling.propose_solution(db.uow(), rules, case_id, zhao, Remedy(
            RemedyKind.REPAIR, "We repair the bumper at our cost."))
        await handling.approve(db.uow(), rules, case_id,
                               Actor(None, Role.SUPERVISOR, level="company_leader"))
        case, _ = await queries.case_with_history(db.uow(), case_id, DESK_ACTOR, limit=1)
        await handling.customer_accepts(db.uow(), rules, case_id,
                                        Actor(case.customer_id, Role.CUSTOMER))
        await handling.mark_implemented(db.uow(), rules, case_id, zhao, "Repaired.")
        surveys = [due for kind, _key, due in await db.jobs.pending()
                   if kind == revisits.REVISIT_SURVEY]
        assert surveys == [datetime.fromisoformat("2026-11-04T08:00:00+08:00")]
        await desk.wait_for(ANN, says("carried out"))
        await settle(desk.state)
        assert not any("How satisfied" in t for t in sent_to(desk, ANN))  # not at 04:20
        await desk.stop_bot()
        desk.clock.set(datetime.fromisoformat("2026-11-04T08:00:30+08:00"))
        desk.start_bot(CONFIG_FILE=str(desk.tmp_path / "organisation.toml"))
        await desk.wait_until_started()
        await desk.wait_for(ANN, says("How satisfied"))
    finally:
        await db.dispose()
