"""What every notice is: a frozen dataclass with a kind, a recipient and a JSON payload.

A notice kind is one subclass of ``Notice`` with a ``kind`` ClassVar; defining it
registers it, so the outbox can turn a stored row back into the same object. The stored
form (``kind`` column, recipient columns, JSON ``payload``) is the one the outbox has
always had: the payload holds a notice's own fields under their own names, and the
recipient fields live in the ``audience``/``address`` columns, not in the payload.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Self

__all__ = [
    "DESK",
    "STAFF",
    "SUPERVISORS",
    "Notice",
    "Route",
    "UnreadableNotice",
    "department",
    "load",
    "notice_kinds",
]


@dataclass(frozen=True)
class Route:
    """A logical recipient; the bot turns it into a chat. ``address`` is a person id for a
    customer, a department code for a department, a Telegram id for one staff member, and
    empty for the desk and supervisors."""

    audience: str  # customer | desk | department | supervisors | staff
    address: str = ""


DESK = Route("desk")
SUPERVISORS = Route("supervisors")
STAFF = "staff"  # one staff member's private chat; the address is their Telegram id


def department(code: str) -> Route:
    return Route("department", code)


class UnreadableNotice(ValueError):
    """A stored notice no kind of ours can read: unknown kind, or a payload that does not fit."""


_KINDS: dict[str, type[Notice]] = {}


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One thing to say. Subclasses add their fields and say where it goes (``route``)."""

    kind: ClassVar[str]  # stored in the outbox's ``kind`` column; never rename one
    # Fields that are the recipient, not the payload (rebuilt from the row by ``_routed``).
    routing: ClassVar[frozenset[str]] = frozenset()
    case_id: int | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is None:  # an abstract middle class (e.g. "for the customer")
            return
        if kind in _KINDS:
            raise TypeError(f"notice kind {kind!r} is defined twice")
        _KINDS[kind] = cls

    def route(self) -> Route:
        raise NotImplementedError

    @classmethod
    def _routed(cls, route: Route) -> dict[str, Any]:
        """The recipient fields, from the stored recipient."""
        return {}

    # The stored view (the outbox row's columns), read by add_notices, the sender
    # and the deadline sweep.
    @property
    def audience(self) -> str:
        return self.route().audience

    @property
    def address(self) -> str:
        return self.route().address

    @property
    def payload(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in _content(type(self))}

    @classmethod
    def from_stored(cls, route: Route, case_id: int | None, payload: dict[str, Any]) -> Self:
        """Rebuild from an outbox row; extra payload keys are ignored, missing ones refused."""
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        try:
            for f in _content(cls):
                if f.name in payload:
                    values[f.name] = _typed(hints[f.name], payload[f.name])
            return cls(case_id=case_id, **cls._routed(route), **values)
        except (KeyError, TypeError, ValueError) as exc:
            raise UnreadableNotice(f"{cls.kind} payload does not fit: {exc}") from exc


def _content(cls: type[Notice]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.name != "case_id" and f.name not in cls.routing]


def _plain(value: Any) -> Any:
    """A field value as JSON: nested dataclasses as objects, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _typed(hint: Any, value: Any) -> Any:
    """A JSON value as the field's type: lists as tuples, objects as their dataclass."""
    if typing.get_origin(hint) is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        return tuple(_typed(item, v) for v in value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        names = {f.name for f in dataclasses.fields(hint)}
        return hint(**{k: v for k, v in value.items() if k in names})
    return value


def notice_kinds() -> dict[str, type[Notice]]:
    """Every notice kind, by its stored name."""
    return dict(_KINDS)


def load(kind: str, route: Route, case_id: int | None, payload: dict[str, Any]) -> Notice:
    """The notice an outbox row holds; ``UnreadableNotice`` if no kind of ours fits it."""
    cls = _KINDS.get(kind)
    if cls is None:
        raise UnreadableNotice(f"unknown notice kind {kind!r}")
    return cls.from_stored(route, case_id, payload)
