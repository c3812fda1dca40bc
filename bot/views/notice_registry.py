"""Which function puts each notice kind into words: one ``@renders(Kind)`` per renderer.

A renderer takes the typed notice (``core.notices``) and the policy and returns the text
and keyboard, in the locale the caller has set. A kind without a renderer is found by
``tests/bot/test_notice_texts.py``, not by a customer waiting for a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from core.notices import Notice
from core.policy import Policy

__all__ = ["Rendered", "buttons", "render", "renderer_for", "renders"]

Rendered = tuple[str, InlineKeyboardMarkup | None]
N = TypeVar("N", bound=Notice)
_RENDERERS: dict[type[Notice], Callable[[Any, Policy], Rendered]] = {}


def renders(*kinds: type[N]) -> Callable[[Callable[[N, Policy], Rendered]],
                                         Callable[[N, Policy], Rendered]]:
    """Register the decorated function as the words of these notice kinds."""
    def register(renderer: Callable[[N, Policy], Rendered]) -> Callable[[N, Policy], Rendered]:
        for kind in kinds:
            if kind in _RENDERERS:
                raise TypeError(f"notice kind {kind.kind!r} has two renderers")
            _RENDERERS[kind] = renderer
        return renderer
    return register


def renderer_for(kind: type[Notice]) -> Callable[[Any, Policy], Rendered] | None:
    return _RENDERERS.get(kind)


def render(notice: Notice, policy: Policy) -> Rendered:
    """(text, keyboard) for a notice; the caller has set the recipient's locale."""
    renderer = _RENDERERS.get(type(notice))
    if renderer is None:
        raise LookupError(f"no words for notice kind {notice.kind!r}")
    return renderer(notice, policy)


def buttons(builder: InlineKeyboardBuilder) -> InlineKeyboardMarkup | None:
    """The keyboard, or none when no button was added."""
    return builder.as_markup() if list(builder.buttons) else None
