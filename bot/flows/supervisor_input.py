"""Words a supervisor types for a case: the comment on an approval or refusal, the reason
for escalating, an instruction for the department, the outcome of an outside settlement.

Asked with a reply prompt (seen even where privacy mode hides group chatter), in the
supervisors' group or a private chat; only that person's reply to the prompt itself is
the answer, so an unrelated message days later cannot close a case. /cancel drops it.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import ForceReply, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.actions.desk import DESK
from bot.actions.model import CaseAction, Given
from bot.handlers.supervisor import send_case
from bot.input.media import not_a_command
from bot.input.menus import for_case
from bot.input.prompts import PROMPT_KEY, answers_prompt
from bot.runtime.update_bot import said_now
from core.domain import Actor, Case
from core.organisation import Organisation
from core.ports import Database
from core.services.rules import Rules

router = Router(name="supervisor-input")


class SupervisorInput(StatesGroup):
    text = State()


async def prompt(message: Message, state: FSMContext, entry: CaseAction, case: Case,
                 arg: str = "") -> None:
    """Ask for ``entry``'s words on ``case`` as it is now: the answer is refused if the
    case changes before it comes."""
    asked = await said_now(message.answer(for_case(str(entry.words), case.number),
                                          reply_markup=ForceReply(selective=True)))
    await state.set_state(SupervisorInput.text)
    await state.update_data({"sup_action": entry.code, "sup_case": case.id, "sup_arg": arg,
                             "sup_version": case.version, PROMPT_KEY: asked.message_id})


@router.message(SupervisorInput.text, Command("cancel"))
async def cancelled(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled."))


@router.message(SupervisorInput.text, not_a_command, answers_prompt())
async def typed(message: Message, state: FSMContext, db: Database, rules: Rules,
                actor: Actor, organisation: Organisation, i18n: I18n) -> None:
    text = (message.text or "").strip()
    if not text:
        await message.reply(_("Please answer in words."))
        return
    data = await state.get_data()
    action, case_id, arg = data.get("sup_action"), int(data.get("sup_case", 0)), \
        str(data.get("sup_arg", ""))
    version = int(data.get("sup_version") or 0)
    await state.clear()
    entry = DESK.get(action) if action in DESK.codes else None
    if entry is None or entry.words is None or entry.perform is None:
        return  # not a step that asks for words (a prompt from an older version)
    # Refused, in the change's own transaction, if the case changed since it was asked.
    await entry.perform(db, rules, case_id, actor.seeing(version),
                        Given(arg=arg, text=text, organisation=organisation))
    await message.reply(_("Done."))
    await send_case(message, db, rules, i18n.current_locale, case_id)
