"""Issue 18 through the real bot process: authority comes from the organisation file,
never from membership of a group, and nobody works their own complaint as staff."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from core.domain import Actor, Role
from core.organisation import load_organisation
from core.services import filing, handling, queries
from core.services.rules import Rules
from sandbox.script import play
from tests.e2e.conftest import ROOT, Desk
from tests.e2e.test_staff_cards import (
    ANN,
    ANN_FILES,
    DESK_CHAT,
    QUALITY_CHAT,
    SUPERVISORS_CHAT,
    WANG,
    ZHANG,
    is_card,
)
from tests.factories import make_intake

STRANGER = 7777  # in no organisation file, added to the groups below
NOT_YOURS = {"Sorry, that is not something you can do here.", "抱歉，这项操作不在您的权限范围内。"}
NOT_A_SUPERVISOR = {
    "These commands are for supervisors, in the supervisors' group or in a private chat "
    "with me.", "这些命令仅供主管使用：请在主管群或与我的私聊中使用。"}
OWN_CASE = {"This is your own complaint, so a colleague will handle it; you cannot act on "
            "it as staff.", "这是您本人的投诉，会由其他同事处理；您不能以员工身份处理它。"}
DESK_ACTOR = Actor(None, Role.SPECIALIST, level="specialist")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row if "callback_data" in b]


async def press_every_button(desk: Desk, chat_id: int, user_id: int) -> list[str]:
    """``user_id`` presses each button of the newest card in ``chat_id``; the toasts."""
    card = await desk.wait_for(chat_id, lambda m: is_card(m) and buttons(m))
    answers = []
    for button in buttons(card):
        press = desk.state.press_button(user_id, card["message_id"],
                                        data=button["callback_data"], chat_id=chat_id)
        answers.append((await desk.answer_to(press["callback_query"]["id"])).get("text", ""))
    return answers


async def test_strangers_and_customers_in_a_department_group_change_nothing(
    desk: Desk
) -> None:
    desk.state.create_user("Stranger", id=STRANGER, language_code="en")
    desk.state.add_member(QUALITY_CHAT, STRANGER)
    desk.state.add_member(QUALITY_CHAT, ANN)  # the customer herself, in the quality group
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.wait_for(DESK_CHAT, is_card)
    await desk.press_in(DESK_CHAT, WANG, "✅ 有效 → 品管部")
    db = Database(desk.database_url)
    try:
        async with db.uow(read_only=True) as uow:
            case_id = (await uow.session.execute(select(CaseRow.id))).scalar_one()
        before = await queries.case_with_history(db.uow(read_only=True), case_id, DESK_ACTOR)
        for user_id in (STRANGER, ANN):
            answers = await press_every_button(desk, QUALITY_CHAT, user_id)
            assert answers and set(answers) <= NOT_YOURS, (user_id, answers)
        after = await queries.case_with_history(db.uow(read_only=True), case_id, DESK_ACTOR)
        assert after[0].state is before[0].state and after[0].owner_id is None
        assert [e.action for e in after[1]] == [e.action for e in before[1]]
        assert not [m for m in desk.state.bot_messages(QUALITY_CHAT)
                    if "force_reply" in (m.get("reply_markup") or {})]  # nothing asked
    finally:
        await db.dispose()
    log = desk.log.read_text(encoding="utf-8", errors="replace")
    assert f"staff step refused user {STRANGER} in chat {QUALITY_CHAT}" in log


async def test_a_member_of_the_supervisors_group_who_is_no_supervisor_is_refused(
    desk: Desk
) -> None:
    desk.state.create_user("Stranger", id=STRANGER, language_code="en")
    for user_id in (STRANGER, ZHANG):  # someone unlisted, and a listed department member
        desk.state.add_member(SUPERVISORS_CHAT, user_id)
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.wait_for(DESK_CHAT, is_card)
    for user_id in (STRANGER, ZHANG):
        for command in ("/case 2611-0001", "/find +447700900123", "/report"):
            after = desk.last_id(SUPERVISORS_CHAT)
            desk.state.send_text(user_id, command, chat_id=SUPERVISORS_CHAT)
            reply = (await desk.replies(SUPERVISORS_CHAT, after))[0]
            assert reply.get("text") in NOT_A_SUPERVISOR, (user_id, command, reply)
            assert "document" not in reply
    assert not any("447700900123" in m.get("text", "")
                   for m in desk.state.bot_messages(SUPERVISORS_CHAT))


async def test_a_customer_listed_as_staff_is_refused_on_her_own_case(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    organisation = load_organisation(ROOT / "sandbox" / "demo_organisation.toml")
    rules = Rules.build(organisation.policy, desk.clock)
    db = Database(desk.database_url)
    try:
        async with db.uow() as uow:
            zhang = (await uow.people.add(rules.now(), telegram_id=ZHANG, name="Zhang Wei")).id
            await uow.commit()
        filed = await filing.file_case(db.uow(), rules, make_intake(), zhang,
                                       Actor(zhang, Role.CUSTOMER))
        await handling.assign(db.uow(), rules, filed.case_id, DESK_ACTOR)
        refusal = await desk.press_in(QUALITY_CHAT, ZHANG, "🙋 接手")
        assert refusal.get("text") in OWN_CASE
        case, history = await queries.case_with_history(db.uow(read_only=True), filed.case_id,
                                                        DESK_ACTOR)
        assert case.owner_id is None and len(history) == 2
    finally:
        await db.dispose()
