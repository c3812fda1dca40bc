"""Clear cues in a customer's story that decide whether a complaint is major (issue 19.1;
PROCEDURE.md §5): the outside parties involved (a lawyer, the media, the police, the
consumer association, a regulator, a court) and the numbers said — how many people or
households, how many units, the amount claimed. "小区20多户…120多瓶…每户要求赔偿2000元…
已经请了律师，电视台记者也在联系" reads as 20 complainants, 120 units, 2000 claimed, a
lawyer and the media. The words and patterns, in the three languages the bot speaks, are in
``cues.toml``; the policy's ``[major]`` and ``[serious]`` rules decide what they make of it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from core.policy import MajorTrigger

_CUES = tomllib.loads((Path(__file__).parent / "cues.toml").read_text(encoding="utf-8"))
_PARTIES = {MajorTrigger(code): tuple(words) for code, words in _CUES["parties"].items()}
_COUNTS = {name: [re.compile(p, re.IGNORECASE) for p in patterns]
           for name, patterns in _CUES["counts"].items()}
_TEN_THOUSAND = frozenset(_CUES["ten_thousand"])
_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Said:
    """The numbers a story gives; None where it gives none (the largest when several)."""

    complainants: int | None = None
    units: int | None = None
    amount: Decimal | None = None


def parties_in(text: str) -> frozenset[MajorTrigger]:
    """The outside parties ``text`` names."""
    lowered = text.lower()
    found = set()
    for trigger, words in _PARTIES.items():
        if any(re.search(rf"\b{re.escape(word)}\b", lowered) if _LATIN.match(word)
               else word in text for word in words):
            found.add(trigger)
    return frozenset(found)


def numbers_in(text: str) -> Said:
    return Said(complainants=_largest(text, "complainants"), units=_largest(text, "units"),
                amount=_amount(text))


def _largest(text: str, name: str) -> int | None:
    values = [int(found.group(1)) for pattern in _COUNTS[name]
              for found in pattern.finditer(text) if int(found.group(1)) >= 1]
    return max(values) if values else None


def _amount(text: str) -> Decimal | None:
    values = []
    for pattern in _COUNTS["amount"]:
        for found in pattern.finditer(text):
            try:
                value = Decimal(found.group(1))
            except InvalidOperation:
                continue
            value = value * 10_000 if found.group(2) in _TEN_THOUSAND else value
            if value > 0:
                values.append(value.quantize(Decimal("0.01")))
    return max(values) if values else None
