"""The routers, nested by who is acting, in the order they are tried.

    errors                 refused commands and failures, answered where the person acted
    staffing               /invite, /staff and their buttons (administrators, supervisors),
                           and opening an invitation (/start with its token)
    groups   [group chat]  binding (/bind, /unbind, the bot's own membership), group /help
    supervisor [UsesDesk]  a supervisor in the supervisors' group or a private chat:
                           desk commands and buttons, typed comments, /report
    staff    [ActsAsStaff] staff in a group: card buttons (📞 too), /register, typed
                           answers
    refusals               anyone else at those doors: the same refusal as ever
    customer [private]     everyone in a private chat is served as a customer (the
                           supervisor's commands were tried first): /start, /help,
                           /language, /status, decisions, then the intake flows
    fallback               whatever nobody took; always last

Each branch says once, at the top, whom it is for; the actor it reads was resolved before
routing (``bot.access.acting``), so the filters do no I/O.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter

from bot.access.filters import ActsAsStaff, InGroup, InPrivate, UsesDesk
from bot.flows import (
    decisions,
    follow_up,
    intake,
    intake_answers,
    intake_confirm,
    intake_edits,
    intake_validity,
    staff_input,
    supervisor_input,
)
from bot.handlers import (
    binding,
    common,
    customer,
    errors,
    fallback,
    groups,
    phone,
    refusals,
    report,
    staff,
    staffing,
    supervisor,
    supervisor_actions,
)


def _branch(name: str, who: Filter, *routers: Router) -> Router:
    branch = Router(name=name)
    branch.message.filter(who)
    branch.callback_query.filter(who)
    for router in routers:
        # Routers are module-level singletons; a fresh tree may adopt them only once they
        # are detached, which tests that build several dispatchers rely on.
        router._parent_router = None
        branch.include_router(router)
    return branch


def build_routers() -> list[Router]:
    """The top of the tree, for ``Dispatcher.include_routers``; the catch-all is last."""
    for router in (errors.router, staffing.router, refusals.router, fallback.router):
        router._parent_router = None
    return [
        errors.router,
        staffing.router,
        _branch("groups", InGroup(), binding.router, groups.router),
        _branch("supervisor", UsesDesk(), supervisor.router, supervisor_actions.router,
                supervisor_input.router, report.router),
        _branch("staff", ActsAsStaff(), staff.router, phone.router,
                staff_input.router),
        refusals.router,
        _branch("customer", InPrivate(), common.router, customer.router, decisions.router,
                follow_up.router, intake_confirm.router, intake_validity.router,
                intake_edits.router, intake_answers.router, intake.router),
        fallback.router,
    ]
