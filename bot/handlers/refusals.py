"""The doors of the staff and supervisor branches, for anyone those branches did not admit.

Each filter here is the one the admitted handler uses, so whoever reaches a staff button,
a supervisor's command or an answer to a staff prompt without being staff there hears
the same refusal as ever (and ``refuse_desk`` writes the same log line); anything no
handler would take still falls through to the catch-all. Cancelling a prompt needs no
check, so those answers are the flows' own.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.access.filters import InGroup
from bot.access.supervisor_access import refuse_desk
from bot.actions.card import CARD
from bot.actions.desk import DESK
from bot.flows import staff_input, supervisor_input
from bot.flows.staff_input import StaffInput
from bot.flows.supervisor_input import SupervisorInput
from bot.input.callbacks import StaffAction, SupervisorAction, SupervisorPage
from bot.input.media import not_a_command
from bot.input.prompts import answers_prompt
from core.domain import Actor, DomainError
from core.services.groups import Group

router = Router(name="refusals")

DESK_COMMANDS = ("overdue", "case", "find", "stats", "report")
DESK_VIEWS = frozenset({"view", "history", "evidence"})


def _not_staff() -> DomainError:
    return DomainError("role_not_allowed", action="staff", role="customer")


# The supervisor's desk, from anyone but a supervisor where they may use it.
@router.message(Command(*DESK_COMMANDS))
async def desk_command(message: Message, actor: Actor, binding: Group | None) -> None:
    assert message.from_user is not None
    refuse_desk(actor, message.from_user, message.chat, binding)


@router.callback_query(SupervisorPage.filter())
@router.callback_query(SupervisorAction.filter(F.action.in_(DESK_VIEWS | DESK.codes)))
async def desk_button(query: CallbackQuery, actor: Actor, binding: Group | None) -> None:
    assert query.message is not None
    refuse_desk(actor, query.from_user, query.message.chat, binding)


router.message(SupervisorInput.text, Command("cancel"))(supervisor_input.cancelled)


@router.message(SupervisorInput.text, not_a_command, answers_prompt())
async def desk_words(message: Message, state: FSMContext, actor: Actor,
                     binding: Group | None) -> None:
    if not (message.text or "").strip():
        await message.reply(_("Please answer in words."))
        return
    await state.clear()
    assert message.from_user is not None
    refuse_desk(actor, message.from_user, message.chat, binding)


# Task cards and their prompts in groups, from someone who is not staff there.
staff_doors = Router(name="refusals-staff")
staff_doors.message.filter(InGroup())
staff_doors.callback_query.filter(InGroup())
router.include_router(staff_doors)


@staff_doors.callback_query(StaffAction.filter(F.action.in_(CARD.codes | {"register"})))
@staff_doors.message(Command("register"))
async def staff_door(event: object) -> None:
    raise _not_staff()


staff_doors.message(StateFilter(StaffInput.amount, StaffInput.text, StaffInput.caller),
                    Command("cancel"))(staff_input.cancelled)
staff_doors.message(StaffInput.amount, not_a_command, answers_prompt())(
    staff_input.amount_typed)


@staff_doors.message(StateFilter(StaffInput.text, StaffInput.caller), not_a_command,
                     answers_prompt())
async def staff_words(message: Message, state: FSMContext) -> None:
    if not (message.text or "").strip():
        await message.reply(_("Please answer in words."))
        return
    await state.clear()
    raise _not_staff()
