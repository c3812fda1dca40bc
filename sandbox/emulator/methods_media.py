"""Media: sendPhoto/Document/Voice/Video/Audio/Animation/Sticker, albums, location, contact, getFile."""

from __future__ import annotations

import secrets
from typing import Any

from .api import Call, bad_request, method
from .checks import format_text
from .sending import file_content, post_as_bot, resolve_file, writable_chat

MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files, as the hosted Bot API does
MAX_UPLOAD = {"photo": 10 * 1024 * 1024}
DEFAULT_UPLOAD = 50 * 1024 * 1024


def _caption(call: Call, content: dict[str, Any], caption: Any = None, parse_mode: Any = None,
             entities: Any = None) -> None:
    if caption is None:
        caption, parse_mode, entities = call.get("caption"), call.get("parse_mode"), call.get("caption_entities")
    if not caption:
        return
    text, found = format_text(call.state, caption, parse_mode, entities, caption=True)
    if text:
        content["caption"] = text
    if found:
        content["caption_entities"] = found


def _check_size(kind: str, size: int) -> None:
    if size > MAX_UPLOAD.get(kind, DEFAULT_UPLOAD):
        raise bad_request("file is too big" if kind != "photo" else "PHOTO_INVALID_DIMENSIONS")


async def _send_media(call: Call, kind: str, meta_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    chat = writable_chat(call)
    stored = resolve_file(call, call.params.get(kind), kind)
    _check_size(kind, stored.size)
    meta = {k: call.params[k] for k in meta_keys if k in call.params}
    content = file_content(call, kind, stored, meta)
    if kind != "sticker":
        _caption(call, content)
    for flag in ("has_spoiler", "show_caption_above_media"):
        if call.get(flag):
            content["has_media_spoiler" if flag == "has_spoiler" else flag] = True
    return post_as_bot(call, chat, content)


@method("sendPhoto", flood=True)
async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_media(call, "photo")


@method("sendDocument", flood=True)
async def send_document(call: Call) -> dict[str, Any]:
    return await _send_media(call, "document")


@method("sendVoice", flood=True)
async def send_voice(call: Call) -> dict[str, Any]:
    return await _send_media(call, "voice", ("duration",))


@method("sendVideo", flood=True)
async def send_video(call: Call) -> dict[str, Any]:
    return await _send_media(call, "video", ("duration", "width", "height"))


@method("sendAudio", flood=True)
async def send_audio(call: Call) -> dict[str, Any]:
    return await _send_media(call, "audio", ("duration", "performer", "title"))


@method("sendAnimation", flood=True)
async def send_animation(call: Call) -> dict[str, Any]:
    return await _send_media(call, "animation", ("duration", "width", "height"))


@method("sendSticker", flood=True)
async def send_sticker(call: Call) -> dict[str, Any]:
    return await _send_media(call, "sticker", ("emoji",))


@method("sendMediaGroup", flood=True)
async def send_media_group(call: Call) -> list[dict[str, Any]]:
    chat = writable_chat(call)
    media = call.params["media"]
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media specified" if media else "media group is empty")
    kinds = {item["type"] for item in media}
    if ("document" in kinds or "audio" in kinds) and len(kinds) > 1:
        raise bad_request("documents and audio can't be mixed with other media types in an album")
    group_id = str(secrets.randbelow(10**18) + 10**17)
    prepared = []
    for item in media:  # validate everything before posting anything
        kind = item["type"]
        stored = resolve_file(call, item.get("media"), kind)
        _check_size(kind, stored.size)
        meta = {k: item[k] for k in ("duration", "width", "height", "performer", "title") if k in item}
        content = file_content(call, kind, stored, meta)
        _caption(call, content, item.get("caption"), item.get("parse_mode"), item.get("caption_entities"))
        content["media_group_id"] = group_id
        prepared.append(content)
    return [post_as_bot(call, chat, content, markup=False) for content in prepared]


@method("sendLocation", flood=True)
async def send_location(call: Call) -> dict[str, Any]:
    chat = writable_chat(call)
    lat, lon = float(call.params["latitude"]), float(call.params["longitude"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise bad_request("wrong location specified")
    return post_as_bot(call, chat, {"location": {"latitude": lat, "longitude": lon}})


@method("sendContact", flood=True)
async def send_contact(call: Call) -> dict[str, Any]:
    chat = writable_chat(call)
    contact = {k: call.params[k] for k in ("phone_number", "first_name", "last_name", "vcard") if k in call.params}
    return post_as_bot(call, chat, {"contact": contact})


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    stored = call.state.files.get(str(call.params["file_id"]))
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    out = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_path": stored.file_path}
    if stored.size:
        out["file_size"] = stored.size
    return out
