"""Who is acting in an update, worked out once (``ActorMiddleware`` calls ``resolve``).

The organisation file comes first: role, department and rung. Someone it does not list is
a customer, except that (until a later issue removes it) a member of a bound group acts as
that group's staff: desk -> specialist, supervisors -> supervisor, a department group -> a
member of that department, never with a rung, so with no authority over money. Asking
Telegram who is a member (getChatMember) is the one Bot API call made before routing, so
it is made only for updates that can act: a button press, or a group message that is a
command or a reply to the bot (answers to its prompts). Ordinary chatter never costs one.
Staff get a ledger (people) row the first time they act, under the organisation's name
for them; in a private chat only a supervisor acts as staff.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aiogram import Bot
from aiogram.types import Chat, Update, User

from core.domain import Actor, Role
from core.organisation import Organisation
from core.ports import Database
from core.services import people
from core.services.groups import Group
from core.services.people import Person
from core.services.rules import Rules

GROUP_ROLES = {"desk": Role.SPECIALIST, "supervisors": Role.SUPERVISOR}
MEMBERS = ("creator", "administrator", "member")


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


async def resolve(update: Update, user: User, chat: Chat | None, binding: Group | None, *,
                  db: Database, rules: Rules, organisation: Organisation, bot: Bot) -> Acting:
    person = await people.find_by_telegram(db, user.id)
    person_id = person.id if person else None
    actor = organisation.actor_for(user.id, person_id) or Actor(person_id, Role.CUSTOMER)
    if not can_act(update, bot.id):
        return Acting(person, actor)
    if actor.role is Role.CUSTOMER and binding is not None:
        member = await bot.get_chat_member(binding.chat_id, user.id)
        if member.status in MEMBERS:
            actor = Actor(person_id, GROUP_ROLES.get(binding.binding, Role.DEPARTMENT),
                          binding.department)
    private = chat is None or chat.type == "private"
    if actor.role is Role.CUSTOMER or person is not None or (
            private and actor.role is not Role.SUPERVISOR):
        return Acting(person, actor)
    staff = organisation.staff_member(user.id)
    name = staff.name if staff else user.full_name[:200]
    person_id = await people.customer_for_telegram(db.uow(), rules, user.id, name)
    return Acting(await people.find_by_telegram(db, user.id), replace(actor, person_id=person_id))
