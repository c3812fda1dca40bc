"""What a catalogue entry is, and how entries become a case's buttons.

An entry names the domain step it takes; whether its button shows is first of all what
``TRANSITIONS`` allows the viewer's role in the case's state, so the keyboards cannot offer
what the domain would refuse. Only what the table cannot know (the case's data, which
card holds the case) is said per entry or per catalogue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from aiogram.utils.i18n.lazy_proxy import LazyProxy

from core.domain import Action, Actor, Case, CaseState, DomainError, Role
from core.domain.states import TRANSITIONS
from core.organisation import Organisation
from core.ports import Database
from core.services.rules import Rules


class Audience(StrEnum):
    """Who looks at the buttons: the groups a card goes to (core's card audiences)."""

    DESK = "desk"
    DEPARTMENT = "department"
    SUPERVISORS = "supervisors"


# The role the organisation gives the staff of each audience's group.
ROLES = {Audience.DESK: Role.SPECIALIST, Audience.DEPARTMENT: Role.DEPARTMENT,
         Audience.SUPERVISORS: Role.SUPERVISOR}


@dataclass(frozen=True)
class Given:
    """What the person gave besides the press: the option chosen, typed words, an amount.
    ``organisation`` is there for choices that name people by their Telegram id, ``state``
    (the case's when pressed) for entries whose domain step depends on it."""

    arg: str = ""
    text: str = ""
    amount: str | None = None
    organisation: Organisation | None = None
    state: CaseState | None = None


Perform = Callable[[Database, Rules, int, Actor, Given], Awaitable[object]]
Options = Callable[[Case, Rules, Organisation], list[tuple[str, str]]]
Label = LazyProxy | Callable[[Case, Rules], str]


def always(case: Case, rules: Rules) -> bool:
    return True


@dataclass(frozen=True)
class Choice:
    """A sub-menu before the step: one button per option, each pressing ``then`` with the
    option's code as its argument."""

    then: str  # the code of the entry that performs the step
    options: Options
    question: LazyProxy | None = None  # asked above the options where they come anew
    nothing: LazyProxy | None = None  # said instead when there is nothing to choose


@dataclass(frozen=True)
class CaseAction:
    code: str  # the callback value of its button
    actions: tuple[Action, ...]  # the domain steps it may take (the first possible one)
    audiences: frozenset[Audience]
    label: Label | None = None  # None: no button of its own, reached through a choice
    preset: Callable[[Case, Rules], str] | None = None  # the button's argument, if any
    shown: Callable[[Case, Rules], bool] = always  # what TRANSITIONS cannot know
    words: LazyProxy | None = None  # the prompt, when it needs typed words
    amount_for: frozenset[str] = frozenset()  # arguments that need an amount typed first
    accepts: Callable[[str], bool] | None = None  # checks the argument before any typing
    choice: Choice | None = None
    perform: Perform | None = None  # None only for an entry that opens a choice

    @property
    def asks_first(self) -> bool:
        """It asks the person for something before anything changes."""
        return self.choice is not None or self.words is not None or bool(self.amount_for)

    def allowed(self, state: CaseState, role: Role) -> bool:
        return any(state in TRANSITIONS[action][0] and role in TRANSITIONS[action][2]
                   for action in self.actions)

    def label_for(self, case: Case, rules: Rules) -> str:
        assert self.label is not None
        return str(self.label) if isinstance(self.label, LazyProxy) else self.label(case,
                                                                                     rules)


class Catalogue:
    """The entries of one keyboard kind, in the order their buttons appear."""

    def __init__(self, entries: tuple[CaseAction, ...],
                 holds: dict[Audience, frozenset[CaseState]] | None = None) -> None:
        self.entries = entries
        # Where given: an audience's keyboard has buttons only while the case is in its
        # hands, whatever else its role may do to it.
        self.holds = holds
        self._by_code = {entry.code: entry for entry in entries}
        assert len(self._by_code) == len(entries), "two entries share a code"

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._by_code)

    def __iter__(self) -> Iterator[CaseAction]:
        return iter(self.entries)

    def get(self, code: str) -> CaseAction:
        entry = self._by_code.get(code)
        if entry is None:  # the routers' filters let only known codes through
            raise DomainError("bad_choice")
        return entry

    def offered(self, case: Case, audience: Audience, rules: Rules
                ) -> list[tuple[CaseAction, str, str]]:
        """(entry, label, argument) of each button ``audience`` sees on ``case`` now."""
        held = self.holds.get(audience, frozenset()) if self.holds is not None else None
        if held is not None and case.state not in held:
            return []
        role = ROLES[audience]
        return [(entry, entry.label_for(case, rules),
                 entry.preset(case, rules) if entry.preset else "")
                for entry in self.entries
                if entry.label is not None and audience in entry.audiences
                and entry.allowed(case.state, role) and entry.shown(case, rules)]


def ensure_possible(entry: CaseAction, case: Case, actor: Actor) -> None:
    """Refuse at once what the domain would refuse anyway, before anyone types for nothing:
    the domain's own check (``Case.check_may``) for the first step the entry may take."""
    refusal: DomainError | None = None
    for action in entry.actions:
        try:
            case.check_may(action, actor)
        except DomainError as error:
            refusal = refusal or error
        else:
            return
    assert refusal is not None
    raise refusal
