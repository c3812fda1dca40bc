"""Request validation: body decoding, schema checks against aiogram's method models, and the
content checks Telegram applies (text/caption length, parse modes, inline keyboards).

aiogram's pydantic method models (aiogram.methods.SendMessage, ...) are used as the schema:
they are generated from the official Bot API docs, ship with the dependency we already
have, and so need no copy of the spec in the project.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from typing import Any

import aiogram.methods as aiogram_methods
from aiogram.client.default import Default
from aiohttp import web
from pydantic import BaseModel, ValidationError

from .api import bad_request
from .html import HtmlError, parse_html
from .markdown import MarkdownError, parse_markdown, parse_markdown_v2
from .model import Upload
from .text import trim, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

MODELS: dict[str, type] = {
    cls.__api_method__.lower(): cls
    for cls in vars(aiogram_methods).values()
    if inspect.isclass(cls) and isinstance(getattr(cls, "__api_method__", None), str)
}


# -- body decoding --------------------------------------------------------------------------

async def read_body(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Accept query string + JSON, urlencoded or multipart bodies, like the real server."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    ctype = request.content_type
    if request.method != "POST" or not request.can_read_body:
        return params, files
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON request body must be an Object")
        params.update(body)
    elif ctype.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if part.name is None:
                continue
            if part.filename is not None:
                data = await part.read(decode=False)
                files[part.name] = Upload(part.filename, bytes(data), part.headers.get("Content-Type"))
            else:
                params[part.name] = await part.text()
    else:
        params.update(await request.post())
    return params, files


# -- schema ---------------------------------------------------------------------------------

def _accepts_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _accepts_str(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_accepts_str(arg) for arg in typing.get_args(annotation))
    if origin is typing.Literal:
        return any(isinstance(arg, str) for arg in typing.get_args(annotation))
    return False


def _coerce(annotation: Any, raw: Any) -> Any:
    # Form fields are always strings; nested objects arrive JSON-encoded (aiogram does that).
    if not isinstance(raw, str) or _accepts_str(annotation):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


_MISSING = {
    "text": "message text is empty",
    "chat_id": "chat_id is empty",
    "message_id": "message identifier is not specified",
    "user_id": "invalid user_id specified",
    "media": 'parameter "media" is required',
    "file_id": "file_id not specified",
}
_WRONG = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
    "reply_parameters": "can't parse reply parameters JSON object",
    "message_id": "message identifier must be a Number",
    "user_id": "invalid user_id specified",
}


def _plain(value: Any) -> Any:
    """Validated pydantic values back to JSON-like data; aiogram's Default sentinels dropped."""
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_none=True, by_alias=True, warnings=False)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not isinstance(v, Default)}
    if hasattr(value, "timestamp"):
        return int(value.timestamp())
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value  # Enum
    return value


def validate_params(method: str, params: dict[str, Any], files: dict[str, Upload], strict: bool = True
                    ) -> dict[str, Any]:
    """Check params against aiogram's model for `method`; return plain, typed values."""
    model = MODELS.get(method.lower())
    if model is None:
        return dict(params)
    fields = model.model_fields
    params = dict(params)
    for name in files:  # a file part named after the field itself (curl -F photo=@x.jpg)
        if name in fields and name not in params:
            params[name] = f"attach://{name}"
    unknown = [k for k in params if k not in fields]
    if unknown and strict:
        raise bad_request(f'unknown parameter "{unknown[0]}" for method {model.__api_method__}')
    coerced = {k: _coerce(fields[k].annotation, v) for k, v in params.items() if k in fields}
    coerced = {k: v for k, v in coerced.items() if v is not None}
    try:
        validated = model.model_validate(coerced)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "?"
        if error["type"] == "missing":
            if name in ("photo", "document", "voice", "video", "audio", "animation", "sticker"):
                raise bad_request(f"there is no {name} in the request") from None
            raise bad_request(_MISSING.get(name, f'parameter "{name}" is required')) from None
        raise bad_request(_WRONG.get(name, f'field "{name}" has wrong type: {error["msg"]}')) from None
    return {k: _plain(getattr(validated, k)) for k in coerced}


# -- text -----------------------------------------------------------------------------------

def format_text(state: Any, text: str, parse_mode: str | None, entities: list[dict] | None,
                *, caption: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode/entities, trim, and enforce Telegram's length limits."""
    parsed_entities = list(entities or [])
    if parse_mode and not entities:
        mode = parse_mode.lower()
        try:
            if mode == "html":
                if state.strict_html:
                    check_strict_html(text)
                text, parsed_entities = parse_html(text, state.users.get)
            elif mode == "markdownv2":
                text, parsed_entities = parse_markdown_v2(text)
            elif mode == "markdown":
                text, parsed_entities = parse_markdown(text)
            else:
                raise bad_request("unsupported parse_mode")
        except (HtmlError, MarkdownError) as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    text, parsed_entities = trim(text, parsed_entities)
    if caption:
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    else:
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
    total = utf16_len(text)
    for entity in parsed_entities:
        if entity["offset"] < 0 or entity["length"] <= 0 or entity["offset"] + entity["length"] > total:
            raise bad_request("can't parse entities: entity beyond the end of the text")
    return text, parsed_entities


def check_strict_html(raw: str) -> None:
    """strict_html: reject an '&' that does not start &lt; &gt; &amp; &quot; or &#...; (stricter
    than Telegram, which keeps such an '&' literally; catches unescaped user content)."""
    for match in re.finditer(r"&", raw):
        tail = raw[match.start():]
        if not re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", tail):
            byte = len(raw[: match.start()].encode())
            raise bad_request(f"can't parse entities: bare '&' at byte offset {byte} (strict_html)")


# -- keyboards ------------------------------------------------------------------------------

_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                   "copy_text", "callback_game", "pay")


def check_reply_markup(markup: dict[str, Any] | None) -> None:
    if not markup or "inline_keyboard" not in markup:
        return
    for row in markup["inline_keyboard"]:
        for button in row:
            actions = [a for a in _BUTTON_ACTIONS if button.get(a) is not None]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in actions:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in actions and not str(button["url"]).startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")
            if not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID" if "text" in button else "can't parse inline keyboard button")
