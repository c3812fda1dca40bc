"""Domain errors carry a stable code; the bot turns the code into translated words."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused command. ``code`` is stable API: the catalogs and tests key on it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"{self.code}({details})" if details else self.code


class NotFound(DomainError):
    """The case (or person) the command names does not exist."""
