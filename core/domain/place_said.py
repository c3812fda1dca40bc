"""Where it happened, as the customer's story says it (issue 16.5): "上周六在南京路门店买的…"
names 南京路门店, "I bought it at the Nanjing Road store" names Nanjing Road store, so the
intake offers the place for one tap instead of asking afresh. The patterns, for Chinese and
English, are ``place_said.toml``'s; what they find is kept in the customer's own words."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_WORDS = tomllib.loads((Path(__file__).parent / "place_said.toml").read_text(encoding="utf-8"))
_PATTERNS = [re.compile(_WORDS["chinese"]), re.compile(_WORDS["english"])]
LONGEST = 60  # a place is a few words; more is a sentence the pattern ran into


def in_story(text: str) -> str | None:
    """The first place the story names, in its words; None if it names none."""
    found = [(match.start("place"), match.group("place").strip())
             for pattern in _PATTERNS for match in pattern.finditer(text)]
    for _start, place in sorted(found):
        if 2 <= len(place) <= LONGEST:
            return place
    return None
