"""HTTP control API under /_emulator/ for tests and tools running outside the process.

Each action is the EmulatorState method of the same name, called with the JSON body as
keyword arguments, so the HTTP and Python surfaces cannot drift apart:

    POST /_emulator/create_user   {"first_name": "Ann", "username": "ann"}
    POST /_emulator/send_photo    {"user_id": 100000001, "data_b64": "iVBORw0..."}
    GET  /_emulator/transcript?chat_id=100000001
    GET  /_emulator/transcript?chat_id=100000001&format=text   (one line a message, to read)

Bytes travel as base64 in keys ending in "_b64" (data_b64 -> data), also inside
send_media_group items. Answers are {"ok": true, "result": ...} or {"ok": false, "error": ...},
UTF-8 JSON with non-ASCII text as is (Chinese stays readable).
"""

from __future__ import annotations

import base64
import inspect
import json
from datetime import UTC, datetime, tzinfo
from typing import Any

from aiohttp import web

from .model import EmulatorError

ACTIONS = (
    # setup
    "register_bot", "revoke_token", "create_user", "deactivate_user", "create_group", "create_forum",
    "add_member", "remove_member", "set_bot_status", "add_bot", "remove_bot", "block_bot", "unblock_bot",
    "create_topic", "upgrade_group",
    # people
    "send_text", "send_command", "start", "edit_text", "send_photo", "send_document", "send_voice",
    "send_video", "send_audio", "send_sticker", "send_animation", "send_media_group", "send_contact",
    "send_location", "press_button", "press_reply_button",
    # inspection
    "current_keyboard", "callback_answer", "transcript", "bot_messages", "requests", "pending_updates", "summary",
    "wait_for_bot_message",
    # limits and faults
    "set_flood_limits", "fail_next", "set_latency", "start_outage", "end_outage", "clear_faults",
    "hold_after", "release_held",
)
STATE_KEY: web.AppKey[Any] = web.AppKey("emulator_state")
# The zone the plain-text transcript shows times in (the sandbox sets its organisation's).
DISPLAY_TZ_KEY: web.AppKey[tzinfo] = web.AppKey("emulator_display_tz")
READ_ONLY = {"current_keyboard", "callback_answer", "transcript", "bot_messages", "requests",
             "pending_updates", "summary"}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.endswith("_b64") and isinstance(item, str):
                out[key[:-4]] = base64.b64decode(item)
            else:
                out[key] = _decode(item)
        return out
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _query_value(text: str) -> Any:
    if text.lstrip("-").isdigit():
        return int(text)
    return {"true": True, "false": False}.get(text.lower(), text)


def _tuples(kwargs: dict[str, Any]) -> dict[str, Any]:
    # JSON has no tuples; flood windows arrive as [count, seconds].
    for key in ("per_chat", "per_group", "overall"):
        if isinstance(kwargs.get(key), list):
            kwargs[key] = tuple(kwargs[key])
    return kwargs


async def handle(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    action = request.match_info["action"]
    if action not in ACTIONS:
        return web.json_response({"ok": False, "error": f"unknown action {action}", "actions": ACTIONS}, status=404)
    if request.method == "GET":
        if action not in READ_ONLY:
            return web.json_response({"ok": False, "error": f"{action} needs POST"}, status=405)
        kwargs = {k: _query_value(v) for k, v in request.query.items()}
        if action == "transcript" and kwargs.pop("format", "json") == "text":
            return await _transcript_text(request, kwargs)
    else:
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            return web.json_response({"ok": False, "error": "body must be a JSON object"}, status=400)
        kwargs = _tuples(_decode(body))
    try:
        result = getattr(state, action)(**kwargs)
        if inspect.isawaitable(result):
            result = await result
    except (EmulatorError, TypeError, ValueError, KeyError, TimeoutError) as exc:
        return web.json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, status=400, dumps=_dumps)
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _name(user: dict[str, Any] | None) -> str:
    if not user:
        return "?"
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
    return f"{name} (bot)" if user.get("is_bot") else name


def _buttons(entry: dict[str, Any]) -> str:
    rows = list((entry.get("reply_markup") or {}).get("inline_keyboard") or [])
    rows += (entry.get("keyboard") or {}).get("keyboard") or []
    return " ".join(f"[{b.get('text') if isinstance(b, dict) else b}]" for row in rows for b in row)


def transcript_lines(entries: list[dict[str, Any]], tz: tzinfo = UTC) -> list[str]:
    """A chat as a person reads it: one line a message, who, when, text and buttons."""
    lines = []
    for entry in entries:
        when = datetime.fromtimestamp(entry.get("date") or 0, tz).strftime("%Y-%m-%d %H:%M")
        body = (entry.get("text") or entry.get("caption") or "").replace("\n", " ⏎ ")
        if entry.get("media"):
            body = f"<{entry['media']}> {body}".rstrip()
        marks = "".join(f" ({m})" for m, on in (("edited", entry.get("edits")),
                                                 ("deleted", entry.get("deleted"))) if on)
        buttons = _buttons(entry)
        line = f"{when}  {_name(entry.get('from'))}{marks}: {body}"
        lines.append(f"{line}  {buttons}" if buttons else line)
    return lines


async def _transcript_text(request: web.Request, kwargs: dict[str, Any]) -> web.Response:
    try:
        entries = request.app[STATE_KEY].transcript(**kwargs)
    except (EmulatorError, TypeError, ValueError, KeyError) as exc:
        return web.Response(text=f"error: {type(exc).__name__}: {exc}\n", status=400)
    tz = request.app.get(DISPLAY_TZ_KEY, UTC)
    return web.Response(text="".join(line + "\n" for line in transcript_lines(entries, tz)))


async def index(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "result": {"actions": ACTIONS, "read_only": sorted(READ_ONLY),
                                                     "summary": request.app[STATE_KEY].summary()}},
                             dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False,
                      default=lambda o: base64.b64encode(o).decode() if isinstance(o, bytes) else str(o))


def setup(app: web.Application) -> None:
    app.router.add_get("/_emulator", index)
    app.router.add_get("/_emulator/", index)
    app.router.add_route("*", "/_emulator/{action}", handle)
