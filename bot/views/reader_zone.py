"""Whose clock a customer reads our times on (issue 16.9): a customer whose phone number is
from a country on another UTC offset than the organisation (a London number at a Shanghai
desk) sees each time with our zone named — "Thu, Nov 12, 2026 22:00 (China Time)" — so
"22:00" is not read as their own evening; someone on our offset sees it as before.

Telegram does not tell a bot where a person is; the phone's country is the best sign we
have (``phonenumbers``, Google's library, for the number's zones; the country's zones from
tzdata's ``zone.tab`` where the number is not a real one). No number: nothing is named.
The reader is set for what one update or one notice says (a context variable), by the
middleware for a customer's own chat and by the outbox for a notice to a customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

import phonenumbers
from aiogram.utils.i18n import gettext as _
from babel.dates import get_timezone_name
from phonenumbers import timezone as phone_zones

_READER: ContextVar[tuple[str, ...]] = ContextVar("reader_zones", default=())
UNKNOWN = "Etc/Unknown"


@lru_cache(maxsize=256)
def zones_of(phone: str | None) -> tuple[str, ...]:
    """The time zones of the phone number's country (empty: none known)."""
    if not phone:
        return ()
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = tuple(z for z in phone_zones.time_zones_for_number(number) if z != UNKNOWN)
    if zones:
        return zones
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    return _country_zones().get(region, ())


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, tuple[str, ...]]:
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_comment = line.split("\t")
            found.setdefault(country, []).append(zone)
    return {country: tuple(zones) for country, zones in found.items()}


@contextmanager
def reading(phone: str | None) -> Iterator[None]:
    """What is said inside is read by the owner of ``phone``."""
    token = _READER.set(zones_of(phone))
    try:
        yield
    finally:
        _READER.reset(token)


def with_zone(said: str, moment: datetime, tz: ZoneInfo, locale: str) -> str:
    """``said`` (a time), with our zone named — "22:00 (China Time)" — when the reader's
    clock is on another offset at ``moment``; as it is otherwise."""
    zones = _READER.get()
    if not zones:
        return said
    ours = moment.astimezone(tz).utcoffset()
    if any(moment.astimezone(ZoneInfo(zone)).utcoffset() == ours for zone in zones):
        return said
    return _("{time} ({zone})").format(time=said,
                                       zone=get_timezone_name(tz, "long", locale=locale))
