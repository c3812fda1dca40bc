"""``complaint-desk``: the core commands plus ``run`` (the bot) and ``sandbox``."""

from __future__ import annotations

import os

# Pydantic reads every installed package's metadata for plugins the first time it builds
# a validator: 4 MB of a running instance's memory, for none (the desk uses no plugin).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import argparse
import asyncio
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError

from core import cli as core_cli
from core.policy import PolicyError
from core.settings import settings_error

if TYPE_CHECKING:
    from bot.runtime.settings import Settings


def event_loop_runner() -> asyncio.Runner:
    """uvloop where installed (the optional ``speedups`` extra), else asyncio's own loop.
    bench/intake_throughput.py measures both: no difference for the desk."""
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def run_settings() -> Settings:
    """The settings ``run`` works with: those of every command (environment, ``.env``),
    with BOT_TOKEN required."""
    from bot.runtime.settings import Settings

    return Settings()


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime.preflight import StartupFailure
    from bot.runtime.runner import BotProcess
    from bot.runtime.startup_heap import freeze_startup_heap
    from core.organisation import load_organisation

    try:
        settings = run_settings()
    except ValidationError as exc:
        print(f"complaint-desk run: setting {settings_error(exc)}", file=sys.stderr)
        return 2
    path = Path(args.config or settings.config_file)
    if not path.exists():
        # The usual first-run state: say which command makes the file, not "no such file".
        out = "" if path == Path(settings.config_file) else f" --out {shlex.quote(str(path))}"
        print(f"complaint-desk run: no organisation file at {path} — create one with "
              f"`complaint-desk init{out}` (or `./desk init{out}`)", file=sys.stderr)
        return 2
    try:
        organisation = load_organisation(path)
    except PolicyError as exc:
        print(f"complaint-desk run: {exc}", file=sys.stderr)
        return 2
    if args.webhook and not (settings.webhook_url and settings.webhook_secret):
        print("complaint-desk run: --webhook needs WEBHOOK_URL and WEBHOOK_SECRET",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with event_loop_runner() as runner:
        try:
            process = BotProcess(settings, organisation)
        except ArgumentError as exc:  # a DATABASE_URL SQLAlchemy cannot read at all
            print(f"complaint-desk run: setting DATABASE_URL: {exc}", file=sys.stderr)
            return 2
        process.dispatcher.startup.register(freeze_startup_heap)  # after the process's own
        try:
            if args.webhook:
                from bot.runtime.webhook import run_webhook

                runner.run(run_webhook(process))
            else:
                runner.run(process.run_polling())
        except StartupFailure as exc:
            print(f"complaint-desk run: {exc}", file=sys.stderr)
            return 2
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from sandbox.run import main as sandbox_main

    return sandbox_main(args)


def add_bot_commands(parser: argparse.ArgumentParser) -> None:
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    run = commands.add_parser("run", help="run the bot (long polling)")
    run.add_argument("--config", help="organisation file (default: $CONFIG_FILE)")
    run.add_argument("--webhook", action="store_true",
                     help="receive updates on a web server (WEBHOOK_URL) instead of polling")
    run.set_defaults(handler=cmd_run)
    sandbox = commands.add_parser("sandbox", help="a local Telegram with a demo organisation")
    sandbox.add_argument("--script", help="replay a scripted conversation and print it")
    sandbox.add_argument("--port", type=int, default=8081, help="emulator port (default 8081)")
    sandbox.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    sandbox.add_argument("--start-clock", metavar="ISO-8601",
                         help="start the sandbox clock at this moment (default: now)")
    sandbox.set_defaults(handler=cmd_sandbox)


def main(argv: Sequence[str] | None = None) -> int:
    return core_cli.main(argv, extend=add_bot_commands)


if __name__ == "__main__":
    sys.exit(main())
