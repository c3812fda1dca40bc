"""Words in a customer's story that say someone may be hurt or in danger.

The procedures put care before facts: a story that mentions an injury, a hospital or
glass in food gets a reply that asks after the person first, and the case carries the
matching major-complaint trigger, so the policy's ``[major] triggers`` decide whether it
goes to the supervisors at once (PROCEDURE.md §5, as the presets cite 002 §6.4.7 and
003 1.1.3). The words, in the three languages the bot speaks, are in ``harm_words.toml``;
simple matching: they are rare in ordinary complaints, and a false alarm costs a
supervisor one look.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from core.policy import MajorTrigger

_WORDS: dict[MajorTrigger, tuple[str, ...]] = {
    MajorTrigger(trigger): tuple(words)
    for trigger, words in tomllib.loads(
        (Path(__file__).parent / "harm_words.toml").read_text(encoding="utf-8")).items()
}
_LATIN = re.compile(r"[a-z]")


def _whole_words(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole words only: "glasses" is not glass. Built once: every story is read."""
    latin = [re.escape(word) for word in words if _LATIN.match(word)]
    return re.compile(rf"\b(?:{'|'.join(latin)})\b") if latin else None


_MATCHERS = [(trigger, _whole_words(words),
              tuple(word for word in words if not _LATIN.match(word)))
             for trigger, words in _WORDS.items()]


def harm_in(text: str) -> frozenset[MajorTrigger]:
    """The triggers ``text`` gives cause to suspect (empty: none)."""
    lowered = text.lower()
    return frozenset(
        trigger for trigger, latin, others in _MATCHERS
        if (latin is not None and latin.search(lowered)) or any(w in text for w in others))
