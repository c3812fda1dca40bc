"""HTTP routes of the web chat, mounted on the emulator's own aiohttp server under /chat/.

The page acts as any person through the same EmulatorState methods the control API and
the tests use, so what a person does in the browser reaches the bot as real updates.
Live changes reach the page as server-sent events (one JSON batch per event).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.emulator.control import DISPLAY_TZ_KEY, STATE_KEY
from sandbox.emulator.model import EmulatorError
from sandbox.emulator.state import EmulatorState
from sandbox.web.clock import ClockControl, ClockError
from sandbox.web.views import Tracker, person_name
from sandbox.world import USERS

STATIC = Path(__file__).resolve().parent / "static"
CLOCK_KEY: web.AppKey[ClockControl | None] = web.AppKey("sandbox_clock")
KEEPALIVE = 15.0  # seconds between SSE comments, so a closed tab is noticed
ANSWER_WAIT = 3.0  # seconds to wait for the bot's answer to a pressed button


def _state(request: web.Request) -> EmulatorState:
    return request.app[STATE_KEY]


def _fail(message: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/chat/")


async def download(request: web.Request) -> web.StreamResponse:
    stored = _state(request).files_by_path.get(request.match_info["path"])
    if stored is None:
        raise web.HTTPNotFound()
    return web.Response(body=stored.data, content_type=stored.mime_type or _guess(stored.file_path))


def _guess(path: str) -> str:
    ext = path.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
            "webp": "image/webp", "pdf": "application/pdf"}.get(ext, "application/octet-stream")


async def world(request: web.Request) -> web.Response:
    state = _state(request)
    roles = {u.id: u for u in USERS}
    people = []
    for user in state.users.values():
        if user.get("is_bot"):
            continue
        demo = roles.get(user["id"])
        people.append({"id": user["id"], "name": person_name(user),
                       "role": demo.role if demo else "person", "key": demo.key if demo else None,
                       "language": user.get("language_code")})
    bot = state.primary_bot() if state.bots else None
    clock = request.app[CLOCK_KEY]
    return web.json_response({
        "people": people,
        "bot": {"id": bot.id, "name": person_name(bot.user)} if bot else None,
        "clock": clock.view() if clock else None,
    })


async def events(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    clock = request.app[CLOCK_KEY]
    tracker = Tracker(state, clock.view if clock else (lambda: None))
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    await response.prepare(request)
    try:
        batch = tracker.collect()
        while not state.closing:
            if batch:
                await response.write(f"data: {json.dumps(batch, ensure_ascii=False)}\n\n".encode())
            else:
                await response.write(b": keep-alive\n\n")
            try:
                batch = await state.wait_until(tracker.collect, timeout=KEEPALIVE)
            except TimeoutError:
                batch = None
    except (ConnectionResetError, asyncio.CancelledError):
        pass  # the tab closed or the server is stopping
    return response


def _where(body: dict[str, Any]) -> dict[str, Any]:
    where: dict[str, Any] = {"chat_id": int(body["chat_id"])}
    if body.get("thread_id"):
        where["thread_id"] = int(body["thread_id"])
    if body.get("reply_to"):
        where["reply_to"] = int(body["reply_to"])
    return where


async def act(request: web.Request) -> web.Response:
    """One thing a person does: write, share their contact, press a button."""
    state = _state(request)
    body = await request.json()
    try:
        user_id, action = int(body["user_id"]), body["action"]
        if action == "text":
            text = str(body.get("text", "")).strip()
            if not text:
                return _fail("empty message")
            state.send_text(user_id, text, **_where(body))
        elif action == "contact":
            user = state.user(user_id)
            state.send_contact(user_id, state.phones.get(user_id, "+15555550100"),
                               first_name=user["first_name"], **_where(body))
        elif action == "reply_button":
            state.press_reply_button(user_id, str(body["text"]), chat_id=int(body["chat_id"]))
        elif action == "press":
            return await _press(state, user_id, body)
        else:
            return _fail(f"unknown action {action!r}")
    except (EmulatorError, KeyError, ValueError, TypeError) as exc:
        return _fail(str(exc))
    return web.json_response({"ok": True})


async def _press(state: EmulatorState, user_id: int, body: dict[str, Any]) -> web.Response:
    update = state.press_button(user_id, int(body["message_id"]), data=body.get("data"),
                                chat_id=int(body["chat_id"]))
    query_id = update["callback_query"]["id"]
    answer = None
    try:
        # The answer's text is a toast the person should see, as in Telegram.
        await state.wait_until(lambda: state.callback_answer(query_id) is not None,
                               timeout=ANSWER_WAIT)
        answer = state.callback_answer(query_id)
    except TimeoutError:
        pass
    return web.json_response({"ok": True, "answer": answer})


async def upload(request: web.Request) -> web.Response:
    """A photo or a file from the person's device, stored in the emulator's file store."""
    state = _state(request)
    form = await request.post()
    try:
        user_id = int(str(form["user_id"]))
        where = _where({k: str(form[k]) for k in ("chat_id", "thread_id", "reply_to") if form.get(k)})
        part = form["file"]
        if not isinstance(part, web.FileField):
            return _fail("no file")
        data = part.file.read()
        caption = str(form.get("caption") or "") or None
        mime = part.content_type or "application/octet-stream"
        if mime in ("image/png", "image/jpeg", "image/gif", "image/webp") and form.get("as") != "file":
            state.send_photo(user_id, data, caption=caption, **where)
        else:
            state.send_document(user_id, data, file_name=part.filename or "file", mime_type=mime,
                                caption=caption, **where)
    except (EmulatorError, KeyError, ValueError) as exc:
        return _fail(str(exc))
    return web.json_response({"ok": True})


async def move_clock(request: web.Request) -> web.Response:
    clock = request.app[CLOCK_KEY]
    if clock is None:
        return _fail("this sandbox has no movable clock", 404)
    body = await request.json()
    try:
        moved = clock.move(body.get("step"), body.get("to"))
    except ClockError as exc:
        return _fail(str(exc))
    _state(request).changed()  # every open page shows the new time
    return web.json_response({"ok": True, "now": moved.isoformat()})


def setup(app: web.Application, clock: ClockControl | None = None) -> None:
    """Add the web chat to an emulator app (pass as start_emulator(extend=...))."""
    app[CLOCK_KEY] = clock
    if clock is not None:  # plain-text transcripts show the organisation's wall time
        app[DISPLAY_TZ_KEY] = clock.calendar.tz
    app.router.add_get("/", redirect)
    app.router.add_get("/chat", redirect)
    app.router.add_get("/chat/", index)
    app.router.add_static("/chat/static/", STATIC)
    app.router.add_get("/chat/file/{path:.+}", download)
    app.router.add_get("/chat/api/world", world)
    app.router.add_get("/chat/api/events", events)
    app.router.add_post("/chat/api/act", act)
    app.router.add_post("/chat/api/upload", upload)
    app.router.add_post("/chat/api/clock", move_clock)
