"""Runs due durable jobs inside the bot process, beside polling and the outbox sender."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n

from bot.delivery import reminders
from bot.delivery.reminders import IntakeReminder
from core.organisation import Organisation
from core.ports import Database, Job, JobToSchedule
from core.reports import monthly
from core.services import deadlines, digest, major, revisits, validity
from core.services.rules import Rules

log = logging.getLogger(__name__)
SWEEP_EVERY = timedelta(minutes=1)


class JobRunner:
    def __init__(self, bot: Bot, db: Database, rules: Rules, storage: BaseStorage, i18n: I18n,
                 reminder: IntakeReminder, idle_pause: float = 5.0,
                 organisation: Organisation | None = None) -> None:
        self.bot, self.db, self.rules, self.storage, self.i18n = bot, db, rules, storage, i18n
        self.reminder = reminder
        self.organisation = organisation  # who stands on each escalation level
        self.queue = db.jobs
        self.idle_pause = idle_pause
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """The clock was moved (sandbox): sweep and run due jobs now, not after the pause."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the round in progress, then return (see OutboxSender.stop)."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Due jobs whenever there are some; the deadline sweep about once a minute."""
        last_sweep = None
        while not self._stopping:
            try:
                now = self.rules.now()
                if self._wake.is_set() or last_sweep is None or now - last_sweep >= SWEEP_EVERY:
                    self._wake.clear()
                    await deadlines.sweep(self.db, self.rules, now,
                                          organisation=self.organisation)
                    await digest.send_if_due(self.db, self.rules, now)
                    await monthly.queue_if_due(self.db, self.rules, now)
                    last_sweep = now
                done = await self.run_once()
            except Exception:  # keep the loop alive through a passing database fault
                log.exception("job round failed")
                done = 0
            if not done and not self._stopping:
                try:
                    await asyncio.wait_for(self._wake.wait(), self.idle_pause)
                except TimeoutError:
                    pass

    async def run_once(self) -> int:
        due = await self.queue.claim(self.rules.now())
        for job in due:
            await self._run(job)
        return len(due)

    async def _run(self, job: Job) -> None:
        now = self.rules.now()
        try:
            again = await self._dispatch(job)
        except Exception as exc:  # a failing job is retried later, never lost
            log.exception("job %s (%s) failed", job.id, job.kind)
            await self.queue.retry(job, now + timedelta(seconds=30 * job.attempts), str(exc))
            return
        if again is None:
            await self.queue.done(job.id, now)
        else:
            await self.queue.schedule(JobToSchedule(job.kind, job.key, again, job.payload, now))

    async def _dispatch(self, job: Job) -> datetime | None:
        """Run one job; a datetime back means "run me again then"."""
        if job.kind == reminders.KIND:
            return await self.reminder.run(job.payload, self.bot, self.storage, self.i18n)
        if job.kind == validity.KIND:
            await validity.run_evidence_overdue(self.db, self.rules, job.payload)
            return None
        if job.kind == major.KIND:
            await major.run_major_alert(self.db, self.rules, job.payload, self.organisation)
            return None
        if job.kind in revisits.JOB_KINDS:
            await revisits.run_job(self.db, self.rules, job.kind, job.payload)
            return None
        raise ValueError(f"no handler for job kind {job.kind!r}")
