"""Filing a complaint, part one: listen, calm, then ask what the case needs.

The customer may tell the story in as many messages as they like — text, photos,
documents, voice, video, albums — until they press "That's everything".
"""

from __future__ import annotations

import random
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.delivery.reminders import IntakeReminder, touched
from bot.flows import follow_up
from bot.flows.intake_answers import local_now
from bot.flows.intake_steps import DONE_BUTTON, IntakeForm, ask, done_keyboard, remembered
from bot.input.media import evidence_of, not_a_command
from bot.runtime.update_work import UpdateWork
from core.domain import Actor, place_said, when_said
from core.domain.harm import harm_in
from core.domain.values import MAX_DESCRIPTION
from core.ports import Database
from core.services.people import Person
from core.services.rules import Rules

router = Router(name="intake")


def _calm(seed: int) -> str:
    """Acknowledge feelings before facts, in more than one way (PROCEDURE.md §2)."""
    variants = (
        _("I'm sorry this happened — that is genuinely frustrating, and thank you for "
          "telling us."),
        _("Thank you for letting us know. I understand how annoying this must be, and "
          "I want to help put it right."),
        _("I hear you. That should not have happened, and I'm glad you wrote to us about it."),
    )
    return variants[seed % len(variants)]


async def begin(message: Message, state: FSMContext, work: UpdateWork,
                reminder: IntakeReminder, locale: str, person: Person | None,
                user_id: int | None = None) -> None:
    """A fresh intake: known so far is who is writing and the contact they gave before.
    Armed to remind the customer if it stalls. ``user_id`` when ``message`` is the bot's
    own (a button pressed under it)."""
    await state.clear()
    await state.set_state(IntakeForm.listening)
    # Tells this person's intakes apart (their filing's idempotency key); no secret, so
    # not the kernel's random source: a system call an update, slow on some machines.
    intake_id = f"{random.getrandbits(128):032x}"
    known = {"name": person.name, "phone": person.phone} if person and person.phone else {}
    await state.update_data({"intake_id": intake_id, "story": [], "evidence": [], "albums": [],
                             **known, **touched(reminder.rules.now())})
    assert message.bot is not None
    if user_id is None:
        assert message.from_user is not None
        user_id = message.from_user.id
    work.schedule(reminder.job(message.bot.id, message.chat.id, user_id, intake_id, locale))


@router.message(Command("new"))
async def new_complaint(message: Message, state: FSMContext, work: UpdateWork,
                        reminder: IntakeReminder,
                        i18n: I18n, person: Person | None) -> None:
    await begin(message, state, work, reminder, i18n.current_locale, person)
    await message.answer(_("Please tell me what happened, in your own words. Take your time; "
                           "you can send several messages, photos, documents or voice "
                           "notes."))


@router.message(StateFilter(None), not_a_command)
async def first_words(message: Message, state: FSMContext, work: UpdateWork, rules: Rules,
                      reminder: IntakeReminder, i18n: I18n, person: Person | None,
                      db: Database, actor: Actor) -> None:
    """Writing to the bot with nothing under way starts a complaint with those words —
    unless the customer has open cases: then it may be about one of them, and they say."""
    cases = await follow_up.open_cases(db, person)
    if cases:
        await follow_up.hold(message, state, db, rules, actor, cases)
        return
    await begin(message, state, work, reminder, i18n.current_locale, person)
    await listen(message, state, rules)


async def take_held(message: Message, state: FSMContext, rules: Rules,
                    held: list[dict[str, Any]]) -> None:
    """A new complaint from what the customer wrote before choosing "something new"."""
    story: list[str] = []
    for item in held:  # a caption goes with its file, as ``listen`` keeps it
        if item["text"] and sum(map(len, story)) + len(item["text"]) <= MAX_DESCRIPTION:
            story.append(item["text"])
    evidence = [item["file"] for item in held if item["file"]]
    harm = sorted(set().union(*(harm_in(part) for part in story)))
    if harm:
        await _care(message)
    await state.update_data({"story": story, "evidence": evidence, "harm": harm,
                             **touched(rules.now())})
    await message.answer(_listening(message.chat.id), reply_markup=done_keyboard())


async def _care(message: Message) -> None:
    """Care before facts: someone may be hurt or in danger (``core.domain.harm``)."""
    await message.answer(_("I'm so sorry. Before anything else: is everyone all right? "
                           "If anyone is hurt or feels unwell, please get medical help "
                           "first; the complaint can wait. I have noted this for our team."))


def _listening(seed: int) -> str:
    return (_calm(seed) + "\n\n" +
            _("Tell me everything you want us to know; I am listening. When you have said it "
              "all, press “That's everything”."))


@router.message(IntakeForm.listening, F.text == DONE_BUTTON)
@router.message(IntakeForm.listening, Command("done"))
async def story_told(message: Message, state: FSMContext, rules: Rules) -> None:
    data = await state.get_data()
    if not data.get("story") and not data.get("evidence"):
        await message.answer(_("Please tell me what happened first."))
        return
    await message.answer(_("Thank you, I have it all. A few short questions now."),
                         reply_markup=ReplyKeyboardRemove())
    # The day and the place the story names are offered for one tap, not asked afresh
    # (issue 16.5).
    story = "\n".join(data.get("story", []))
    told = when_said.in_story(story, local_now(rules))
    await state.update_data(told_when=list(told) if told else None,
                            told_where=place_said.in_story(story))
    await ask(message, state, rules.policy)


@router.message(IntakeForm.listening, not_a_command)
async def listen(message: Message, state: FSMContext, rules: Rules) -> None:
    data = await state.get_data()
    story: list[str] = data.get("story", [])
    evidence: list[list[Any]] = data.get("evidence", [])
    first = not story and not evidence
    text = message.text or message.caption
    item = evidence_of(message)
    if text is None and item is None:
        await message.answer(_("I can keep text, photos, videos, voice messages and "
                               "documents, but not this kind of message."))
        return
    harm: list[str] = data.get("harm", [])
    if text:
        if sum(len(part) for part in story) + len(text) > MAX_DESCRIPTION:
            await message.answer(_("That is more than I can keep in one complaint. Please "
                                   "summarise the rest in a few sentences, or press "
                                   "“That's everything”."), reply_markup=done_keyboard())
            return
        story.append(text)
        noticed = sorted(set(harm_in(text)) - set(harm))
        if noticed and not harm:
            await _care(message)
        harm = [*harm, *noticed]
    album = message.media_group_id
    albums: list[str] = data.get("albums", [])
    if item is not None:
        evidence.append(list(item))
    await state.update_data({
        "story": story, "evidence": evidence, "harm": harm,
        "albums": [*albums, album] if album and album not in albums else albums,
        **remembered(data, message.message_id, "story" if text else None),
        **touched(rules.now())})
    if first:
        await message.answer(_listening(message.chat.id), reply_markup=done_keyboard())
    elif item is not None and album is None:
        await message.answer(_("Got it, I have kept that ({count} so far).").format(
            count=len(evidence)))
    elif item is not None and album not in albums:
        # An album arrives as one message per item: acknowledge it once, without a count.
        await message.answer(_("Got your files, I have kept them."))
