"""The bot out of a bound group and back: the supervisors are told either way, for groups
bound in chat and in the organisation file alike, and the cards the group missed meanwhile
go out again once it is back."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import NotificationRow
from core.db.outbox import OutboxQueue
from core.db.uow import Database
from core.organisation import GroupBinding, Organisation
from core.policy import Policy
from core.services import filing, groups, handling
from core.services.rules import Rules
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, make_intake

QUALITY_CHAT, DESK_CHAT, SUPERVISORS_CHAT = -1001, -1002, -1003


def organisation(policy: Policy) -> Organisation:
    return Organisation(policy=policy, admins=(100,), groups=(
        GroupBinding(chat_id=QUALITY_CHAT, binding="department:quality"),
        GroupBinding(chat_id=DESK_CHAT, binding="desk"),
        GroupBinding(chat_id=SUPERVISORS_CHAT, binding="supervisors")))


async def said(database: Database, kind: str) -> list[NotificationRow]:
    async with database.sessions() as session:
        return list((await session.execute(select(NotificationRow).where(
            NotificationRow.kind == kind).order_by(NotificationRow.id))).scalars())


async def deliver_all(database: Database, org: Organisation, clock: ManualClock) -> None:
    """A sender that reaches every group but the sleeping ones (and every customer)."""
    queue = OutboxQueue(database)
    for item in await queue.claim(clock.now(), limit=100):
        binding = f"department:{item.address}" if item.audience == "department" else item.audience
        if item.audience != "customer" and await groups.group_for(database, org, binding) is None:
            await queue.unreachable(item.id, "no Telegram chat for this recipient")
        else:
            await queue.sent(item.id, clock.now(), 1)


async def test_a_group_of_the_organisation_file_sleeps_alerts_and_gets_its_cards_back(
    database: Database, rules: Rules, clock: ManualClock, policy: Policy
) -> None:
    org = organisation(policy)
    lost = await groups.set_active(database, org, QUALITY_CHAT, False, clock.now())
    assert lost is not None and lost.binding == "department:quality"
    assert await groups.group_for(database, org, "department:quality") is None
    assert [r.payload for r in await said(database, "group_lost")] == [
        {"binding": "department:quality", "chat_id": QUALITY_CHAT}]
    # Told once: the same news again (a replayed update) changes nothing.
    assert await groups.set_active(database, org, QUALITY_CHAT, False, clock.now()) is None

    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    await deliver_all(database, org, clock)
    missed = [r for r in await said(database, "card") if r.audience == "department"]
    assert missed and {r.status for r in missed} == {"unreachable"}

    back = await groups.set_active(database, org, QUALITY_CHAT, True, clock.now())
    assert back is not None and [r.payload["binding"] for r in await said(
        database, "group_back")] == ["department:quality"]
    # Awake, the file is in charge of the group again, and its cards are due now.
    group = await groups.group_for(database, org, "department:quality")
    assert group is not None and group.chat_id == QUALITY_CHAT
    again = [r for r in await said(database, "card") if r.audience == "department"]
    assert {r.status for r in again} == {"pending"} and len(again) == len(missed)
    await deliver_all(database, org, clock)
    await handling.accept(database.uow(), rules, filed.case_id, QUALITY_MEMBER)
    await deliver_all(database, org, clock)
    assert {r.status for r in await said(database, "card")} == {"sent"}


async def test_only_open_cases_cards_for_that_group_go_out_again(
    database: Database, rules: Rules, clock: ManualClock, policy: Policy
) -> None:
    org = organisation(policy)
    await groups.set_active(database, org, DESK_CHAT, False, clock.now())
    kept = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                  CUSTOMER)
    closed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                    CUSTOMER)
    await handling.decide_invalid(database.uow(), rules, closed.case_id, SPECIALIST,
                                  "Recalled batch, refunded in October.")
    await deliver_all(database, org, clock)
    await groups.set_active(database, org, DESK_CHAT, True, clock.now())
    cards = [r for r in await said(database, "card") if r.audience == "desk"]
    due = {r.case_id for r in cards if r.status == "pending"}
    assert due == {kept.case_id}
    # The closed case's cards stay as they were: on the record, unreachable.
    assert {r.status for r in cards if r.case_id == closed.case_id} == {"unreachable"}


async def test_a_group_bound_in_chat_stays_bound_in_chat_through_an_absence(
    database: Database, clock: ManualClock, policy: Policy
) -> None:
    org = organisation(policy)
    await groups.bind(database, org, -2001, "department:quality", 100, clock.now(),
                      language="en")
    assert await groups.set_active(database, org, -2001, False, clock.now()) is not None
    assert await groups.group_for(database, org, "department:quality") is None
    assert await groups.set_active(database, org, -2001, True, clock.now()) is not None
    group = await groups.group_for(database, org, "department:quality")
    assert group is not None and (group.chat_id, group.language) == (-2001, "en")
    assert len(await said(database, "group_lost")) == len(await said(database, "group_back")) == 1


async def test_two_groups_lost_in_the_same_second_are_two_alerts(
    database: Database, clock: ManualClock, policy: Policy
) -> None:
    org = organisation(policy)
    for chat_id in (QUALITY_CHAT, DESK_CHAT):
        assert await groups.set_active(database, org, chat_id, False, clock.now()) is not None
    assert sorted(r.payload["chat_id"] for r in await said(database, "group_lost")) == [
        DESK_CHAT, QUALITY_CHAT]


async def test_a_part_with_no_group_gets_its_missed_cards_once_one_is_bound(
    database: Database, rules: Rules, clock: ManualClock, policy: Policy
) -> None:
    org = Organisation(policy=policy, admins=(100,))  # no group bound in the file
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    await deliver_all(database, org, clock)
    assert {r.status for r in await said(database, "card")} == {"unreachable"}
    await groups.bind(database, org, -3001, "desk", 100, clock.now())
    again = [r for r in await said(database, "card") if r.audience == "desk"]
    assert again and {(r.case_id, r.status) for r in again} == {(filed.case_id, "pending")}
