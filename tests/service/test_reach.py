"""What reaches nobody is said to someone else: a phone caller's notice becomes the desk's
call task, a group's an alert to the desk (the desk's own, to the supervisors)."""

from __future__ import annotations

from core.db.outbox import OutboxQueue
from core.db.uow import Database
from core.domain import Channel, Remedy, RemedyKind
from core.notices import (
    DESK,
    SUPERVISORS,
    CallCustomer,
    Card,
    SolutionProposed,
    Undelivered,
    department,
)
from core.services import filing, handling, people, reach
from core.services.rules import Rules
from tests.factories import QUALITY_MEMBER, SPECIALIST, make_intake


async def phone_case_with_a_proposal(database: Database, rules: Rules) -> int:
    caller = await people.customer_by_phone(database.uow(), rules, SPECIALIST, "Liu Yang",
                                            "13900139000")
    filed = await filing.file_case(database.uow(), rules, make_intake(
        channel=Channel.PHONE, contact_name="Liu Yang", contact_phone="13900139000"),
        caller, SPECIALIST)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    await handling.accept(database.uow(), rules, filed.case_id, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, filed.case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A new kettle."))
    return filed.case_id


async def test_a_callers_proposal_becomes_the_desks_call_task_with_the_number(
    database: Database, rules: Rules
) -> None:
    case_id = await phone_case_with_a_proposal(database, rules)
    claimed = await OutboxQueue(database).claim(rules.now(), 100)
    proposal = next(item.notice for item in claimed
                    if isinstance(item.notice, SolutionProposed))
    call = await reach.redirect(database.uow(), proposal, 991, rules.now(), "no chat")
    assert isinstance(call, CallCustomer) and call.route() == DESK
    assert (call.case_id, call.phone, call.name) == (case_id, "13900139000", "Liu Yang")
    assert call.about == "solution_proposed" and call.said["text"] == "A new kettle."
    # Asked again for the same row (a sender that died before marking it), nothing doubles.
    await reach.redirect(database.uow(), proposal, 991, rules.now(), "no chat")
    queued = [item.notice for item in await OutboxQueue(database).claim(rules.now(), 100)
              if isinstance(item.notice, CallCustomer)]
    assert queued == [call]


async def test_a_group_notice_with_no_chat_alerts_the_desk_and_the_desks_the_supervisors(
    database: Database, rules: Rules
) -> None:
    card = Card(case_id=7, to=department("quality"), number="2611-0007", events=())
    alert = await reach.instead(database.uow(), card, "no chat")
    assert isinstance(alert, Undelivered) and alert.route() == DESK
    assert (alert.about, alert.audience_of, alert.address_of, alert.number) == (
        "card", "department", "quality", "2611-0007")
    to_supervisors = await reach.instead(database.uow(), alert, "no chat")
    assert isinstance(to_supervisors, Undelivered) and to_supervisors.route() == SUPERVISORS
    assert await reach.instead(database.uow(), to_supervisors, "no chat") is None


async def test_refreshing_a_card_no_group_ever_showed_alerts_nobody(
    database: Database, rules: Rules
) -> None:
    card = Card(case_id=7, to=SUPERVISORS, number="2611-0007", events=(), shown_only=True)
    assert await reach.instead(database.uow(), card, "no chat") is None
