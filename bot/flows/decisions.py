"""The customer's decisions later in the procedure: a proposed solution (accept, or reject
with a reason), a question from the department, the satisfaction survey."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.input.callbacks import Decision, SurveyAnswer
from bot.input.media import evidence_of, not_a_command
from bot.views.labels import RATINGS
from bot.views.render import escape
from core.domain import Action, Actor, Evidence, Rating
from core.domain.case_closing import not_satisfied
from core.domain.values import MAX_TEXT
from core.ports import Database
from core.services import handling, queries
from core.services.rules import Rules

router = Router(name="decisions")


class Waiting(StatesGroup):
    rejection_reason = State()
    objection = State()
    answer = State()
    survey_comment = State()


async def _mark(query: CallbackQuery, label: str) -> Message:
    """Keep the prompt, show what was chosen, take the buttons away."""
    await query.answer()
    message = query.message
    assert isinstance(message, Message)
    if message.text:
        await message.edit_text(f"{escape(message.text)}\n\n✔️ {escape(label)}",
                                reply_markup=None)
    return message


@router.callback_query(Decision.filter(F.action == "accept"))
async def solution_accepted(query: CallbackQuery, callback_data: Decision, db: Database,
                            rules: Rules, actor: Actor) -> None:
    await handling.customer_accepts(db.uow(), rules, callback_data.case_id, actor)
    message = await _mark(query, _("✅ I accept"))
    await message.answer(_("Thank you. We will now carry out the solution and let you know "
                           "when it is done."))


@router.callback_query(Decision.filter(F.action.in_({"reject", "answer"})))
async def words_needed(query: CallbackQuery, callback_data: Decision, state: FSMContext,
                       db: Database, actor: Actor) -> None:
    # Check the case is theirs before asking them to type anything.
    await queries.case_with_history(db.uow(read_only=True), callback_data.case_id, actor, limit=1)
    await state.update_data(decision_case=callback_data.case_id,
                            resume_state=await state.get_state())
    if callback_data.action == "reject":
        await state.set_state(Waiting.rejection_reason)
        message = await _mark(query, _("✖️ I do not accept"))
        await message.answer(_("I understand. Please tell us in a few words why this solution "
                               "does not work for you, so we can look for a better one."))
    else:
        await state.set_state(Waiting.answer)
        message = await _mark(query, _("✍️ Answer"))
        await message.answer(_("Please write your answer."))


async def _words(message: Message) -> str | None:
    text = (message.text or "").strip()
    if not text:
        await message.answer(_("Please answer in words."))
        return None
    if len(text) > MAX_TEXT:
        await message.answer(_("Please keep it under {limit} characters.").format(
            limit=MAX_TEXT))
        return None
    return text


async def _resume(state: FSMContext) -> None:
    """Back to whatever the customer was doing before (e.g. a new complaint)."""
    data = await state.get_data()
    await state.set_state(data.get("resume_state"))
    await state.update_data(decision_case=None, resume_state=None)


@router.message(Waiting.rejection_reason, not_a_command)
async def rejection_reason(message: Message, state: FSMContext, db: Database, rules: Rules,
                           actor: Actor) -> None:
    reason = await _words(message)
    if reason is None:
        return
    case_id = (await state.get_data())["decision_case"]
    await handling.customer_rejects(db.uow(), rules, case_id, actor, reason)
    await _resume(state)
    await message.answer(_("Thank you. We have passed your reason on; the department will "
                           "come back to you with another proposal."))


@router.message(Waiting.answer, not_a_command)
async def question_answered(message: Message, state: FSMContext, db: Database, rules: Rules,
                            actor: Actor) -> None:
    answer = await _words(message)
    if answer is None:
        return
    case_id = (await state.get_data())["decision_case"]
    await handling.answer_question(db.uow(), rules, case_id, actor, answer)
    await _resume(state)
    await message.answer(_("Thank you, your answer has been passed on."))


@router.callback_query(SurveyAnswer.filter())
async def rated(query: CallbackQuery, callback_data: SurveyAnswer, state: FSMContext,
                db: Database, rules: Rules, actor: Actor) -> None:
    rating = Rating(callback_data.rating)
    changed = await handling.record_revisit(db.uow(), rules, callback_data.case_id, actor,
                                            rating)
    message = await _mark(query, str(RATINGS[rating.value]))
    unsatisfied = not_satisfied(rating, rules.policy)  # 基本满意 too, where the policy says
    if unsatisfied and not changed.case.state.is_closed:
        await message.answer(_("We are sorry the result did not satisfy you. We are reopening "
                               "case {number}, and a colleague will look into it again.")
                             .format(number=changed.case.number))
        # The case is open again and we just asked what went wrong: their next words are
        # about it, and the answer says where they went.
        await state.update_data(decision_case=callback_data.case_id,
                                resume_state=await state.get_state())
        await state.set_state(Waiting.survey_comment)
        await message.answer(_("Would you like to add a comment? Just write it; or carry on "
                               "with anything else."))
        return
    if unsatisfied:  # late, after the survey closed unanswered, past the window
        await message.answer(_("Thank you for telling us, and we are sorry. Case {number} "
                               "was closed too long ago to reopen it; if something is still "
                               "wrong, just write to me and we will take it up as a new "
                               "complaint.").format(number=changed.case.number))
    else:
        await message.answer(_("Thank you for telling us."))
    # Otherwise a comment only through its button: whatever else they write next is theirs
    # to route (``bot.flows.follow_up``), never a note slipped under a closed case.
    builder = InlineKeyboardBuilder()
    builder.button(text=_("💬 Add a comment"),
                   callback_data=Decision(action="comment", case_id=callback_data.case_id))
    await message.answer(_("If you would like to add a comment to case {number}, press the "
                           "button.").format(number=changed.case.number),
                         reply_markup=builder.as_markup())


@router.callback_query(Decision.filter(F.action == "comment"))
async def comment_asked(query: CallbackQuery, callback_data: Decision, state: FSMContext,
                        db: Database, actor: Actor) -> None:
    await queries.case_with_history(db.uow(read_only=True), callback_data.case_id, actor, limit=1)
    await state.update_data(decision_case=callback_data.case_id,
                            resume_state=await state.get_state())
    await state.set_state(Waiting.survey_comment)
    message = await _mark(query, _("💬 Add a comment"))
    await message.answer(_("Please write your comment."))


@router.message(Waiting.survey_comment, not_a_command)
async def survey_comment(message: Message, state: FSMContext, db: Database, rules: Rules,
                         actor: Actor) -> None:
    comment = await _words(message)
    if comment is None:
        return
    case_id = (await state.get_data())["decision_case"]
    await handling.add_note(db.uow(), rules, case_id, actor, comment)
    await _resume(state)
    await message.answer(_("Thank you, we have added your comment to the case."))


@router.callback_query(Decision.filter(F.action == "disagree"))
async def disagree(query: CallbackQuery, callback_data: Decision, state: FSMContext,
                   db: Database, actor: Actor) -> None:
    """Against an invalid finding: words (and files) for the desk, never a new intake."""
    case, _history = await queries.case_with_history(db.uow(read_only=True),
                                                     callback_data.case_id, actor, limit=1)
    case.check_may(Action.CUSTOMER_OBJECT, actor)  # refused now, not after they typed
    await state.update_data(decision_case=callback_data.case_id, objection_files=[],
                            resume_state=await state.get_state())
    await state.set_state(Waiting.objection)
    message = await _mark(query, _("🙋 I disagree"))
    await message.answer(_("Please tell us in your own words why you see it differently. "
                           "You can send photos or documents as well."))


@router.message(Waiting.objection, not_a_command)
async def objection(message: Message, state: FSMContext, db: Database, rules: Rules,
                    actor: Actor) -> None:
    data = await state.get_data()
    files: list[list[str | None]] = data.get("objection_files", [])
    item = evidence_of(message)
    words = (message.text or message.caption or "").strip()
    if item is not None:
        files = [*files, [item[0], item[1], None]]  # the caption goes with the words
    if not words:
        if item is None:
            await message.answer(_("Please answer in words."))
            return
        await state.update_data(objection_files=files[:10])
        await message.answer(_("Got it, I have kept that. Now please tell us in words why "
                               "you disagree."))
        return
    if len(words) > MAX_TEXT:
        await message.answer(_("Please keep it under {limit} characters.").format(
            limit=MAX_TEXT))
        return
    case_id = data["decision_case"]
    await handling.customer_objects(db.uow(), rules, case_id, actor, words)
    for kind, ref, _caption in files[:10]:
        assert kind is not None and ref is not None
        await handling.add_evidence(db.uow(), rules, case_id, actor, Evidence(kind, ref))
    await _resume(state)
    await state.update_data(objection_files=None)
    await message.answer(_("Thank you. We have passed your objection on to our customer "
                           "service desk. They will check the case again and tell you "
                           "what they decide."))
