"""The action catalogue agrees with the domain's transition table, and its buttons fit."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.actions.card import CALL_ANSWERS, CARD
from bot.actions.desk import DESK
from bot.actions.model import ROLES, Audience, CaseAction, Catalogue
from bot.input.callbacks import StaffAction, SupervisorAction
from bot.runtime.i18n import make_i18n
from core.clock import ManualClock
from core.domain import Case, CaseState, Role, Severity
from core.domain.states import TRANSITIONS
from core.services.rules import Rules
from tests.factories import make_intake, make_policy

CATALOGUES = {"card": CARD, "desk": DESK}
LONGEST_CODE = "d" * 32  # the organisation file allows department codes this long
LARGEST_ID = 10**12


def entries() -> Iterator[tuple[str, CaseAction]]:
    for name, catalogue in CATALOGUES.items():
        for entry in catalogue:
            yield name, entry


def every_case() -> Iterator[Case]:
    rules = make_rules()
    for state, severity, department, level, category, objection, late in itertools.product(
            CaseState, Severity, (None, "quality"), range(len(rules.policy.escalation)),
            ("product_quality", "no_such_category"), (None, "I disagree."), (False, True)):
        # Late: delivered long before, and filed more than the evidence's 30 days ago.
        yield Case(customer_id=1, filed_at=rules.now() - timedelta(days=40 if late else 0),
                   intake=make_intake(category=category,
                                      delivered="2026-08-01" if late else None),
                   id=1, state=state, severity=severity, department=department,
                   extension_request="Waiting for parts." if late else None,
                   escalation_level=level, objection=objection,
                   major_unacknowledged_since=rules.now() if severity is Severity.MAJOR
                   else None)


def make_rules() -> Rules:
    # 001's validity rules, so the desk's one-tap findings have cases to show on.
    policy = make_policy(validity={"window_days": 30, "evidence_required": True,
                                   "evidence_late_days": 30}, extension_to="7d",
                         agreed_time_prevails=True,
                         sla={"first_response": "4h", "handover": "1d",
                              "department_solution": "3d", "customer_answer": "5d",
                              "revisit": "5d", "whole_case": "7d", "progress": "24ch",
                              "visit": "24ch"})
    return Rules.build(policy, ManualClock(datetime(2026, 11, 2, 2, tzinfo=UTC)))


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        yield


@pytest.mark.parametrize(("name", "entry"), list(entries()), ids=lambda v: getattr(v, "code", v))
def test_every_entry_takes_a_domain_step_and_does_something(name: str, entry: CaseAction
                                                            ) -> None:
    assert entry.actions and all(action in TRANSITIONS for action in entry.actions)
    assert entry.audiences
    assert (entry.perform is None) != (entry.choice is None), "a choice or a change, not both"
    if entry.amount_for:
        assert entry.words is not None, "the amount is asked before the words"
    if entry.choice is not None:
        then = CATALOGUES[name].get(entry.choice.then)
        assert then.perform is not None and set(then.actions) == set(entry.actions)
        if name == "card":  # card choices come as a new message: they need a question
            assert entry.choice.question is not None
    if entry.label is None:  # reached only through another entry's choice, or the desk's
        # call task for a customer without a chat (``bot.views.call_texts``)
        assert entry.code in CALL_ANSWERS or any(other.choice is not None and other.choice.then == entry.code
                   for other in CATALOGUES[name])


@pytest.mark.parametrize(("name", "entry"), [(n, e) for n, e in entries() if e.words is not None],
                         ids=lambda v: getattr(v, "code", v))
def test_every_typed_step_asks_with_a_reply_prompt(name: str, entry: CaseAction) -> None:
    assert "(reply to this message)" in str(entry.words)


@pytest.mark.parametrize("catalogue", CATALOGUES.values(), ids=CATALOGUES.keys())
def test_a_button_is_shown_only_where_the_table_allows_its_viewer(catalogue: Catalogue
                                                                  ) -> None:
    rules = make_rules()
    shown = set()
    for case, audience in itertools.product(every_case(), Audience):
        for entry, label, _arg in catalogue.offered(case, audience, rules):
            role = ROLES[audience]
            assert any(case.state in TRANSITIONS[action][0] and role in TRANSITIONS[action][2]
                       for action in entry.actions), (entry.code, case.state, audience)
            assert audience in entry.audiences and label
            shown.add(entry.code)
    assert shown == {entry.code for entry in catalogue if entry.label is not None}


def test_audiences_act_in_the_roles_the_organisation_gives_their_staff() -> None:
    assert ROLES[Audience.DESK] is Role.SPECIALIST
    assert ROLES[Audience.SUPERVISORS] is Role.SUPERVISOR
    assert ROLES[Audience.DEPARTMENT] is Role.DEPARTMENT


def test_codes_do_not_clash_with_the_buttons_outside_the_catalogue() -> None:
    assert "register" not in CARD.codes
    assert not DESK.codes & {"view", "history", "evidence"}


@pytest.mark.parametrize(("name", "entry"), list(entries()), ids=lambda v: getattr(v, "code", v))
def test_callback_data_fits_telegrams_64_bytes(name: str, entry: CaseAction) -> None:
    takes_arg = entry.preset is not None or entry.label is None
    arg = LONGEST_CODE if takes_arg else ""
    data = (StaffAction(action=entry.code, case_id=LARGEST_ID, arg=arg) if name == "card"
            else SupervisorAction(action=entry.code, case_id=LARGEST_ID, arg=arg, page=999))
    assert len(data.pack().encode()) <= 64
