"""People: customers found or created by Telegram id or phone, and their language."""

from __future__ import annotations

from core.domain import Actor, DomainError, Role
from core.domain.values import MAX_SHORT, check_phone, check_text
from core.ports import Database, Person, UnitOfWork
from core.services.rules import Rules

__all__ = ["LANGUAGES", "Person", "customer_by_phone", "customer_for_telegram",
           "find_by_telegram", "remember_contact", "set_language"]
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


async def find_by_telegram(db: Database, telegram_id: int) -> Person | None:
    return await db.person_by_telegram(telegram_id)


async def remember_contact(uow: UnitOfWork, person_id: int, name: str | None,
                           phone: str | None) -> None:
    """The contact a customer gave, offered again next time instead of asked again."""
    async with uow:
        await uow.people.update(person_id,
                                name=check_text("name", name, MAX_SHORT, required=False),
                                phone=check_phone(phone))
        await uow.commit()


async def set_language(uow: UnitOfWork, person_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise DomainError("unknown_language", language=language[:20])
    async with uow:
        await uow.people.update(person_id, language=language)
        await uow.commit()


async def customer_for_telegram(uow: UnitOfWork, rules: Rules, telegram_id: int,
                                name: str | None = None, language: str | None = None) -> int:
    """The person id behind a Telegram user, created on first contact."""
    async with uow:
        person = await uow.people.by_telegram(telegram_id)
        if person is None:
            person = await uow.people.add(
                rules.now(), telegram_id=telegram_id,
                name=check_text("name", name, MAX_SHORT, required=False), language=language,
            )
            await uow.commit()
        return person.id


async def customer_by_phone(uow: UnitOfWork, rules: Rules, actor: Actor, name: str,
                            phone: str) -> int:
    """Staff registering a phone or walk-in complaint: find the caller by phone, or add them."""
    if actor.role not in (Role.SPECIALIST, Role.SUPERVISOR):
        raise DomainError("role_not_allowed", action="register", role=actor.role.value)
    phone_number = check_phone(phone, required=True)
    assert phone_number is not None  # required: check_phone refused an empty one
    name = check_text("name", name, MAX_SHORT) or ""
    async with uow:
        found = await uow.people.by_phone(phone_number)
        if found is None:
            found = await uow.people.add(rules.now(), name=name, phone=phone_number)
            await uow.commit()
        return found.id
