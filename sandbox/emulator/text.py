"""Text helpers shared by the parsers and the user-side actions.

Telegram measures entity offsets in UTF-16 code units but message length limits in
Unicode code points, so both measures live here to keep the distinction in one place.
"""

from __future__ import annotations

import re
from typing import Any

# TDLib's is_space(): the characters it skips between tag attributes and trims from text.
SPACES = " \t\r\n\x00\x0b\x0c"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace as Telegram does, keeping entities aligned."""
    stripped_left = text.lstrip(SPACES)
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(SPACES)
    total = utf16_len(result)
    fixed = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return result, fixed


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Same order as TDLib: by offset, longer (outer) entities first.
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")
_EMAIL = re.compile(r"(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])")
_URL = re.compile(r"(?<![\w@])(?:https?://[^\s<>\"]+|(?:[A-Za-z0-9-]+\.)+(?:com|org|net|io|ru|cn|de|me|app|dev)(?:/[^\s<>\"]*)?)")
_PHONE = re.compile(r"(?<![\w+])\+\d[\d ()-]{6,18}\d(?!\w)")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's clients/servers add to plain user text (commands, mentions, links).

    Only used for messages that simulated *users* send, so a bot sees `/start` as a
    bot_command entity exactly like in real chats (aiogram's Command filter relies on it
    only loosely, but deep links and mention handling do).
    """
    found: list[tuple[int, int, str]] = []
    taken: list[range] = []
    for kind, pattern in (
        ("email", _EMAIL),
        ("url", _URL),
        ("bot_command", _COMMAND),
        ("mention", _MENTION),
        ("hashtag", _HASHTAG),
        ("phone_number", _PHONE),
    ):
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue
            taken.append(span)
            found.append((match.start(), match.end(), kind))
    entities = [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        for start, end, kind in found
    ]
    return sort_entities(entities)


def entity_text(text: str, entity: dict[str, Any]) -> str:
    """The substring an entity covers (offsets are UTF-16)."""
    raw = text.encode("utf-16-le")
    begin, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
    return raw[begin:end].decode("utf-16-le", errors="replace")
