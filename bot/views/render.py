"""Message text helpers: escape what people typed, keep within Telegram's limits."""

from __future__ import annotations

import html

CAPTION_LIMIT = 1024


def escape(text: str | None) -> str:
    """User content inside our HTML messages: never interpreted as markup."""
    return html.escape(text or "", quote=False)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where possible, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"

