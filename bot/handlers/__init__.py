"""All routers in the order they are tried; the catch-all comes last."""

from __future__ import annotations

from aiogram import Router

from bot.flows import decisions, intake, intake_confirm, staff_input, supervisor_input
from bot.handlers import (
    binding,
    common,
    customer,
    errors,
    fallback,
    groups,
    report,
    staff,
    supervisor,
    supervisor_actions,
)


def build_routers() -> list[Router]:
    # Routers are module-level singletons; a fresh Dispatcher may attach them again only
    # after they are detached, which tests that build several dispatchers rely on.
    routers = [errors.router, binding.router, supervisor.router, supervisor_actions.router,
               supervisor_input.router, report.router, staff.router, staff_input.router,
               groups.router,
               common.router, customer.router,
               decisions.router, intake_confirm.router, intake.router, fallback.router]
    for router in routers:
        router._parent_router = None
    return routers
