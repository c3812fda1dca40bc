"""Small builders for tests: a compact policy and a complete intake."""

from __future__ import annotations

from typing import Any

from core.domain import Actor, Intake, Role
from core.policy import Policy, policy_from_mapping

POLICY: dict[str, Any] = {
    "name": "test",
    "calendar": {"timezone": "Asia/Shanghai", "country": "CN",
                 "hours": {"weekdays": ["09:00-17:00"]}},
    "departments": [{"code": "quality", "name": "Quality"},
                    {"code": "logistics", "name": "Logistics"}],
    "categories": [
        {"code": "product_quality", "department": "quality", "needs_product": True},
        {"code": "engineering_quality", "department": "quality", "revisits": 2},
        {"code": "transport_packaging", "department": "logistics"},
    ],
    "sla": {"first_response": "4h", "handover": "1d", "department_solution": "3d",
            "customer_answer": "5d", "revisit": "5d", "whole_case": "7d"},
    "escalation": [
        {"code": "specialist", "compensation_limit": 500},
        {"code": "department_head", "compensation_limit": 1000},
        {"code": "vice_president", "compensation_limit": None},
    ],
    "major": {"compensation_over": 2000, "batch_units_at_least": 100,
              "complainants_at_least": 5, "triggers": ["safety", "media", "lawyer"]},
}


def make_policy(**overrides: Any) -> Policy:
    return policy_from_mapping({**POLICY, **overrides})


def make_intake(**overrides: Any) -> Intake:
    fields: dict[str, Any] = {
        "description": "The milk I bought on Saturday was sour.",
        "demand": "exchange",
        "category": "product_quality",
        "contact_name": "Li Lei",
        "contact_phone": "+86 138 0013 8000",
        "product": "Fresh milk 1L, batch 20261031A",
        "place": "Store 12",
        "occurred": "Saturday morning",
    }
    fields.update(overrides)
    return Intake(**fields)


CUSTOMER = Actor(901, Role.CUSTOMER)
STRANGER = Actor(999, Role.CUSTOMER)
SPECIALIST = Actor(1002, Role.SPECIALIST, level="specialist")
QUALITY_MEMBER = Actor(1003, Role.DEPARTMENT, department="quality", level="specialist")
QUALITY_OTHER = Actor(1004, Role.DEPARTMENT, department="quality", level="specialist")
QUALITY_HEAD = Actor(1005, Role.DEPARTMENT, department="quality", level="department_head")
LOGISTICS_MEMBER = Actor(1006, Role.DEPARTMENT, department="logistics", level="specialist")
VICE_PRESIDENT = Actor(1007, Role.SUPERVISOR, level="vice_president")
SYSTEM = Actor.system()

KNOWN_PEOPLE = (CUSTOMER, STRANGER, SPECIALIST, QUALITY_MEMBER, QUALITY_OTHER, QUALITY_HEAD,
                LOGISTICS_MEMBER, VICE_PRESIDENT)
