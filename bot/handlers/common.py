"""Private chat basics: /start, /help, /language."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.delivery.reminders import IntakeReminder
from bot.flows.intake import begin
from bot.flows.intake_steps import IntakeForm, ask, done_keyboard
from bot.input.callbacks import LanguageChoice
from bot.runtime.update_work import UpdateWork
from bot.views.keyboards import language_keyboard
from bot.views.render import escape
from core.organisation import Organisation
from core.ports import Database
from core.services import people
from core.services.people import Person
from core.services.rules import Rules

router = Router(name="private-common")


@router.message(CommandStart())
async def start(message: Message, state: FSMContext, db: Database, rules: Rules,
                organisation: Organisation, person: Person | None, i18n: I18n,
                reminder: IntakeReminder, work: UpdateWork) -> None:
    user = message.from_user
    assert user is not None  # private chats always have a sender
    if await state.get_state() is not None:
        # Mid-complaint: keep what they told us and carry on where we were.
        await message.answer(_("Welcome back. Let's carry on with your complaint."))
        if await state.get_state() == IntakeForm.listening.state:
            await message.answer(_("Let's continue. I am listening."),
                                 reply_markup=done_keyboard())
        else:
            await ask(message, state, rules.policy)
        return
    if person is None:
        await people.customer_for_telegram(db.uow(), rules, user.id, user.full_name[:200],
                                           i18n.current_locale)
    await message.answer(
        _("Hello, {name}. This is the complaint desk of {organisation}.\n\n"
          "If something went wrong, tell me about it here, in your own words — "
          "I am listening, and a real person will take care of it.\n\n"
          "/language changes the language, /help explains more.")
        .format(name=escape(user.first_name), organisation=escape(organisation.name))
    )
    await begin(message, state, work, reminder, i18n.current_locale, person)


@router.message(Command("help"))
async def help_command(message: Message) -> None:
    await message.answer(
        _("How this works:\n"
          "1. Tell me what happened; send photos or documents if you have them.\n"
          "2. I will repeat it back so you can check I understood.\n"
          "3. You get a case number and the date by which we will answer.\n"
          "4. We will ask you to agree to the solution, and later how satisfied you are.\n\n"
          "/language — change the language")
    )


@router.message(Command("language"))
async def language_command(message: Message) -> None:
    await message.answer(_("Which language would you like?"), reply_markup=language_keyboard())


@router.callback_query(LanguageChoice.filter())
async def language_chosen(query: CallbackQuery, callback_data: LanguageChoice, db: Database,
                          rules: Rules, person: Person | None, i18n: I18n) -> None:
    user = query.from_user
    person_id = person.id if person else await people.customer_for_telegram(
        db.uow(), rules, user.id, user.full_name[:200])
    await people.set_language(db.uow(), person_id, callback_data.code)
    with i18n.use_locale(callback_data.code):
        await query.answer(_("Language changed."))
        if query.message is not None:
            await query.message.answer(_("From now on I will write in English."))
