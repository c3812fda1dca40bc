"""Who is acting in an update, worked out once (``ActorMiddleware`` calls ``resolve``).

Authority comes from the organisation, never from group membership: the organisation
file names the staff (role, department, rung), joined with staff added or removed in chat
(``core.services.staff.member``: read with the person, on every update, so a removal
counts at once on every instance); everyone else is a customer, wherever they write, so
a member of a bound group who is not listed meets the staff branches' refusals. No Bot
API call is made here. Staff get a ledger (people) row the first time they can act (a press, a
command, a reply to the bot), under the organisation's name for them; ordinary chatter
never costs a write; in a private chat only a supervisor acts as staff.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aiogram import Bot
from aiogram.types import Chat, Update, User

from core.domain import Actor, Role
from core.organisation import Organisation
from core.ports import Database
from core.services import people, staff
from core.services.people import Person
from core.services.rules import Rules


@dataclass(frozen=True)
class Acting:
    """The resolved person: the ledger row (or None) and the role they act in."""

    person: Person | None
    actor: Actor


def can_act(update: Update, bot_id: int) -> bool:
    """A press, a command, or a reply to the bot: the updates that may change something."""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None:
        return False
    if (message.text or "").startswith("/"):
        return True
    reply = message.reply_to_message
    # A reply to the bot's prompt; a sender-less reply (as a recorded prompt is) counts too.
    return reply is not None and (reply.from_user is None or reply.from_user.id == bot_id)


async def resolve(update: Update, user: User, chat: Chat | None, person: Person | None, *,
                  db: Database, rules: Rules, organisation: Organisation, bot: Bot) -> Acting:
    """``person``: the user as the database knows them (read by the caller)."""
    person_id = person.id if person else None
    member = staff.member(organisation, user.id, person.staff if person else None)
    actor = staff.actor(member, person_id) if member else Actor(person_id, Role.CUSTOMER)
    private = chat is None or chat.type == "private"
    if (not can_act(update, bot.id) or actor.role is Role.CUSTOMER or person is not None
            or (private and actor.role is not Role.SUPERVISOR)):
        return Acting(person, actor)
    name = member.name if member else user.full_name[:200]
    person_id = await people.customer_for_telegram(db.uow(), rules, user.id, name)
    return Acting(await people.find_by_telegram(db, user.id), replace(actor, person_id=person_id))
