"""One Bot API call from raw params to Telegram's envelope: outage, auth, method lookup, latency,
injected faults, schema validation, flood limits, the handler, and the request log.

Kept apart from the HTTP layer so webhook replies (a method in the webhook response body)
run through exactly the same path as HTTP requests.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING, Any

from . import methods_bot, methods_chats, methods_media, methods_messages, polling, webhook  # noqa: F401
from .api import METHODS, ApiError, Call, Described
from .checks import MODELS, validate_params
from .limits import DropConnection

if TYPE_CHECKING:
    from .model import Upload
    from .state import EmulatorState

log = logging.getLogger("sandbox.emulator")


def _describe_files(files: dict[str, Upload]) -> dict[str, Any]:
    return {name: {"filename": f.filename, "size": len(f.data), "content_type": f.content_type}
            for name, f in files.items()}


def _flood_target(state: EmulatorState, values: dict[str, Any]) -> tuple[int, bool] | None:
    chat = state.find_chat(values.get("chat_id")) if values.get("chat_id") is not None else None
    return (chat.id, chat.is_group) if chat else None


async def execute(state: EmulatorState, token: str, method_name: str, params: dict[str, Any],
                  files: dict[str, Upload] | None = None, *, source: str = "http") -> tuple[int, dict[str, Any]]:
    """Run one call; returns (HTTP status, JSON body). Raises DropConnection for simulated drops."""
    files = files or {}
    entry: dict[str, Any] = {"method": method_name, "bot_id": None, "params": dict(params),
                             "files": _describe_files(files), "at": state.now(), "source": source,
                             # the flood limits' clock, to the fraction of a second
                             "moment": state.limits.clock()}
    try:
        state.limits.check_outage()
        bot = state.bot_for_token(token)
        entry["bot_id"] = bot.id
        key = method_name.lower()
        spec, model = METHODS.get(key), MODELS.get(key)
        if spec is None and model is None:
            raise ApiError(404, "Not Found: method not found")
        name = spec.name if spec else model.__api_method__
        entry["method"] = name
        await state.limits.delay(name)
        await state.limits.hold(name)
        state.limits.take_fault(name)
        values = validate_params(name, params, files, state.strict_fields)
        if spec is None:
            # Methods aiogram knows but the emulator does not model: accept the ones that only
            # answer True (settings, reactions...), refuse loudly otherwise.
            if getattr(model, "__returning__", None) is not bool:
                raise ApiError(500, f"Internal Server Error: {name} is not implemented by the emulator")
            entry["noop"] = True
            result: Any = True
        else:
            target = _flood_target(state, values) if spec.flood else None
            if target:
                state.limits.flood.check(bot.id, *target)
            result = await spec.handler(Call(state, bot, name, values, files))
            if target:
                state.limits.flood.record(bot.id, *target)
        body: dict[str, Any] = {"ok": True}
        if isinstance(result, Described):
            body["result"], body["description"] = result.result, result.description
        else:
            body["result"] = result
        entry.update(ok=True, result=body["result"])
        return 200, body
    except ApiError as exc:
        entry.update(ok=False, error_code=exc.code, description=exc.description)
        return exc.code, exc.envelope()
    except DropConnection:
        entry.update(ok=False, dropped=True)
        raise
    except Exception as exc:  # a bug in the emulator must not look like a network problem
        log.error("emulator failure in %s: %s", method_name, traceback.format_exc())
        error = ApiError(500, f"Internal Server Error: emulator failure: {type(exc).__name__}: {exc}")
        entry.update(ok=False, error_code=500, description=error.description)
        return 500, error.envelope()
    finally:
        state.log_request(entry)
