"""Posts a case's card in a group the first time, edits it in place after that, and adds
a short threaded note for each event (in the case's own topic when the group is a forum).

An edit that would change nothing is skipped (Telegram refuses it): the card record keeps a
digest of the text and buttons last sent. A refresh for a group that shows no card of the
case (``Card.shown_only``) posts nothing. A file the customer adds comes as the file itself,
the note its caption."""

from __future__ import annotations

import hashlib

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.delivery.evidence import send_file
from bot.views.cards import card_buttons, card_text, event_note
from bot.views.labels import RATINGS, level_label
from bot.views.render import escape, shorten
from bot.views.verdict import latest_verdict
from core.domain import Evidence
from core.notices import Card, CardEvent
from core.ports import Database, UnitOfWork
from core.services import groups
from core.services.groups import Group
from core.services.rules import Rules

EVENTS = {
    "file": None,  # the card itself says a case arrived
    "begin_investigation": __("is looking into it"),
    "invalidate": __("judged it invalid"),
    "assign": __("passed it to the department"),
    "transfer": __("moved it to another department"),
    "accept": __("took the case"),
    "hand_back": __("handed it back"),
    "propose": __("proposed a solution"),
    "approve": __("approved the solution"),
    "refuse_approval": __("refused the solution"),
    "customer_accept": __("accepted the solution"),
    "customer_reject": __("did not accept the solution"),
    "mark_implemented": __("carried out the solution"),
    "start_revisit": __("sent the satisfaction survey"),
    "record_revisit": __("answered the survey"),
    "close": __("closed the case"),
    "reopen": __("reopened the case"),
    "escalate": __("escalated the case"),
    "de_escalate": __("de-escalated the case"),
    "set_severity": __("changed the severity"),
    "ask_customer": __("asked the customer"),
    "answer_question": __("answered"),
    "add_note": __("added a note"),
    "add_evidence": __("added a file"),
    "add_capa": __("recorded a root cause"),
    "instruct": __("gave an instruction"),
    "reassign": __("gave the case to another colleague"),
    "customer_object": __("disagrees with the finding"),
    "confirm_finding": __("confirmed the finding"),
    "acknowledge_major": __("took up the major-case alert"),
    "request_extension": __("asked for more time"),
    "grant_extension": __("granted more time"),
    "refuse_extension": __("refused more time"),
    "report_progress": __("reported progress"),
    "agree_time": __("agreed a time with the customer"),
    "report_carried_out": __("reported it carried out, for review"),
    "record_visit": __("visited the customer"),
    "agree_visit": __("called the customer and agreed when to meet"),
    "cosign": __("signed the approval; a second signature is needed"),
}
# The customer's own steps; taken by staff, they recorded what the customer said by phone.
CUSTOMERS_STEPS = frozenset({"customer_accept", "customer_reject", "record_revisit",
                             "answer_question"})
HISTORY = 1000  # events read for the customer's standing objection; cases have far fewer


class CardSender:
    def __init__(self, bot: Bot, db: Database, rules: Rules) -> None:
        self.bot, self.db, self.rules = bot, db, rules

    @staticmethod
    async def _names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
        names: dict[int, str] = {}
        for person_id in ids:
            person = await uow.people.get(person_id)
            names[person_id] = person.name or str(person.telegram_id or person_id)
        return names

    async def deliver(self, notice: Card, group: Group, locale: str) -> int | None:
        events = notice.events
        # Everything the card shows, in one read: no write lock, one snapshot.
        async with self.db.uow(read_only=True) as uow:
            case = await uow.cases.get(notice.case_id or 0, lock=False)
            card = await uow.groups.card(case.id or 0, group.chat_id)
            if card is None and notice.shown_only:
                return None  # this group never had the case: nothing sent, no message
            ids = {e.actor_id for e in events if e.actor_id} | (
                {case.owner_id} if case.owner_id else set())
            names = await self._names(uow, ids)
            history = await uow.cases.history(case.id or 0, limit=HISTORY)
            customer = await uow.people.get(case.customer_id)
        text = card_text(case, self.rules, locale, names, self.rules.now(),
                         language=customer.language, verdict=latest_verdict(history),
                         audience=notice.audience)
        markup = card_buttons(case, notice.audience, self.rules)
        rendered = digest(text, markup)
        if card is None:
            thread = None
            if group.is_forum:
                topic = await self.bot.create_forum_topic(group.chat_id, str(case.number))
                thread = topic.message_thread_id
            sent = await self.bot.send_message(group.chat_id, text, reply_markup=markup,
                                               message_thread_id=thread)
            await groups.remember_card(self.db, case.id or 0, group.chat_id, sent.message_id,
                                       thread, self.rules.now(), rendered)
            message_id, thread_id = sent.message_id, thread
        else:
            message_id, thread_id = card.message_id, card.thread_id
            if card.rendered != rendered:
                await self._edit(text, markup, group.chat_id, message_id)
                await groups.note_rendered(self.db, case.id or 0, group.chat_id, rendered)
        for event in events:
            note = event_line(event, names)
            if note is None:
                continue
            if event.file_ref:  # the file itself, the note its caption: seen in one tap
                await send_file(self.bot, group.chat_id,
                                Evidence(event.file_kind, event.file_ref), note,
                                thread=thread_id, reply_to=message_id)
                continue
            await self.bot.send_message(group.chat_id, note, reply_to_message_id=message_id,
                                        message_thread_id=thread_id)
        return message_id

    async def _edit(self, text: str, markup: InlineKeyboardMarkup | None, chat_id: int,
                    message_id: int) -> None:
        try:
            await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                             reply_markup=markup)
        except TelegramBadRequest as exc:
            # A card posted before digests were kept may already show exactly this.
            if "message is not modified" not in exc.message:
                raise


def digest(text: str, markup: InlineKeyboardMarkup | None) -> str:
    """What a card shows, as a fixed-size digest to compare with the last one sent."""
    buttons = markup.model_dump_json(exclude_none=True) if markup is not None else ""
    return hashlib.sha256(f"{text}\x00{buttons}".encode()).hexdigest()


def event_line(event: CardEvent, names: dict[int, str]) -> str | None:
    """The note under a card for one event; None for events the card itself shows."""
    label = EVENTS.get(event.event)
    if label is None:
        return None
    who = names.get(event.actor_id or 0) or (
        _("The customer") if event.role == "customer" else _("The system"))
    if event.event in CUSTOMERS_STEPS and event.role not in ("customer", "system"):
        who = _("{name}, for the customer").format(name=who)
    note = f"<b>{escape(who)}</b> {label}"
    if event.detail in RATINGS:
        note += f" ({RATINGS[event.detail]})"
    elif event.event in ("escalate", "de_escalate") and event.detail:
        note += " → " + escape(level_label(event.detail))  # which level has it now
    if event.note:
        note += ": " + escape(shorten(event_note(event.note), 500))
    return note
