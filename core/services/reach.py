"""A notice that can reach nobody is never said to nobody.

A customer without a Telegram chat (registered by phone or in person) or one who blocked
the bot still has to hear what the procedure owes them: the desk gets a call task with
their number and the same words, and records their answer with buttons. A notice for a
group that is not bound (or that removed the bot) becomes an alert to the desk — or, when
it was the desk's own, to the supervisors. The sender asks here when Telegram gives it no
chat; what is queued instead commits with the outbox's other rows.
"""

from __future__ import annotations

import logging
from datetime import datetime

from core.domain import NotFound
from core.notices import (
    DESK,
    SUPERVISORS,
    CallCustomer,
    Card,
    CustomerNotice,
    Notice,
    Reply,
    Undelivered,
)
from core.ports import Conflict, UnitOfWork

log = logging.getLogger(__name__)


async def instead(uow: UnitOfWork, notice: Notice, reason: str = "") -> Notice | None:
    """What to say, and to whom, in place of ``notice``; None when nobody needs to hear it
    (a card refresh for a group that never showed one) or nobody is left to tell."""
    if isinstance(notice, Card) and notice.shown_only:
        return None
    if isinstance(notice, Reply):
        return None  # an answer to someone who wrote and then blocked us: nobody to tell
    if isinstance(notice, CustomerNotice):
        call = await _call(uow, notice)
        if call is not None:
            return call
    origin = notice.route()
    if isinstance(notice, Undelivered) and origin == SUPERVISORS:
        return None  # the alert of last resort: only the log is left
    number = getattr(notice, "number", "")
    return Undelivered(case_id=notice.case_id, to=SUPERVISORS if origin == DESK else DESK,
                       about=notice.kind, audience_of=origin.audience,
                       address_of=origin.address, number=str(number or ""),
                       reason=reason[:200])


async def _call(uow: UnitOfWork, notice: CustomerNotice) -> CallCustomer | None:
    """The desk's call task for a customer notice; None without a number to call."""
    async with uow:
        try:
            person = await uow.people.get(notice.customer_id)
            case = (await uow.cases.get(notice.case_id, lock=False)
                    if notice.case_id is not None else None)
        except NotFound:
            return None
    phone = (case.intake.contact_phone if case else None) or person.phone
    if not phone:
        return None
    name = (case.intake.contact_name if case else None) or person.name or ""
    return CallCustomer(case_id=notice.case_id, number=notice.number, name=name, phone=phone,
                        about=notice.kind, said=dict(notice.payload))


async def redirect(uow: UnitOfWork, notice: Notice, anchor: int, now: datetime,
                   reason: str) -> Notice | None:
    """Queue what replaces ``notice`` (the outbox row ``anchor``, which keys it: asked again
    for the same row, nothing more is queued). Returns what was queued."""
    replacement = await instead(uow, notice, reason)
    if replacement is None:
        if not ((isinstance(notice, Card) and notice.shown_only) or isinstance(notice, Reply)):
            log.error("notice %s (%s) reached nobody, and nobody is left to tell", anchor,
                      notice.kind)
        return None
    try:
        async with uow:
            await uow.outbox.add([replacement], now, anchor)
            await uow.commit()
    except Conflict:
        log.info("notice %s: its replacement was queued before", anchor)
    # A call task is how a caller without a chat is served; an alert means something is amiss.
    level = logging.INFO if isinstance(replacement, CallCustomer) else logging.WARNING
    log.log(level, "notice %s (%s) reached nobody: %s for %s queued instead", anchor,
            notice.kind, replacement.kind, replacement.route().audience)
    return replacement

