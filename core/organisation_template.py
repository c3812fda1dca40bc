"""The presets a company can start from, and the commented organisation file ``init`` writes.

The file is meant to be read and edited by a person: every key says what it means, and a
[[staff]] entry and a bound group are shown, commented out, with this preset's codes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.policy import PRESETS_DIR, Policy, load_policy, read_toml


@dataclass(frozen=True)
class Preset:
    stem: str          # the file's name without .toml: what ``preset =`` names
    description: str   # one line for a person choosing


def _describe(path: Path) -> str:
    """The header comment's first paragraph after the dash, without its parentheses
    (source references), e.g. "the generic seven-step procedure"; else the ``name`` key."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or line.strip() == "#":
            break
        lines.append(line.lstrip("#").strip())
    header = " ".join(lines)
    _, dash, rest = header.partition("—")
    if dash:
        text = re.sub(r"\s*\([^)]*\)", "", rest).strip().rstrip(".")
        if text:
            return re.sub(r"\s+", " ", text)
    _, data = read_toml(path)
    return str(data.get("name", path.stem))


def presets(directory: Path = PRESETS_DIR) -> list[Preset]:
    return [Preset(path.stem, _describe(path)) for path in sorted(directory.glob("*.toml"))]


def find_preset(answer: str, choices: list[Preset]) -> Preset | None:
    """A preset by its full name (``000_generic``), its number (``000`` or ``0``) or the
    rest of its name (``generic``)."""
    answer = answer.strip().lower()
    for preset in choices:
        number, _, word = preset.stem.partition("_")
        if answer in (preset.stem.lower(), word.lower()) or (
                answer.isdigit() and number.isdigit() and int(answer) == int(number)):
            return preset
    return None


def _toml_string(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX ...) are all valid in a TOML basic string.
    return json.dumps(text, ensure_ascii=False)


def render(name: str, preset: Preset, admin: int, language: str,
           directory: Path = PRESETS_DIR) -> str:
    policy: Policy = load_policy(directory / f"{preset.stem}.toml")
    departments = [d.code for d in policy.departments]
    levels = [level.code for level in policy.escalation]
    department = "quality" if "quality" in departments else departments[0]
    return f"""\
# The organisation file of {name}, written by `complaint-desk init`.
# After editing, `complaint-desk check-config <this file>` says whether it is valid (and
# names the line of any mistake). The bot reads it at start: the CONFIG_FILE setting
# (default organisation.toml) or `complaint-desk run --config <this file>`.

# The company's name, as customers read it in the bot's greeting.
name = {_toml_string(name)}

# The language of people who have not chosen one: zh_Hans, zh_Hant or en.
default_language = {_toml_string(language)}

# The complaint procedure: a preset from presets/ — {preset.description}.
# Its departments: {", ".join(departments)}.
# Its escalation chain (who may grant how much): {" -> ".join(levels)}.
preset = {_toml_string(preset.stem)}

# Telegram user ids of the administrators: they bind the bot's groups (/bind in a group).
admins = [{admin}]
# invitation_hours = 24           # how long a staff invitation link (/invite) can be opened

# Change what differs from the preset here; a key replaces the preset's, e.g.
# [policy]
# desk_step = false               # complaints go straight to the department
# digest_time = "off"             # no daily report to the supervisors
# customer_hours = "08:00-21:00"  # surveys and reminders reach customers only then

# Staff: one [[staff]] table per person, found by their Telegram user id. Or, with no
# edit here: an administrator or supervisor sends the bot /invite (e.g. /invite department
# {department} {levels[0]}) and passes on the link; /staff changes rungs and removes people.
#   role:       specialist (the customer-service desk), department (works the cases of
#               one department, named in `department`) or supervisor
#   department: a department code above (for role = "department")
#   level:      their rung on the escalation chain above (what they may approve)
#   language:   optional, else the default language
#
# [[staff]]
# telegram_id = 123456789
# name = "Wang Fang"
# role = "department"
# department = {_toml_string(department)}
# level = {_toml_string(levels[0])}
# language = "zh_Hans"

# Groups bound in advance (else an administrator writes /bind in the group itself).
#   chat_id: the group's id (negative); binding: desk, supervisors or department:<code>;
#   forum = true for a forum group, where each case gets its own topic.
#
# [[groups]]
# chat_id = -1001234567890
# binding = {_toml_string("department:" + department)}
"""
