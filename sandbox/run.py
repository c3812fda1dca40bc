"""``complaint-desk sandbox``: the emulator, the bot and a demo organisation, one command.

Everything runs in this process on 127.0.0.1: no token, no Telegram account, a fresh
SQLite database in a temporary folder (unless --database-url is given).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shlex
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr

from bot.runtime.preflight import StartupFailure
from bot.runtime.runner import BotProcess
from bot.runtime.settings import Settings
from core.calendar import BusinessCalendar
from core.clock import OffsetClock
from core.organisation import load_organisation
from core.policy import PolicyError
from sandbox.emulator.server import start_emulator
from sandbox.script import ScriptError, load_script, play, started, transcript
from sandbox.web import setup as setup_web
from sandbox.web.clock import ClockControl
from sandbox.world import GROUPS, TOKEN, USERS, populate

ORGANISATION = Path(__file__).resolve().parent / "demo_organisation.toml"
SCRIPT = Path(__file__).resolve().parent / "scripts" / "intake_zh.toml"
STOPPED = "sandbox stopped"
LAUNCHER = "COMPLAINT_DESK_LAUNCHER"  # set by ./desk to the path it was started as


def command_hint(*args: str | Path, cwd: Path | None = None) -> str:
    """A command the person can type where they are: ``./desk sandbox …`` when they started
    through ./desk (which is how they have the project), else ``complaint-desk sandbox …``.
    Paths are made relative to the current folder when they are inside it."""
    here = cwd or Path.cwd()
    launcher = os.environ.get(LAUNCHER)
    words = [launcher if launcher else "complaint-desk"]
    for arg in args:
        if isinstance(arg, Path):
            try:
                arg = str(arg.relative_to(here))
            except ValueError:
                arg = str(arg)
        words.append(arg)
    return shlex.join(words)


def _welcome(base_url: str, database_url: str) -> str:
    people = "\n".join(f"  {u.id:>5}  {u.key:<10} {u.name:<10} {u.role}" for u in USERS)
    groups = "\n".join(f"  {chat_id}  {title}" for chat_id, title, _members in GROUPS)
    return f"""
Complaint Desk sandbox is running.
  Open in a browser (web chat):      {base_url}/chat/
  Local Telegram (Bot API emulator): {base_url}
  Control API (play any person):     {base_url}/_emulator/
  Database:                          {database_url}

Demo people (id, key, name, role):
{people}
Demo groups:
{groups}

Try it: make Li Lei write to the bot, then read what the bot answered:
  curl -s {base_url}/_emulator/send_text -d '{{"user_id": 1001, "text": "/start"}}'
  curl -s '{base_url}/_emulator/transcript?chat_id=1001&format=text'
  (without format=text: the same as JSON, every field of every message)
Replay a whole conversation instead: {command_hint("sandbox", "--script", SCRIPT)}
Press Ctrl+C to stop.
"""


async def _run(args: argparse.Namespace) -> int:
    try:
        organisation = load_organisation(ORGANISATION)
        steps = load_script(args.script) if args.script else None
    except (PolicyError, ScriptError) as exc:
        print(f"complaint-desk sandbox: {exc}", file=sys.stderr)
        return 2
    calendar = BusinessCalendar.from_spec(organisation.policy.calendar)
    try:
        start = getattr(args, "start_clock", None)
        start = datetime.fromisoformat(start) if start else None
    except ValueError as exc:
        print(f"complaint-desk sandbox: --start-clock: {exc}", file=sys.stderr)
        return 2
    # A naive start is wall time in the organisation's zone, as people read the clock.
    clock = OffsetClock(start.replace(tzinfo=calendar.tz) if start and not start.tzinfo else start)
    control = ClockControl(clock, calendar)
    folder = tempfile.mkdtemp(prefix="complaint-desk-sandbox-")
    database_url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'sandbox.db'}"
    try:
        emulator = await start_emulator(port=0 if steps else args.port, token=TOKEN,
                                        flood_limits=False, wallclock=lambda: clock.now().timestamp(),
                                        extend=lambda app: setup_web(app, control))
    except OSError as exc:
        print(f"complaint-desk sandbox: cannot listen on port {args.port}: {exc}",
              file=sys.stderr)
        return 2
    populate(emulator.state)
    settings = Settings(bot_token=SecretStr(TOKEN), telegram_api_url=emulator.base_url,
                        database_url=database_url, polling_timeout=1 if steps else 30)
    process = BotProcess(settings, organisation, clock=clock)

    def moved() -> None:  # run what became due at once
        process.jobs.wake()
        process.sender.wake()

    control.on_moved = moved
    polling = asyncio.create_task(process.run_polling())
    try:
        if steps is None:
            # Welcome only once the bot listens: a Ctrl+C before then would land in the
            # middle of migrations, outside the bot's own orderly shutdown.
            try:
                await started(emulator.state, polling)
            except ScriptError as exc:
                print(f"complaint-desk sandbox: {exc}", file=sys.stderr)
                return 2
            print(_welcome(emulator.base_url, database_url), flush=True)
            await polling  # until Ctrl+C (aiogram stops polling on SIGINT and SIGTERM)
            print(STOPPED, file=sys.stderr)
            return 0
        await started(emulator.state, polling)
        try:
            await play(emulator.state, steps)
        except ScriptError as exc:
            print(f"complaint-desk sandbox: {exc}", file=sys.stderr)
            return 2
        print(transcript(emulator.state))
        return 0
    finally:
        if not polling.done():
            try:
                await process.dispatcher.stop_polling()
            except RuntimeError:  # still starting up: nothing to stop gracefully
                polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await emulator.close()


def _not_a_signal(record: logging.LogRecord) -> bool:
    # aiogram warns "Received SIGINT signal" when polling stops: here that is how one quits.
    return not record.getMessage().startswith("Received SIG")


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiogram.dispatcher").addFilter(_not_a_signal)
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:  # Ctrl+C before polling started
        print(STOPPED, file=sys.stderr)
        return 0
    except StartupFailure as exc:  # e.g. a --database-url that does not answer
        print(f"complaint-desk sandbox: {exc}", file=sys.stderr)
        return 2
