"""The organisation file: the policy plus who works here and where.

```toml
default_language = "zh_Hans"
preset = "000_generic"          # start from a preset ...
[policy]                        # ... and override what differs (or write it all here)
desk_step = false
[[staff]]
telegram_id = 201
name = "Wang Fang"
role = "specialist"             # specialist | department | supervisor
level = "specialist"            # rung on the policy's escalation chain
[[groups]]                      # optional: groups bound in advance (else /bind in the group)
chat_id = -1001
binding = "department:quality"  # desk | supervisors | department:<code>
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.domain import Actor, Role
from core.policy import PRESETS_DIR, Policy, PolicyError, explain, read_toml

LANGUAGES = ("zh_Hans", "zh_Hant", "en")


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    telegram_id: int
    name: str = Field(min_length=1, max_length=100)
    role: Literal["specialist", "department", "supervisor"]
    department: str | None = None
    level: str | None = None
    language: Literal["zh_Hans", "zh_Hant", "en"] | None = None


class GroupBinding(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    chat_id: int
    binding: str = Field(pattern=r"^(desk|supervisors|department:[a-z][a-z0-9_]{0,31})$")
    language: Literal["zh_Hans", "zh_Hant", "en"] | None = None
    forum: bool = False  # a forum group: each case gets its own topic


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "Complaint Desk"
    default_language: Literal["zh_Hans", "zh_Hant", "en"] = "zh_Hans"
    admins: tuple[int, ...] = ()
    policy: Policy
    staff: tuple[StaffMember, ...] = ()
    groups: tuple[GroupBinding, ...] = ()
    # How long an invitation to join as staff (``/invite``) can be opened.
    invitation_hours: int = Field(default=24, ge=1, le=24 * 30)

    @model_validator(mode="after")
    def _refers_to_policy(self) -> Organisation:
        departments = {d.code for d in self.policy.departments}
        levels = {level.code for level in self.policy.escalation}
        seen: set[int] = set()
        for index, member in enumerate(self.staff):
            where = f"staff.{index}"
            if member.telegram_id in seen:
                raise ValueError(f"{where}.telegram_id: {member.telegram_id} is listed twice")
            seen.add(member.telegram_id)
            if member.role == "department" and member.department not in departments:
                raise ValueError(f"{where}.department: unknown department {member.department!r}")
            if member.level is not None and member.level not in levels:
                raise ValueError(f"{where}.level: {member.level!r} is not on the escalation chain")
        for index, group in enumerate(self.groups):
            kind, _, code = group.binding.partition(":")
            if kind == "department" and code not in departments:
                raise ValueError(f"groups.{index}.binding: unknown department {code!r}")
        return self

    def staff_member(self, telegram_id: int) -> StaffMember | None:
        return next((m for m in self.staff if m.telegram_id == telegram_id), None)

    def actor_for(self, telegram_id: int, person_id: int | None) -> Actor | None:
        """The staff role a Telegram user acts in, or None for a customer."""
        member = self.staff_member(telegram_id)
        if member is None:
            return None
        return Actor(person_id, Role(member.role), member.department, member.level)


def organisation_from_mapping(data: dict[str, Any], origin: str, text: str | None = None,
                              base_dir: Path | None = None) -> Organisation:
    data = dict(data)
    preset = data.pop("preset", None)
    policy_data = data.get("policy", {})
    if preset is not None:
        path = (base_dir or PRESETS_DIR) / f"{preset}.toml"
        if not path.exists():
            path = PRESETS_DIR / f"{preset}.toml"
        if not path.exists():
            raise PolicyError(f"{origin}: preset: no preset named {preset!r}")
        _, base = read_toml(path)
        data["policy"] = {**base, **policy_data}
    try:
        return Organisation.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, origin, text) from None


def load_organisation(path: str | Path) -> Organisation:
    """Read and validate the organisation file; any problem is one ``PolicyError`` line."""
    path = Path(path)
    text, data = read_toml(path)
    if "policy" not in data and "preset" not in data:
        raise PolicyError(f"{path}: needs a 'preset' name or a [policy] table")
    return organisation_from_mapping(data, str(path), text, path.parent)
