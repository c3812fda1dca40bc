"""Replay a scripted conversation against the sandbox and print what everyone saw.

A script is TOML, a list of steps, each one person doing one thing:

    [[step]]
    user = "li_lei"            # a demo user (sandbox/world.py)
    say = "/start"             # or: press = "button label" | photo = "caption"
                               #     share_contact = true | location = [31.23, 121.47]
    chat = "private"           # optional: a group id instead
"""

from __future__ import annotations

import asyncio
import itertools
import re
import tomllib
from pathlib import Path
from typing import Any

from sandbox.emulator.api import METHODS
from sandbox.emulator.model import EmulatorError
from sandbox.emulator.state import EmulatorState
from sandbox.world import GROUPS, USERS, user_by_key

SETTLE = 0.4  # seconds of quiet after which the bot is taken to have answered
BUTTON_WAIT = 30.0  # seconds a step waits for the button it presses to appear
RETRY_AFTER = re.compile(r"retry after (\d+)")
RECENT = 200  # requests looked back over for a chat at its limit: far more than a few seconds hold


class ScriptError(Exception):
    """A step that cannot be played; the message names the step."""


def load_script(path: str | Path) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScriptError(f"{path}: {exc}") from None
    steps = data.get("step")
    if not isinstance(steps, list) or not steps:
        raise ScriptError(f"{path}: needs at least one [[step]]")
    return steps


async def started(state: EmulatorState, bot: asyncio.Task[None], timeout: float = 60.0) -> None:
    """Wait until the bot has finished starting (its last start-up call is deleteWebhook)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not state.requests("deleteWebhook"):
        if bot.done():
            bot.result()  # the bot failed to start: let its error surface
            raise ScriptError("the bot stopped before it started")
        if loop.time() > deadline:
            raise ScriptError("the bot did not start in time")
        await asyncio.sleep(0.05)
    await settle(state)


async def settle(state: EmulatorState, timeout: float = 15.0) -> None:
    """Wait until every update was fetched and the bot has been quiet for a moment."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    seen = -1
    while loop.time() < deadline:
        count = len(state.request_log)
        if (not state.pending_updates() and count == seen and not _told_to_wait(state)
                and not _a_chat_at_its_limit(state)):
            return
        seen = count
        await asyncio.sleep(SETTLE)


def _told_to_wait(state: EmulatorState) -> bool:
    """A bot flood control told to wait (429) is quiet because it waits, not because it
    has answered: it comes back once the wait is over."""
    for entry in itertools.islice(reversed(state.request_log), 50):
        if entry.get("error_code") == 429:
            found = RETRY_AFTER.search(str(entry.get("description", "")))
            wait = int(found.group(1)) if found else 1
            return bool(state.now() <= entry["at"] + wait)  # "at" is in whole seconds
    return False


def _a_chat_at_its_limit(state: EmulatorState) -> bool:
    """A bot keeping to a chat's own limit (three messages in three seconds) is quiet
    while its next message waits for the window, whether or not the emulator enforces
    the limit: the bot keeps to Telegram's."""
    window = state.limits.flood.per_chat
    since = state.limits.clock() - window.seconds - SETTLE  # the bot keeps a margin
    # Logged as answered, stamped as arrived: a long poll arrives long before it is logged.
    recent = [entry.get("params", {}).get("chat_id")
              for entry in itertools.islice(reversed(state.request_log), RECENT)
              if entry.get("moment", since) > since and _counted(entry)]
    return any(recent.count(chat) >= window.count for chat in set(recent))


def _counted(entry: dict[str, Any]) -> bool:
    """Refused attempts too: the bot cannot tell which of them Telegram counted."""
    spec = METHODS.get(str(entry.get("method", "")).lower())
    return bool(spec and spec.flood)


async def press(state: EmulatorState, user_id: int, chat_id: int, label: str,
                wait: float = BUTTON_WAIT) -> None:
    """Press ``label``; a button not there yet may still be on its way (a slow or busy
    bot's answer), so it is looked for again for ``wait`` seconds before the step fails
    (``ScriptError``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            _press_now(state, user_id, chat_id, label)
            return
        except ScriptError:
            if loop.time() >= deadline:
                raise
            await asyncio.sleep(SETTLE / 4)


def _press_now(state: EmulatorState, user_id: int, chat_id: int, label: str) -> None:
    keyboard = state.current_keyboard(chat_id) or {}
    if any((b if isinstance(b, dict) else {"text": b}).get("text") == label
           for row in keyboard.get("keyboard", []) for b in row):
        state.press_reply_button(user_id, label, **({} if chat_id == user_id else
                                                    {"chat_id": chat_id}))
        return
    for message in reversed(state.bot_messages(chat_id)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if any(b.get("text") == label for row in rows for b in row):
            state.press_button(user_id, message["message_id"], text=label,
                               **({} if chat_id == user_id else {"chat_id": chat_id}))
            return
    raise ScriptError(f"no button {label!r} in chat {chat_id}")


async def play(state: EmulatorState, steps: list[dict[str, Any]]) -> None:
    for number, step in enumerate(steps, start=1):
        try:
            user = user_by_key(str(step["user"]))
        except KeyError as exc:
            raise ScriptError(f"step {number}: {exc}") from None
        chat = step.get("chat", "private")
        chat_id = user.id if chat == "private" else int(chat)
        where = {} if chat_id == user.id else {"chat_id": chat_id}
        if "say" in step:
            state.send_text(user.id, str(step["say"]), **where)
        elif "press" in step:
            await press(state, user.id, chat_id, str(step["press"]))
        elif "photo" in step:
            state.send_photo(user.id, caption=str(step["photo"]) or None, **where)
        elif step.get("share_contact"):
            state.send_contact(user.id, user.phone, first_name=user.name, **where)
        elif "location" in step:
            latitude, longitude = step["location"]
            state.send_location(user.id, float(latitude), float(longitude), **where)
        else:
            raise ScriptError(f"step {number}: say, press, photo, share_contact or location?")
        await settle(state)


def _buttons(entry: dict[str, Any]) -> str:
    rows = (entry.get("reply_markup") or {}).get("inline_keyboard", [])
    rows += [[b if isinstance(b, dict) else {"text": b} for b in row]
             for row in (entry.get("keyboard") or {}).get("keyboard", [])]
    labels = [f"[{b.get('text')}]" for row in rows for b in row]
    return ("\n    " + " ".join(labels)) if labels else ""


def transcript(state: EmulatorState) -> str:
    """Every chat of the demo world that has messages, as a person would read it."""
    names = {u.id: u.name for u in USERS}
    chats = [(u.id, f"{u.name} — private chat") for u in USERS]
    chats += [(chat_id, title) for chat_id, title, _members in GROUPS]
    out: list[str] = []
    for chat_id, title in chats:
        try:
            entries = state.transcript(chat_id, include_deleted=False)
        except EmulatorError:  # the chat was never opened
            continue
        if not entries:
            continue
        out.append(f"=== {title} ===")
        for entry in entries:
            sender = (entry.get("from") or {})
            who = "Bot" if sender.get("is_bot") else names.get(sender.get("id"), "?")
            body = entry.get("text") or entry.get("caption") or f"<{entry.get('media')}>"
            edited = " (edited)" if entry.get("edits") else ""
            out.append(f"{who}{edited}: {body}{_buttons(entry)}")
        out.append("")
    return "\n".join(out)
