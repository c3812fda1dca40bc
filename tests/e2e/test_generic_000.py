"""000's closing rule through the real process (issue 19.9): only 满意 or 非常满意 close a case
(000 §Ⅳ 回訪工作制度); "it is acceptable" (基本满意) counts as not satisfied, so the case is
looked into again and the customer hears so. The demo organisation runs the 000 preset."""

from __future__ import annotations

from core.db.uow import Database
from core.domain import CaseState
from core.services import queries
from sandbox.script import play
from tests.e2e.conftest import Desk
from tests.e2e.test_follow_up import DESK, case_ids, has_button, rules_of, to_survey
from tests.e2e.test_staff_cards import ANN_FILES, DESK_CHAT, is_card

ANN = 1003


async def test_it_is_acceptable_does_not_close_a_case_under_000(desk: Desk) -> None:
    desk.start_bot()
    await desk.wait_until_started()
    await play(desk.state, ANN_FILES)
    await desk.wait_for(ANN, lambda m: "registered as case" in m.get("text", ""))
    db = Database(desk.database_url)
    try:
        [case_id] = await case_ids(db)
        await to_survey(db, rules_of(desk), case_id)
        await desk.wait_for(ANN, has_button("It is acceptable"))
        await desk.press(ANN, "It is acceptable")
        reopened = await desk.wait_for(ANN, lambda m: "reopening case" in m.get("text", ""))
        assert reopened["text"].startswith("We are sorry the result did not satisfy you.")
        await desk.wait_for(DESK_CHAT, lambda m: is_card(m) and "状态：客服部核实中" in m["text"])
        case, _history = await queries.case_with_history(db.uow(), case_id, DESK, limit=1)
        assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
    finally:
        await db.dispose()
