"""``complaint-desk init``: write a company's first organisation file, without hand-written TOML.

On a terminal it asks for what the flags did not give; in a script (every flag given, or
stdin not a terminal) a missing value is one line on stderr and exit status 2. The file is
checked with the same loader ``run`` uses before it takes the place of anything.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from core.organisation import LANGUAGES, load_organisation
from core.organisation_template import Preset, find_preset, presets, render
from core.policy import PolicyError

PROG = "complaint-desk init"
T = TypeVar("T")


class Refused(Exception):
    """One line for the person: what is missing or wrong."""


def _name(text: str) -> str:
    name = text.strip()
    if not name:
        raise Refused("the company's name is empty")
    if len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise Refused("the company's name must be one line of at most 100 characters")
    return name


def _admin(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise Refused(f"{text.strip()!r} is not a Telegram user id (a whole number, e.g. "
                      "123456789; @userinfobot tells you yours)") from None
    if value <= 0:
        raise Refused(f"{value} is not a Telegram user id: user ids are positive")
    return value


def _language(text: str) -> str:
    answer = text.strip()
    match = next((code for code in LANGUAGES if code.lower() == answer.lower()), None)
    if match is None:
        raise Refused(f"{answer!r} is not a language here; choose {', '.join(LANGUAGES)}")
    return match


def _preset_of(choices: list[Preset]) -> Callable[[str], Preset]:
    def parse(text: str) -> Preset:
        preset = find_preset(text, choices)
        if preset is None:
            raise Refused(f"no preset {text.strip()!r}; choose one of "
                          f"{', '.join(p.stem for p in choices)}")
        return preset
    return parse


class Questions:
    """Asks on the terminal until an answer is usable; Ctrl+D stops the command."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout

    def ask(self, prompt: str, parse: Callable[[str], T], default: str | None = None) -> T:
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        while True:
            self.stdout.write(shown)
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                raise Refused("stopped before every question was answered; nothing written")
            answer = line.strip() or (default or "")
            try:
                return parse(answer)
            except Refused as exc:
                self.stdout.write(f"  {exc}\n")


def _answers(args: argparse.Namespace, choices: list[Preset], interactive: bool,
             stdin: TextIO, stdout: TextIO) -> tuple[str, Preset, int, str]:
    parse_preset = _preset_of(choices)
    if not interactive:
        missing = [flag for flag, value in (("--name", args.name), ("--preset", args.preset),
                                            ("--admin", args.admin),
                                            ("--language", args.language)) if value is None]
        if missing:
            raise Refused(f"not on a terminal, so nothing can be asked: give "
                          f"{', '.join(missing)} (or run it in a terminal to be asked)")
        return (_name(args.name), parse_preset(args.preset), _admin(args.admin),
                _language(args.language))
    questions = Questions(stdin, stdout)
    name = (_name(args.name) if args.name is not None
            else questions.ask("The company's name (customers read it)", _name))
    if args.preset is not None:
        preset = parse_preset(args.preset)
    else:
        stdout.write("Presets — the complaint procedure to start from (change what differs "
                     "later):\n")
        for choice in choices:
            stdout.write(f"  {choice.stem:<18} {choice.description}\n")
        preset = questions.ask("The closest preset", parse_preset, choices[0].stem)
    admin = (_admin(args.admin) if args.admin is not None else questions.ask(
        "The first administrator's Telegram user id (@userinfobot tells you yours)", _admin))
    language = (_language(args.language) if args.language is not None else questions.ask(
        f"The default language ({', '.join(LANGUAGES)})", _language, LANGUAGES[0]))
    return name, preset, admin, language


def _write(out: Path, text: str, force: bool) -> None:
    """Write beside the target, load it as ``run`` would, and only then put it in place."""
    if out.exists() and not force:
        raise Refused(f"{out} already exists; --force replaces it (or --out another path)")
    if not out.parent.is_dir():
        raise Refused(f"{out.parent} is not a folder")
    draft = out.with_name(f".{out.name}.init-draft")
    try:
        draft.write_text(text, encoding="utf-8")
        load_organisation(draft)
        os.replace(draft, out)
    except OSError as exc:
        raise Refused(f"cannot write {out}: {exc.strerror or exc}") from None
    except PolicyError as exc:  # a bug in the template, not the person's doing
        raise Refused(f"the file written is not valid, so it was not kept: {exc}") from None
    finally:
        draft.unlink(missing_ok=True)


def _default_out() -> Path:
    """CONFIG_FILE, where ``run`` looks for the file (environment, then ``.env``)."""
    from pydantic import ValidationError

    from core.settings import Settings, settings_error

    try:
        return Settings().config_file
    except ValidationError as exc:
        raise Refused(f"setting {settings_error(exc)}") from None


def cmd_init(args: argparse.Namespace, stdin: TextIO | None = None,
             stdout: TextIO | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    given = all(v is not None for v in (args.name, args.preset, args.admin, args.language))
    interactive = not given and stdin.isatty()
    try:
        out = Path(args.out) if args.out else _default_out()
        choices = presets()
        if not choices:
            raise Refused("no presets found (the presets/ folder is missing)")
        if out.exists() and not args.force:  # say so before asking anything
            raise Refused(f"{out} already exists; --force replaces it (or --out another path)")
        name, preset, admin, language = _answers(args, choices, interactive, stdin, stdout)
        _write(out, render(name, preset, admin, language), args.force)
    except Refused as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    stdout.write(f"wrote {out}: {name}, preset {preset.stem}, administrator {admin}, "
                 f"default language {language}\n"
                 f"next: add your staff (its comments show how), set BOT_TOKEN, then "
                 f"`complaint-desk run`\n")
    return 0


def add_init_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init", help="write a first organisation file (asks on a terminal, or use the flags)")
    init.add_argument("--name", help="the company's name, as customers read it")
    init.add_argument("--preset", help="the closest preset in presets/, e.g. 000_generic")
    init.add_argument("--admin", help="the first administrator's Telegram user id")
    init.add_argument("--language", help=f"default language: {', '.join(LANGUAGES)}")
    init.add_argument("--out", help="where to write it (default: $CONFIG_FILE, "
                                    "organisation.toml)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    init.set_defaults(handler=cmd_init)
