"""Translations: Babel catalogs in ``locales/``, compiled on start so a fresh clone works.

Locale of a person: their own choice (stored), else Telegram's ``language_code``, else
the organisation's default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


def compile_catalogs(directory: Path = LOCALES_DIR) -> None:
    """Write each ``.mo`` next to its ``.po`` when missing or older."""
    for po_path in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written aside and renamed: test workers and a fleet's instances start at once,
        # and one must never read another's half-written file.
        part = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.part")
        with part.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(part, mo_path)


def make_i18n(default_locale: str) -> I18n:
    compile_catalogs()
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def locale_from_telegram(code: str | None) -> str | None:
    """Telegram's IETF ``language_code`` to one of our catalogs, if we have it."""
    if not code:
        return None
    code = code.lower().replace("_", "-")
    if code.startswith("zh"):
        traditional = any(tag in code for tag in ("hant", "-tw", "-hk", "-mo"))
        return "zh_Hant" if traditional else "zh_Hans"
    if code.startswith("en"):
        return "en"
    return None


def choose_locale(data: dict[str, Any], default: str) -> str:
    """A group's own language, else the person's choice, else Telegram's, else the default."""
    group_language = data.get("group_language")
    if group_language:
        return str(group_language)
    person = data.get("person")
    if person is not None and person.language in LANGUAGES:
        return str(person.language)
    user: User | None = data.get("event_from_user")
    return locale_from_telegram(user.language_code if user else None) or default


class PersonLocaleMiddleware(I18nMiddleware):
    """Reads the ``person`` and ``group_language`` that the actor middleware injected."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        return choose_locale(data, self.i18n.default_locale)
