"""Bot profile settings: commands (per scope and language), name, descriptions, menu button."""

from __future__ import annotations

import json
import re
from typing import Any

from .api import Call, bad_request, method

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def _language(call: Call) -> str:
    code = call.get("language_code", "")
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("invalid language code specified")
    return code


def _scope_key(call: Call) -> str:
    scope = dict(call.get("scope") or {"type": "default"})
    if "chat_id" in scope:
        chat = call.state.find_chat(scope["chat_id"])
        if chat is None:
            raise bad_request("chat not found")
        scope["chat_id"] = chat.id
    if scope["type"] in ("chat_administrators", "chat_member") and scope.get("chat_id", 0) > 0:
        raise bad_request("can't use this scope in private chats")
    return json.dumps(scope, sort_keys=True)


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = call.params["commands"]
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    for command in commands:
        if not _COMMAND_RE.match(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command["description"]) <= 256:
            raise bad_request("command description must be non-empty" if not command["description"]
                              else "BOT_COMMAND_DESCRIPTION_INVALID")
    key = (_scope_key(call), _language(call))
    if commands:
        call.bot.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
    else:
        call.bot.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    # Exact scope + language only: Telegram's fallback chain applies to clients, not to this method.
    return list(call.bot.commands.get((_scope_key(call), _language(call)), []))


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop((_scope_key(call), _language(call)), None)
    return True


_TEXTS = {  # method -> (field, max length)
    "setMyName": ("name", 64), "setMyDescription": ("description", 512),
    "setMyShortDescription": ("short_description", 120),
}


@method(*_TEXTS)
async def set_my_text(call: Call) -> bool:
    name = next(k for k in _TEXTS if k.lower() == call.method.lower())
    field, limit = _TEXTS[name]
    value = call.get(field, "")
    if len(value) > limit:
        raise bad_request(f"{field.replace('_', ' ')} is too long")
    key = (field, _language(call))
    if value:
        call.bot.texts[key] = value
    else:
        call.bot.texts.pop(key, None)
    return True


@method("getMyName", "getMyDescription", "getMyShortDescription")
async def get_my_text(call: Call) -> dict[str, Any]:
    field = {"getmyname": "name", "getmydescription": "description",
             "getmyshortdescription": "short_description"}[call.method.lower()]
    language = _language(call)
    value = call.bot.texts.get((field, language), call.bot.texts.get((field, ""), ""))
    if field == "name" and not value:
        value = call.bot.user["first_name"]
    return {field: value}


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    chat_id = int(call.get("chat_id", 0))
    call.bot.menu_buttons[chat_id] = call.get("menu_button") or {"type": "default"}
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    chat_id = int(call.get("chat_id", 0))
    button = call.bot.menu_buttons.get(chat_id) or call.bot.menu_buttons.get(0)
    return button or {"type": "commands" if call.bot.commands else "default"}
