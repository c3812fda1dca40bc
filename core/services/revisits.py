"""Step 6: the revisit surveys go out on time even if no process was running when they fell due.

Every step is a durable job (``ports.Jobs``) scheduled in the transaction of the change
that calls for it (``follow_up_jobs``), so a crash or a bot that was down loses nothing:
whoever runs due jobs next (the bot's job runner, or ``complaint-desk jobs run-due``)
does the work late rather than never.

- ``MARK_IMPLEMENTED`` schedules round 1's survey for the next working moment;
- ``START_REVISIT`` (the survey went out) schedules one reminder and, later, the
  "no answer" outcome for that round;
- ``RECORD_REVISIT`` cancels the round's reminder jobs; a satisfied answer that is not the
  last round (the case stays ``REVISITING``) schedules the next round after a gap.

Each job checks the case when it runs and does nothing unless its round is still the
one the case is at, so running a job twice, or late after the case moved on, is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.domain import Action, Actor, Case, CaseEvent, CaseState, DomainError, Rating
from core.notices import SurveyReminder
from core.ports import Conflict, Database, EventMark, Job, Jobs, UnitOfWork
from core.services.rules import Rules

log = logging.getLogger(__name__)

REVISIT_SURVEY = "revisit_survey"  # start round N's survey
SURVEY_REMINDER = "survey_reminder"  # remind the customer once (also the notice's kind)
SURVEY_NO_ANSWER = "survey_no_answer"  # record round N as unanswered


@dataclass(frozen=True)
class RevisitTiming:
    """How long the customer gets. Wall-clock delays; each job then waits for working hours."""

    reminder_after: timedelta = timedelta(hours=24)  # survey sent -> one reminder
    no_answer_after: timedelta = timedelta(hours=24)  # reminder -> recorded as no answer
    round_gap: timedelta = timedelta(days=1)  # a satisfied round -> the next round's survey


TIMING = RevisitTiming()


def revisit_key(case_id: int, round_: int) -> str:
    return f"revisit:{case_id}:{round_}"


def reminder_key(case_id: int, round_: int) -> str:
    return f"{SURVEY_REMINDER}:{case_id}:{round_}"


def no_answer_key(case_id: int, round_: int) -> str:
    return f"{SURVEY_NO_ANSWER}:{case_id}:{round_}"


# -- scheduling: inside the caller's transaction ----------------------------------------

async def schedule_revisit(jobs: Jobs, case: Case, rules: Rules, now: datetime, *,
                           round_: int | None = None, timing: RevisitTiming = TIMING
                           ) -> datetime:
    """Schedule the survey of ``round_`` (default: the case's next round); returns when.

    Round 1 goes out at the next working moment; later rounds ``timing.round_gap`` after.
    """
    assert case.id is not None
    round_ = round_ or case.revisits_done + 1
    at = now if round_ == 1 else now + timing.round_gap
    due = rules.in_customer_hours(rules.calendar.next_open(at))
    await jobs.schedule(REVISIT_SURVEY, revisit_key(case.id, round_), due,
                        {"case_id": case.id, "round": round_}, now)
    return due


async def follow_up_jobs(jobs: Jobs, case: Case, events: Iterable[CaseEvent],
                         rules: Rules, now: datetime, *, timing: RevisitTiming = TIMING
                         ) -> None:
    """The durable jobs a batch of events calls for; call it in the change's transaction."""
    if case.id is None:
        return
    for event in events:
        round_ = int(event.data.get("round") or 1)
        if event.action is Action.MARK_IMPLEMENTED:
            await schedule_revisit(jobs, case, rules, now, round_=1, timing=timing)
        elif event.action is Action.START_REVISIT:
            payload = {"case_id": case.id, "round": round_}
            remind = rules.in_customer_hours(rules.calendar.next_open(now + timing.reminder_after))
            give_up = rules.in_customer_hours(
                rules.calendar.next_open(remind + timing.no_answer_after))
            await jobs.schedule(SURVEY_REMINDER, reminder_key(case.id, round_), remind,
                                payload, now)
            await jobs.schedule(SURVEY_NO_ANSWER, no_answer_key(case.id, round_),
                                give_up, payload, now)
        elif event.action is Action.RECORD_REVISIT:
            await jobs.cancel(reminder_key(case.id, round_), now)
            await jobs.cancel(no_answer_key(case.id, round_), now)
            if event.to_state is CaseState.REVISITING:
                await schedule_revisit(jobs, case, rules, now, round_=round_ + 1,
                                       timing=timing)


# -- running the jobs -------------------------------------------------------------------

_REVISIT_STEPS = (Action.MARK_IMPLEMENTED.value, Action.START_REVISIT.value,
                  Action.RECORD_REVISIT.value, Action.REOPEN.value)


@dataclass(frozen=True)
class _Step:
    action: str
    round: int
    at: datetime


async def _last_revisit_step(uow: UnitOfWork, case_id: int) -> _Step | None:
    """The case's latest implement / survey / answer / reopen event, with its round."""
    mark: EventMark | None = await uow.cases.last_event(case_id, _REVISIT_STEPS)
    if mark is None:
        return None
    return _Step(mark.action, int(mark.data.get("round") or 0), mark.at)


def _may_start(case: Case, last: _Step | None, round_: int) -> bool:
    """Round ``round_`` is the next one and has not gone out yet."""
    if case.state not in (CaseState.IMPLEMENTED, CaseState.REVISITING):
        return False
    if case.revisits_done != round_ - 1 or last is None:
        return False
    if last.action == Action.MARK_IMPLEMENTED.value:
        return round_ == 1
    return last.action == Action.RECORD_REVISIT.value and last.round == round_ - 1


def _awaiting_answer(case: Case, last: _Step | None, round_: int) -> bool:
    """Round ``round_``'s survey went out and the customer has not answered it."""
    return (case.state is CaseState.REVISITING and case.revisits_done == round_ - 1
            and last is not None and last.action == Action.START_REVISIT.value
            and last.round == round_)


async def awaiting_survey_answer(uow: UnitOfWork, case: Case) -> bool:
    """The survey of the case's current round went out and only the customer can act."""
    assert case.id is not None
    last = await _last_revisit_step(uow, case.id)
    return _awaiting_answer(case, last, case.revisits_done + 1)


async def _look(db: Database, case_id: int) -> tuple[Case, _Step | None]:
    async with db.uow(read_only=True) as uow:
        case = await uow.cases.get(case_id, lock=False)
        return case, await _last_revisit_step(uow, case_id)


async def run_revisit_job(db: Database, rules: Rules, payload: dict[str, Any]) -> str:
    """Send round N's survey (``handling.start_revisit``) unless it went out or is moot.

    Runs once per round: the job's key is unique per round, a claimed job is leased to one
    worker, and a late or repeated run finds the round already started and does nothing.
    """
    case_id, round_ = int(payload["case_id"]), int(payload["round"])
    case, last = await _look(db, case_id)
    if not _may_start(case, last, round_):
        return f"{case.number}: revisit round {round_} not due (state {case.state.value})"
    from core.services import handling  # here: handling calls follow_up_jobs (above)

    try:
        await handling.start_revisit(db.uow(), rules, case_id, Actor.system())
    except DomainError as exc:  # the case moved on in the meantime
        return f"{case.number}: revisit round {round_} not started ({exc.code})"
    return f"{case.number}: revisit round {round_} started"


async def run_survey_reminder(db: Database, rules: Rules, payload: dict[str, Any]) -> str:
    """Remind the customer once of an unanswered survey (a ``survey_reminder`` notice)."""
    case_id, round_ = int(payload["case_id"]), int(payload["round"])
    now = rules.now()
    async with db.uow() as uow:
        case = await uow.cases.get(case_id)
        last = await _last_revisit_step(uow, case_id)
        if not _awaiting_answer(case, last, round_):
            return f"{case.number}: survey round {round_} needs no reminder"
        assert last is not None
        if await uow.outbox.said_since(case_id, SURVEY_REMINDER, last.at):
            return f"{case.number}: survey round {round_} already reminded"
        notice = SurveyReminder(case_id=case_id, customer_id=case.customer_id,
                                number=str(case.number), round=round_)
        # No audit row to anchor on: the case's version is the anchor (every round's
        # START_REVISIT bumps it), so a racing second run makes the same outbox key and is
        # refused; the customer hears it once.
        await uow.outbox.add([notice], now, case.version)
        try:
            await uow.commit()
        except Conflict:
            return f"{case.number}: survey round {round_} already reminded"
    return f"{case.number}: survey round {round_} reminded"


async def run_survey_no_answer(db: Database, rules: Rules, payload: dict[str, Any]) -> str:
    """Still unanswered after the reminder: record ``Rating.NO_ANSWER`` for the round."""
    case_id, round_ = int(payload["case_id"]), int(payload["round"])
    case, last = await _look(db, case_id)
    if not _awaiting_answer(case, last, round_):
        return f"{case.number}: survey round {round_} was answered"
    from core.services import handling

    try:
        changed = await handling.record_revisit(db.uow(), rules, case_id, Actor.system(),
                                                Rating.NO_ANSWER)
    except DomainError as exc:
        return f"{case.number}: survey round {round_} not recorded ({exc.code})"
    return (f"{case.number}: survey round {round_} recorded as no answer "
            f"(now {changed.case.state.value})")


Handler = Callable[[Database, Rules, dict[str, Any]], Awaitable[str]]
HANDLERS: dict[str, Handler] = {
    REVISIT_SURVEY: run_revisit_job,
    SURVEY_REMINDER: run_survey_reminder,
    SURVEY_NO_ANSWER: run_survey_no_answer,
}
JOB_KINDS = frozenset(HANDLERS)  # the job kinds the core runs (others belong to the bot)


async def run_job(db: Database, rules: Rules, kind: str, payload: dict[str, Any]) -> str:
    """Run one core job; what it did, as a line for a log or the command line."""
    handler = HANDLERS.get(kind)
    if handler is None:
        raise ValueError(f"no core handler for job kind {kind!r}")
    return await handler(db, rules, payload)


async def claim(db: Database, now: datetime, kinds: Iterable[str] = JOB_KINDS,
                limit: int = 50) -> list[Job]:
    """Claim due jobs of ``kinds`` only, as ``JobQueue.claim`` does for every kind.

    Lets a process without the bot (the command line) run the core's jobs and leave the
    bot's own (e.g. intake reminders, which need Telegram) alone.
    """
    return await db.jobs.claim(now, limit, kinds=kinds)


@dataclass(frozen=True)
class JobOutcome:
    kind: str
    key: str
    ok: bool
    text: str


async def run_due_jobs(db: Database, rules: Rules, now: datetime, *, rounds: int = 20
                       ) -> list[JobOutcome]:
    """Every core job due at ``now``, each once; a failing job is retried later, not lost."""
    queue = db.jobs
    outcomes: list[JobOutcome] = []
    for _ in range(rounds):  # claimed jobs are leased past ``now``: no job runs twice here
        due = await claim(db, now)
        if not due:
            break
        for job in due:
            try:
                text = await run_job(db, rules, job.kind, job.payload)
            except Exception as exc:  # one bad job must not stop the rest
                log.exception("job %s (%s) failed", job.key, job.kind)
                await queue.retry(job, now + timedelta(seconds=30 * job.attempts), str(exc))
                outcomes.append(JobOutcome(job.kind, job.key, False, f"failed: {exc}"))
                continue
            await queue.done(job.id, now)
            outcomes.append(JobOutcome(job.kind, job.key, True, text))
    return outcomes
