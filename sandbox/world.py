"""The sandbox's demo world: the people and groups of ``demo_organisation.toml``."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.emulator.state import EmulatorState

TOKEN = "1000001:SANDBOX-NOT-A-REAL-TOKEN"


@dataclass(frozen=True)
class DemoUser:
    key: str
    id: int
    name: str
    language: str
    role: str
    phone: str


USERS = (
    DemoUser("li_lei", 1001, "Li Lei", "zh-hans", "customer", "+8613800138000"),
    DemoUser("chan_mei", 1002, "Chan Mei", "zh-hant", "customer", "+85291234567"),
    DemoUser("ann", 1003, "Ann Smith", "en", "customer", "+447700900123"),
    DemoUser("admin", 100, "Admin", "en", "administrator", "+8613800000100"),
    DemoUser("wang_fang", 201, "Wang Fang", "zh-hans", "desk specialist", "+8613800000201"),
    DemoUser("zhang_wei", 301, "Zhang Wei", "zh-hans", "quality", "+8613800000301"),
    DemoUser("zhao_min", 302, "Zhao Min", "zh-hans", "quality head", "+8613800000302"),
    DemoUser("sun_tao", 311, "Sun Tao", "zh-hans", "warehouse", "+8613800000311"),
    DemoUser("zhou_lin", 321, "Zhou Lin", "zh-hans", "sales", "+8613800000321"),
    DemoUser("chen_jing", 401, "Chen Jing", "zh-hans", "supervisor", "+8613800000401"),
)

# (chat id, title, member ids): the ids match the [[groups]] of demo_organisation.toml.
GROUPS = (
    (-1000000000101, "Customer service desk", (100, 201)),
    (-1000000000201, "Quality department", (100, 301, 302)),
    (-1000000000202, "Warehouse", (100, 311)),
    (-1000000000203, "Sales", (100, 321)),
    (-1000000000301, "Supervisors", (100, 401)),
)


def populate(state: EmulatorState) -> None:
    """Create the demo users and groups, the bot an administrator in each group."""
    for user in USERS:
        state.create_user(user.name.split()[0], last_name=" ".join(user.name.split()[1:]) or None,
                          id=user.id, language_code=user.language, phone_number=user.phone)
    for chat_id, title, members in GROUPS:
        state.create_group(title, id=chat_id, owner_id=100, members=members)


def user_by_key(key: str) -> DemoUser:
    for user in USERS:
        if key in (user.key, str(user.id)):
            return user
    raise KeyError(f"no demo user {key!r}; known: {', '.join(u.key for u in USERS)}")
