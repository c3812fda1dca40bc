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
    """One router for the branch: its modules' handlers, in their order, behind the one
    filter saying whom it serves. Hoisted, not nested: aiogram's passage through a router
    costs more than most filters, and a customer's message tried ten routers deep paid it
    ten times (the same order, so the same handler answers)."""
    branch = Router(name=name)
    branch.message.filter(who)
    branch.callback_query.filter(who)
    for router in routers:
        _check_plain(router)
        for event, observer in router.observers.items():
            branch.observers[event].handlers.extend(observer.handlers)
    return branch


def _check_plain(router: Router) -> None:
    """Hoisting keeps a module's meaning only while its router is a list of handlers: no
    routers of its own, no filter or middleware over all its handlers."""
    for observer in router.observers.values():
        if observer._handler.filters or len(observer.middleware) or \
                len(observer.outer_middleware):
            raise ValueError(f"router {router.name!r} filters or wraps its handlers: "
                             "nest it instead of hoisting it into a branch")
    if router.sub_routers:
        raise ValueError(f"router {router.name!r} has routers of its own: nest it")


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
