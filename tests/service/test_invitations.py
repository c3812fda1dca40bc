"""Invitations and staff changed in chat, on both databases: a token works once, until it
expires; only its hash is stored; a database row wins over the organisation file."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.db.models import NotificationRow
from core.db.staff_models import StaffInvitationRow
from core.db.uow import Database
from core.domain import DomainError, Role
from core.notices import StaffJoined, department
from core.organisation import Organisation, StaffMember
from core.policy import Policy
from core.services import invitations, staff
from core.services.rules import Rules
from tests.factories import POLICY

ADMIN, BOSS, WORKER, NEWCOMER, OTHER = 100, 401, 301, 5001, 5002


@pytest.fixture
def organisation(policy: Policy) -> Organisation:
    return Organisation.model_validate({
        "policy": POLICY, "admins": [ADMIN],
        "staff": [{"telegram_id": BOSS, "name": "Chen", "role": "supervisor",
                   "level": "vice_president"},
                  {"telegram_id": WORKER, "name": "Zhang", "role": "department",
                   "department": "quality", "level": "specialist"}]})


async def _who(db: Database, organisation: Organisation, telegram_id: int
               ) -> StaffMember | None:
    person = await db.person_by_telegram(telegram_id)
    return staff.member(organisation, telegram_id, person.staff if person else None)


async def test_an_invitation_makes_staff_once_and_tells_the_department(
    database: Database, organisation: Organisation, rules: Rules
) -> None:
    token, expires = await invitations.create(database, organisation, rules, "department",
                                              "quality", "specialist", ADMIN, None)
    assert len(token) >= 32 and expires == rules.now() + timedelta(days=1)
    async with database.uow(read_only=True) as uow:
        stored = (await uow.session.execute(select(StaffInvitationRow.token_hash))).scalars()
        assert list(stored) == [hashlib.sha256(token.encode()).hexdigest()]

    joined = await invitations.accept(database, rules, token, NEWCOMER, "Lin Yu", "en")
    assert (joined.role, joined.department, joined.level) == ("department", "quality",
                                                              "specialist")
    found = await _who(database, organisation, NEWCOMER)
    assert found is not None and staff.actor(found, 1).role is Role.DEPARTMENT
    async with database.uow(read_only=True) as uow:
        said = await uow.session.execute(select(StaffInvitationRow.used_by))
        assert list(said.scalars()) == [NEWCOMER]
    rows = await _outbox(database)
    assert rows == [("staff_joined", "department", "quality")]
    assert StaffJoined(to=department("quality"), name="Lin Yu", role="department",
                       department="quality", level="specialist").audience == "department"

    with pytest.raises(DomainError) as used:
        await invitations.accept(database, rules, token, OTHER, "Someone", None)
    assert used.value.code == "invitation_used"
    assert await _who(database, organisation, OTHER) is None


async def _outbox(db: Database) -> list[tuple[str, str, str]]:
    async with db.uow(read_only=True) as uow:
        rows = await uow.session.execute(
            select(NotificationRow.kind, NotificationRow.audience, NotificationRow.address))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_expired_and_forged_tokens_are_refused(
    database: Database, organisation: Organisation, rules: Rules, clock: ManualClock
) -> None:
    token, _ = await invitations.create(database, organisation, rules, "specialist", None,
                                        "specialist", BOSS, None)
    clock.advance(hours=24)
    with pytest.raises(DomainError) as expired:
        await invitations.accept(database, rules, token, NEWCOMER, "Lin Yu", None)
    assert expired.value.code == "invitation_expired"
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 200):
        with pytest.raises(DomainError) as unknown:
            await invitations.accept(database, rules, forged, NEWCOMER, "Lin Yu", None)
        assert unknown.value.code == "invitation_unknown"
    assert await _who(database, organisation, NEWCOMER) is None
    assert await _outbox(database) == []


async def test_only_administrators_and_supervisors_invite_with_known_codes(
    database: Database, organisation: Organisation, rules: Rules
) -> None:
    for who in (WORKER, NEWCOMER):
        with pytest.raises(DomainError) as refused:
            await invitations.create(database, organisation, rules, "specialist", None,
                                     None, who, None)
        assert refused.value.code == "not_a_staff_manager"
    for args, code in ((("boss", None, None), "bad_invitation"),
                       (("department", None, None), "bad_invitation"),
                       (("department", "nowhere", None), "unknown_department"),
                       (("supervisor", None, "emperor"), "unknown_level")):
        with pytest.raises(DomainError) as refused:
            await invitations.create(database, organisation, rules, *args, ADMIN, None)
        assert refused.value.code == code


async def test_removing_and_changing_rungs_win_over_the_file(
    database: Database, organisation: Organisation, rules: Rules
) -> None:
    changed = await staff.set_level(database, organisation, rules, WORKER, "department_head",
                                    BOSS, None)
    assert changed.level == "department_head"
    found = await _who(database, organisation, WORKER)
    assert found is not None and found.level == "department_head"
    await staff.remove(database, organisation, rules, WORKER, ADMIN, None)
    assert await _who(database, organisation, WORKER) is None
    assert [m.telegram_id for m in await staff.roster(database, organisation)] == [BOSS]
    with pytest.raises(DomainError) as gone:
        await staff.remove(database, organisation, rules, WORKER, ADMIN, None)
    assert gone.value.code == "not_staff"
    with pytest.raises(DomainError) as refused:
        await staff.remove(database, organisation, rules, BOSS, WORKER, None)
    assert refused.value.code == "not_a_staff_manager"


async def test_choices_that_name_people_see_staff_as_they_are_now(
    database: Database, organisation: Organisation, rules: Rules
) -> None:
    token, _ = await invitations.create(database, organisation, rules, "department",
                                        "quality", None, ADMIN, None)
    await invitations.accept(database, rules, token, NEWCOMER, "Lin Yu", None)
    await staff.remove(database, organisation, rules, WORKER, ADMIN, None)
    now = await staff.with_roster(database, organisation)
    assert [(m.telegram_id, m.name) for m in now.staff] == [(NEWCOMER, "Lin Yu"),
                                                            (BOSS, "Chen")]
    assert now.staff_member(WORKER) is None and now.staff_member(NEWCOMER) is not None
    assert organisation.staff_member(WORKER) is not None  # the file's own is left as it was
