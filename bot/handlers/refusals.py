"""The doors of the staff and supervisor branches, for anyone those branches did not admit.

Each filter here is the one the admitted handler uses, so whoever reaches a staff button,
a supervisor's command or an answer to a staff prompt without being staff there hears
the same refusal as ever, and the log a warning (who, which chat, what they tried);
anything no handler would take still falls through to the catch-all. Cancelling a prompt
needs no check, so those answers are the flows' own. Group membership admits nobody:
``bot.access.acting`` takes staff from the organisation only.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, Message, User
from aiogram.utils.i18n import gettext as _

from bot.access.filters import InGroup
from bot.access.supervisor_access import refuse_desk
from bot.actions.card import CARD, FILES
from bot.actions.desk import DESK
from bot.flows import staff_input, supervisor_input
from bot.flows.staff_input import DEMAND, STAFF_STATES, StaffInput
from bot.flows.supervisor_input import SupervisorInput
from bot.input.callbacks import StaffAction, SupervisorAction, SupervisorPage
from bot.input.media import not_a_command
from bot.input.prompts import answers_prompt
from bot.views.cards import PHONE
from core.domain import Actor, DomainError
from core.services.groups import Group

log = logging.getLogger(__name__)
router = Router(name="refusals")

DESK_COMMANDS = ("overdue", "case", "find", "stats", "report")
DESK_VIEWS = frozenset({"view", "history", "evidence"})


def _not_staff(user: User | None, chat: Chat, tried: str) -> DomainError:
    """The refusal for someone the organisation does not name as staff, and a log line:
    a member of a staff group who is not staff trying its buttons is worth knowing of."""
    log.warning("staff step refused user %s in chat %s: %s (not staff here)",
                user.id if user else None, chat.id, tried)
    return DomainError("role_not_allowed", action="staff", role="customer")


# The supervisor's desk, from anyone but a supervisor where they may use it.
@router.message(Command(*DESK_COMMANDS))
async def desk_command(message: Message, actor: Actor, binding: Group | None) -> None:
    assert message.from_user is not None
    refuse_desk(actor, message.from_user, message.chat, binding,
                (message.text or "").split(maxsplit=1)[0][:40])


@router.callback_query(SupervisorPage.filter())
@router.callback_query(SupervisorAction.filter(F.action.in_(DESK_VIEWS | DESK.codes)))
async def desk_button(query: CallbackQuery, actor: Actor, binding: Group | None) -> None:
    assert query.message is not None
    refuse_desk(actor, query.from_user, query.message.chat, binding, f"button {query.data}")


router.message(SupervisorInput.text, Command("cancel"))(supervisor_input.cancelled)


@router.message(SupervisorInput.text, not_a_command, answers_prompt())
async def desk_words(message: Message, state: FSMContext, actor: Actor,
                     binding: Group | None) -> None:
    if not (message.text or "").strip():
        await message.reply(_("Please answer in words."))
        return
    await state.clear()
    assert message.from_user is not None
    refuse_desk(actor, message.from_user, message.chat, binding,
                "an answer to a supervisor's prompt")


# Task cards and their prompts in groups, from someone who is not staff there.
staff_doors = Router(name="refusals-staff")
staff_doors.message.filter(InGroup())
staff_doors.callback_query.filter(InGroup())
router.include_router(staff_doors)


@staff_doors.callback_query(StaffAction.filter(
    F.action.in_(CARD.codes | {"register", DEMAND, PHONE, FILES})))
async def staff_button(query: CallbackQuery) -> None:
    assert query.message is not None
    raise _not_staff(query.from_user, query.message.chat, f"button {query.data}")


@staff_doors.message(Command("register"))
async def staff_command(message: Message) -> None:
    raise _not_staff(message.from_user, message.chat, "/register")


staff_doors.message(StateFilter(*STAFF_STATES), Command("cancel"))(staff_input.cancelled)
staff_doors.message(StaffInput.amount, not_a_command, answers_prompt())(
    staff_input.amount_typed)


@staff_doors.message(StateFilter(StaffInput.text, StaffInput.caller, StaffInput.demand_text),
                     not_a_command,
                     answers_prompt())
async def staff_words(message: Message, state: FSMContext) -> None:
    if not (message.text or "").strip():
        await message.reply(_("Please answer in words."))
        return
    await state.clear()
    raise _not_staff(message.from_user, message.chat, "an answer to a staff prompt")
