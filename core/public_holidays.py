"""One country's public holidays, without loading every country's.

``holidays.country_holidays`` goes through the ``holidays.countries`` package, whose
``__init__`` imports all of its ~250 countries: 8 MB of every running instance's memory
for the one country a desk observes. Its registry names each country's module, so the
module is imported on its own, below a package entry that imports nothing. Should the
library change its layout, the ordinary call is used (and the memory spent).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types
from collections.abc import Iterable
from typing import Any

import holidays
from holidays import registry

log = logging.getLogger(__name__)
COUNTRIES = "holidays.countries"


def country_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> Any:
    try:
        kind = _country_class(country)
    except Exception as exc:  # a layout this was not written for
        log.debug("public holidays of %s through the library's own call: %s", country, exc)
        return holidays.country_holidays(country, subdiv=subdivision, years=years)
    return kind(subdiv=subdivision, years=years)


def _country_class(country: str) -> type:
    if COUNTRIES not in sys.modules:
        spec = importlib.util.find_spec(COUNTRIES)
        if spec is None or not spec.submodule_search_locations:
            raise LookupError(f"no {COUNTRIES} package")
        package = types.ModuleType(COUNTRIES)
        package.__path__ = list(spec.submodule_search_locations)
        package.__spec__ = spec
        sys.modules[COUNTRIES] = package
    for module, (name, code, *_) in registry.COUNTRIES.items():
        if code == country:
            return getattr(importlib.import_module(f"{COUNTRIES}.{module}"), name)
    raise LookupError(f"no country {country!r} in the holidays registry")
