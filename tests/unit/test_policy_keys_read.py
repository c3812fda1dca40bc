"""A setting no code reads is a defect (issue 19): every key of the policy model, nested
ones included, is read somewhere in the bot or the core as an attribute (``.window_days``).

A key only the model itself validates, or only a test reads, fails here; so does one whose
reader was deleted. The check is by name, so it cannot prove each reader right — the
tests that drive each rule through the bot do that — but it finds the key nobody reads."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, create_model

from core.policy import PRESETS_DIR, Policy, Validity, load_preset
from core.policy_words import describe

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "core" / "policy.py"


def keys(model: type[BaseModel], path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, field name) of every field, walking into nested models."""
    for name, field in model.model_fields.items():
        yield f"{path}{name}", name
        for inner in _models(field.annotation):
            yield from keys(inner, f"{path}{name}.")


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def code() -> str:
    """The bot's and the core's source (a declaration ``name: int`` is no ``.name``)."""
    files = [*ROOT.glob("core/**/*.py"), *ROOT.glob("bot/**/*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def unread(model: type[BaseModel]) -> list[str]:
    source = code()
    return [path for path, name in keys(model)
            if not re.search(rf"\.{re.escape(name)}\b", source)]


def test_every_policy_key_is_read_by_the_bot_or_the_core() -> None:
    assert unread(Policy) == []


def test_a_key_nobody_reads_is_found() -> None:
    validity = create_model("Validity", __base__=Validity, never_read_anywhere=(int, 0))
    policy = create_model("Policy", __base__=Policy, validity=(validity, validity()))
    assert unread(policy) == ["validity.never_read_anywhere"]


def test_the_walk_sees_the_nested_keys() -> None:
    found = {path for path, _name in keys(Policy)}
    assert {"validity.window_days", "major.alert_within", "severity_labels",
            "calendar.timezone", "escalation.return_limit"} <= found


@pytest.mark.parametrize("preset", sorted(p.stem for p in PRESETS_DIR.glob("*.toml")))
def test_check_config_describes_every_rule_of_a_policy_in_words(preset: str) -> None:
    """A line per key of the model, starting with the key, for every preset."""
    lines = describe(load_preset(preset))
    described = {line.split(":", 1)[0] for line in lines if not line.startswith(" ")}
    assert described == set(Policy.model_fields)
    assert all(line.split(":", 1)[1].strip() for line in lines)
