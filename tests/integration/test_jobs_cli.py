"""``complaint-desk jobs``: run-due sweeps and runs jobs once; list shows what is coming."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.cli import main
from core.clock import ManualClock
from core.db.models import CaseEventRow, CaseRow, JobRow, NotificationRow
from core.db.uow import Database
from core.domain import Remedy, RemedyKind
from core.organisation import load_organisation
from core.policy import Deadline
from core.services import filing, handling, queries
from core.services.rules import Rules
from tests.factories import CUSTOMER, QUALITY_MEMBER, SPECIALIST, make_intake


@pytest.fixture
def organisation_file(tmp_path: Path) -> Path:
    path = tmp_path / "organisation.toml"
    path.write_text('name = "Test desk"\npreset = "000_generic"\n', encoding="utf-8")
    return path


async def assigned_case(database: Database, organisation_file: Path, clock: ManualClock
                        ) -> tuple[int, str, datetime]:
    rules = Rules.build(load_organisation(organisation_file).policy, clock)
    filed = await filing.file_case(database.uow(), rules, make_intake(), CUSTOMER.person_id,
                                   CUSTOMER)
    changed = await handling.assign(database.uow(), rules, filed.case_id, SPECIALIST)
    return filed.case_id, str(filed.number), changed.case.deadlines[Deadline.DEPARTMENT_SOLUTION]


async def test_run_due_with_a_future_now_sweeps_escalates_and_is_idempotent(
    database: Database, organisation_file: Path, clock: ManualClock,
    capsys: pytest.CaptureFixture[str]
) -> None:
    case_id, number, due = await assigned_case(database, organisation_file, clock)
    args = ["jobs", "run-due", "--now", (due + timedelta(hours=1)).isoformat(),
            "--database-url", database.url, "--config", str(organisation_file)]

    # main() runs its own event loop, so run it outside the test's loop.
    assert await asyncio.to_thread(main, args) == 0
    out = capsys.readouterr().out
    assert f"breach {number} department_solution" in out
    assert f"escalated {number} to department_manager" in out
    assert "1 breach(es), 1 escalation(s), 0 failed" in out

    case, _ = await queries.case_with_history(database.uow(), case_id, SPECIALIST)
    assert case.escalation_level == 1
    async with database.sessions() as session:
        kinds = (await session.execute(select(NotificationRow.kind).where(
            NotificationRow.kind.like("deadline_%")))).scalars().all()
    assert kinds == ["deadline_breach"]

    assert await asyncio.to_thread(main, args) == 0
    assert "0 warning(s), 0 breach(es), 0 escalation(s)" in capsys.readouterr().out


async def test_run_due_runs_a_revisit_job_that_fell_due_while_nothing_ran(
    database: Database, organisation_file: Path, clock: ManualClock,
    capsys: pytest.CaptureFixture[str]
) -> None:
    from core.db import jobs

    case_id, number, _ = await assigned_case(database, organisation_file, clock)
    async with database.sessions() as session, session.begin():
        await jobs.schedule(session, "revisit_survey", f"revisit:{case_id}:1", clock.now(),
                            {"case_id": case_id, "round": 1}, clock.now())
        await jobs.schedule(session, "intake_reminder", "intake_reminder:1:2", clock.now(),
                            {}, clock.now())
    later = (clock.now() + timedelta(days=1)).isoformat()
    assert await asyncio.to_thread(main, ["jobs", "run-due", "--now", later, "--database-url",
                                          database.url, "--config",
                                          str(organisation_file)]) == 0
    out = capsys.readouterr().out
    # The case is not implemented, so the job finds nothing to do; the bot's own job
    # (an intake reminder needs Telegram) is left for the bot.
    assert f"job revisit_survey revisit:{case_id}:1: {number}: revisit round 1 not due" in out
    assert "intake_reminder" not in out

    assert await asyncio.to_thread(main, ["jobs", "list", "--database-url", database.url,
                                          "--config", str(organisation_file)]) == 0
    listed = capsys.readouterr().out
    assert "pending jobs: 1" in listed and "intake_reminder:1:2" in listed
    assert f"{number}  department_solution  assigned  quality  level 0" in listed


async def implemented_case(database: Database, organisation_file: Path, clock: ManualClock
                          ) -> int:
    """A case whose round-1 survey job is due: run-due starts the survey."""
    rules = Rules.build(load_organisation(organisation_file).policy, clock)
    case_id, _, _ = await assigned_case(database, organisation_file, clock)
    await handling.accept(database.uow(), rules, case_id, QUALITY_MEMBER)
    await handling.propose_solution(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    Remedy(RemedyKind.EXCHANGE, "A fresh bottle tomorrow."))
    await handling.customer_accepts(database.uow(), rules, case_id, CUSTOMER)
    await handling.mark_implemented(database.uow(), rules, case_id, QUALITY_MEMBER,
                                    "Delivered.")
    return case_id


async def snapshot(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row a run-due could write, as plain tuples to compare."""
    async with database.sessions() as session:
        return {
            "jobs": [(r.key, r.status, r.attempts, r.due_at, r.finished_at) for r in (
                await session.execute(select(JobRow).order_by(JobRow.id))).scalars()],
            "notices": [(r.kind, r.status, r.due_at) for r in (await session.execute(
                select(NotificationRow).order_by(NotificationRow.id))).scalars()],
            "events": [(r.action, r.at) for r in (await session.execute(
                select(CaseEventRow).order_by(CaseEventRow.id))).scalars()],
            "cases": [(r.state, r.escalation_level, r.next_due, r.version) for r in (
                await session.execute(select(CaseRow).order_by(CaseRow.id))).scalars()],
        }


async def test_run_due_with_now_stamps_every_row_it_writes_at_that_moment(
    database: Database, organisation_file: Path, clock: ManualClock,
    capsys: pytest.CaptureFixture[str]
) -> None:
    await implemented_case(database, organisation_file, clock)
    before = await snapshot(database)
    moment = clock.now() + timedelta(days=1)  # Tuesday 10:00, a working moment
    assert await asyncio.to_thread(main, [
        "jobs", "run-due", "--now", moment.isoformat(), "--database-url", database.url,
        "--config", str(organisation_file)]) == 0
    assert "revisit round 1 started" in capsys.readouterr().out

    async with database.sessions() as session:
        jobs = [r for r in (await session.execute(select(JobRow))).scalars()
                if r.created_at > clock.now() or r.finished_at is not None]
        notices = [r for r in (await session.execute(select(NotificationRow))).scalars()
                   if r.created_at > clock.now()]
        events = [r for r in (await session.execute(select(CaseEventRow))).scalars()
                  if r.at > clock.now()]
    assert len(events) == 1 and len(notices) >= 1 and len(jobs) >= 3
    assert {e.at for e in events} == {moment}
    assert {n.created_at for n in notices} == {moment}
    assert {j.created_at for j in jobs if j.finished_at is None} == {moment}
    assert {j.finished_at for j in jobs if j.finished_at is not None} == {moment}
    # The survey's reminders wait from T, not from the real time.
    assert all(moment <= j.due_at <= moment + timedelta(days=5) for j in jobs
               if j.status == "pending")
    assert (await snapshot(database))["events"][:-1] == before["events"]


async def test_run_due_dry_run_prints_what_would_happen_and_writes_nothing(
    database: Database, organisation_file: Path, clock: ManualClock,
    capsys: pytest.CaptureFixture[str]
) -> None:
    await implemented_case(database, organisation_file, clock)
    _, number, due = await assigned_case(database, organisation_file, clock)
    before = await snapshot(database)
    args = ["jobs", "run-due", "--now", (due + timedelta(hours=1)).isoformat(), "--dry-run",
            "--database-url", database.url, "--config", str(organisation_file)]

    assert await asyncio.to_thread(main, args) == 0
    out = capsys.readouterr().out
    assert "revisit round 1 started" in out
    assert f"escalated {number} to department_manager" in out
    assert "dry run" in out and "the database is unchanged" in out
    assert await snapshot(database) == before

    # Twice is the same preview: nothing of the first was kept.
    assert await asyncio.to_thread(main, args) == 0
    assert f"escalated {number} to department_manager" in capsys.readouterr().out
    assert await snapshot(database) == before


@pytest.mark.parametrize("argv, message", [
    (["--now", "next tuesday"], "--now: 'next tuesday' is not an ISO 8601"),
    (["--config", "/nowhere/organisation.toml"], "no such file"),
    (["--database-url", "postgresql://nobody@127.0.0.1:1/none"], "cannot use the database"),
])
def test_run_due_refuses_in_one_line(argv: list[str], message: str, organisation_file: Path,
                                     sqlite_database_url: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    args = ["jobs", "run-due", "--database-url", sqlite_database_url,
            "--config", str(organisation_file), *argv]
    assert main(args) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("complaint-desk jobs run-due: ") and message in err
    assert err.count("\n") == 0 and "Traceback" not in err


def test_a_database_never_migrated_is_one_line_too(organisation_file: Path,
                                                   sqlite_database_url: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "list", "--database-url", sqlite_database_url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("complaint-desk jobs list: cannot use the database")
    assert err.count("\n") == 0
