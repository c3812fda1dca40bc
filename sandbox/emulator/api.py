"""Plumbing shared by all method handlers: the error type, the handler registry, the call context.

Handlers raise ApiError with Telegram's exact code and description; the pipeline turns it
into the envelope Telegram sends, so aiogram raises its real exception classes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import BotRuntime, Upload
    from .state import EmulatorState


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str, **parameters: Any) -> ApiError:
    return ApiError(400, f"Bad Request: {message}", parameters or None)


def forbidden(message: str) -> ApiError:
    return ApiError(403, f"Forbidden: {message}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@dataclass
class Described:
    """A result that also carries Telegram's top-level "description" (setWebhook does this)."""

    result: Any
    description: str


Handler = Callable[["Call"], Awaitable[Any]]


@dataclass
class MethodSpec:
    name: str
    handler: Handler
    flood: bool  # counts towards the per-chat / per-group / global send limits


METHODS: dict[str, MethodSpec] = {}


def method(*names: str, flood: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler; Telegram treats method names case-insensitively."""

    def register(handler: Handler) -> Handler:
        for name in names:
            METHODS[name.lower()] = MethodSpec(name, handler, flood)
        return handler

    return register


@dataclass
class Call:
    state: EmulatorState
    bot: BotRuntime
    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.params.get(name)
        return default if value is None else value
