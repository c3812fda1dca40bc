"""The story restated for the customer to confirm, in our words as far as plain text
allows: what they wrote, without the photo captions (the files are counted on their own
line) and without the greetings and thanks around it ("你好", "Hi", "谢谢")."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

_WORDS = tomllib.loads((Path(__file__).parent / "greetings.toml").read_text(encoding="utf-8"))
_PUNCTUATION = r"[\s,，.。!！~～、:：;；]*"


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# Latin words end at a word's end ("hi" is not "history"); Chinese ones have no spaces.
_GREETING = re.compile(r"^\s*(?:" + _alternatives(_WORDS["greetings"]) + r")(?![A-Za-z])"
                       + _PUNCTUATION, re.IGNORECASE)
_CLOSING = re.compile(r"(?:^|(?<=[,，.。!！]))\s*(?:"
                      + _alternatives(_WORDS["closings"]) + r")" + _PUNCTUATION + r"$",
                      re.IGNORECASE)


def restated_story(story: Sequence[str], evidence: Iterable[Sequence[Any]]) -> str:
    """``story``: the messages as kept; ``evidence``: (kind, file, caption) of the files."""
    captions = {item[2] for item in evidence if len(item) > 2 and item[2]}
    parts = []
    for part in story:
        if part in captions:
            continue
        # A greeting alone is no part of the story; "Hi, the milk…" keeps "the milk…".
        trimmed = _CLOSING.sub("", _GREETING.sub("", part)).strip()
        if trimmed:
            parts.append(trimmed)
    return " ".join(parts)
