"""A branch hoists its modules' handlers: the same ones, in the same order, behind the one
filter for whom it serves; a module router that filters or nests is refused, not hoisted."""

from __future__ import annotations

import pytest
from aiogram import F, Router

from bot.access.filters import InPrivate
from bot.flows import intake, intake_answers
from bot.handlers import _branch, build_routers


def test_a_branch_tries_its_modules_handlers_in_their_order() -> None:
    branch = _branch("customer", InPrivate(), intake_answers.router, intake.router)
    assert branch.message.handlers == [*intake_answers.router.message.handlers,
                                       *intake.router.message.handlers]
    assert branch.callback_query.handlers == [*intake_answers.router.callback_query.handlers,
                                              *intake.router.callback_query.handlers]
    assert not branch.sub_routers
    customer = next(router for router in build_routers() if router.name == "customer")
    assert customer.message.handlers[-len(intake.router.message.handlers):] == \
        intake.router.message.handlers  # the intake's catch-all is still tried last


def test_a_module_router_that_filters_or_nests_is_refused() -> None:
    filtering = Router(name="filtering")
    filtering.message.filter(F.text)
    with pytest.raises(ValueError, match="filtering"):
        _branch("b", InPrivate(), filtering)
    nesting = Router(name="nesting")
    nesting.include_router(Router(name="inner"))
    with pytest.raises(ValueError, match="nesting"):
        _branch("b", InPrivate(), nesting)
