"""What "it is acceptable" (基本满意) does is the policy's (issue 19.9): 000 第七步 lets only
满意 and 非常满意 close a case, so there it is looked into again; elsewhere it closes."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from core.db.uow import Database
from core.domain import Actor, CaseState
from core.organisation import Organisation, organisation_from_mapping
from core.policy import load_preset
from core.services import handling, queries
from tests.bot.conftest import Chatter, RecordingSession, person
from tests.bot.test_decisions import DESK, staff_for
from tests.factories import POLICY


@pytest.fixture(params=[True, False], ids=["closes", "000-reopens"])
def organisation(request: pytest.FixtureRequest) -> Organisation:
    policy: dict[str, Any] = {**POLICY, "acceptable_closes": request.param}
    return organisation_from_mapping({"name": "Test Dairy", "default_language": "zh_Hans",
                                      "policy": policy}, "<test>")


def test_the_generic_preset_quotes_000_and_keeps_only_satisfied_closing() -> None:
    assert load_preset("000_generic").acceptable_closes is False
    assert load_preset("002_food").acceptable_closes is True


async def test_it_is_acceptable_closes_or_reopens_as_the_policy_says(
    chat: Chatter, session: RecordingSession, bot: Bot, bot_db: Database,
    dispatcher: Dispatcher, organisation: Organisation
) -> None:
    lei = person(35, "zh-hans", "Lei")
    await chat.say(lei, "/start")
    staff = staff_for(bot, bot_db, dispatcher, organisation)
    case_id = await staff.case_for(35)
    assert staff.member is not None
    await staff.propose(case_id, "给您换一瓶新的。")
    await chat.press_button(lei, session, "✅ 我接受")
    await handling.mark_implemented(bot_db.uow(), staff.rules, case_id, staff.member)
    await handling.start_revisit(bot_db.uow(), staff.rules, case_id, Actor.system())
    await staff.sender.run_once()
    await chat.press_button(lei, session, "基本满意")
    case, _history = await queries.case_with_history(bot_db.uow(), case_id, DESK)
    if organisation.policy.acceptable_closes:
        assert case.state is CaseState.CLOSED_SATISFIED
        assert "重新受理" not in "".join(session.sent_texts()[-3:])
    else:
        assert case.state is CaseState.INVESTIGATING and case.reopen_count == 1
        assert session.sent_texts()[-2] == ("很抱歉结果没能让您满意。我们已重新受理投诉单 "
                                            "2611-0001，会有同事再次跟进。")
