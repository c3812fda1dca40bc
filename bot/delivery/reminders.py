"""A customer who goes quiet halfway through a complaint is reminded, once.

The reminder is a durable job armed when the intake starts. When it comes due it looks at
the conversation: finished or discarded — nothing to do; touched recently — the job
moves to the new quiet point; quiet long enough and not yet reminded — one message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from core.ports import Database, JobToSchedule
from core.services.rules import Rules

KIND = "intake_reminder"


class IntakeReminder:
    def __init__(self, db: Database, rules: Rules, delay: timedelta) -> None:
        self.db, self.rules, self.delay = db, rules, delay

    def job(self, bot_id: int, chat_id: int, user_id: int, intake_id: str,
            locale: str) -> JobToSchedule:
        """The reminder to schedule, with the conversation it belongs to (``work.schedule``)."""
        now = self.rules.now()
        return JobToSchedule(KIND, f"{KIND}:{bot_id}:{user_id}",
                             self.rules.in_customer_hours(now + self.delay),
                             {"bot_id": bot_id, "chat_id": chat_id, "user_id": user_id,
                              "intake_id": intake_id, "locale": locale}, now)

    async def run(self, payload: dict[str, Any], bot: Bot, storage: BaseStorage,
                  i18n: I18n) -> datetime | None:
        """Do the job; a datetime means "come back then" (the customer was active)."""
        key = StorageKey(bot_id=payload["bot_id"], chat_id=payload["chat_id"],
                         user_id=payload["user_id"])
        state = await storage.get_state(key)
        data = await storage.get_data(key)
        if not (state or "").startswith("IntakeForm:") or (
            data.get("intake_id") != payload["intake_id"] or data.get("reminded")
        ):
            return None
        touched = datetime.fromisoformat(data["touched_at"]) if data.get("touched_at") else None
        if touched is not None and self.rules.now() - touched < self.delay:
            return self.rules.in_customer_hours(touched + self.delay)
        with i18n.context(), i18n.use_locale(payload.get("locale") or i18n.default_locale):
            await bot.send_message(payload["chat_id"], _(
                "Your complaint is not filed yet — I still have everything you told me. Carry on "
                "whenever you are ready, or send /cancel if you no longer need it."))
        await storage.update_data(key, {"reminded": True})
        return None


def touched(now: datetime) -> dict[str, str]:
    """FSM data noting the customer's latest activity, read by the reminder."""
    return {"touched_at": now.isoformat()}
