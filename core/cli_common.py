"""What the core's commands share: their settings, the database they use, the organisation
file, and the one-line refusal (exit status 2) for a problem the person can fix."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.organisation import Organisation, load_organisation
from core.policy import PolicyError

if TYPE_CHECKING:
    from core.settings import Settings


class Refused(Exception):
    """A problem with the command's input: one line for the person who typed it."""


def settings() -> Settings:
    """The same settings ``run`` reads (environment, then ``.env``), so every command
    agrees on the database and the organisation file."""
    from pydantic import ValidationError

    from core.settings import Settings, settings_error

    try:
        return Settings()
    except ValidationError as exc:
        raise Refused(f"setting {settings_error(exc)}") from None


def database_url(args: argparse.Namespace, settings: Settings) -> str:
    return str(args.database_url or settings.database_url)


def organisation(args: argparse.Namespace, settings: Settings) -> Organisation:
    path = args.config or settings.config_file
    try:
        return load_organisation(path)
    except PolicyError as exc:
        raise Refused(str(exc)) from None
