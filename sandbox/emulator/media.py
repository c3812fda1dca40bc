"""Building Telegram file objects (PhotoSize, Document, Voice...) from stored bytes.

Shared by bot-side send methods and user-side actions so that a photo looks the same
whichever side sent it. Image sizes are read from PNG/JPEG/GIF headers; nothing is decoded.
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING, Any

from .model import StoredFile

if TYPE_CHECKING:
    from .state import StateCore

DEFAULT_MIME = {
    "photo": "image/jpeg", "voice": "audio/ogg", "video": "video/mp4", "animation": "video/mp4",
    "sticker": "image/webp", "audio": "audio/mpeg", "document": "application/octet-stream",
}


def tiny_png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A valid solid-colour PNG, so tests need no image fixtures."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


def file_base(stored: StoredFile) -> dict[str, Any]:
    out: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.size:
        out["file_size"] = stored.size
    return out


def photo_sizes(state: StateCore, stored: StoredFile) -> list[dict[str, Any]]:
    """Telegram returns several sizes; we add a 90px-ish thumbnail entry for larger images."""
    width, height = image_size(stored.data) or (320, 320)
    sizes = []
    if max(width, height) > 90:
        scale = 90 / max(width, height)
        thumb = state.file_alias(stored)
        sizes.append({**file_base(thumb), "width": max(1, round(width * scale)),
                      "height": max(1, round(height * scale))})
    sizes.append({**file_base(stored), "width": width, "height": height})
    return sizes


def media_content(state: StateCore, kind: str, stored: StoredFile, meta: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """The message fields for one piece of media (e.g. {"voice": {...}})."""
    meta = {k: v for k, v in (meta or {}).items() if v is not None}
    if kind == "photo":
        return {"photo": photo_sizes(state, stored)}
    obj = file_base(stored)
    mime = stored.mime_type or DEFAULT_MIME.get(kind)
    if kind in ("document", "animation", "audio", "video") and stored.file_name:
        obj["file_name"] = stored.file_name
    if kind != "sticker" and mime:
        obj["mime_type"] = mime
    if kind in ("voice", "audio", "video", "animation"):
        obj["duration"] = int(meta.get("duration", 1))
    if kind in ("video", "animation"):
        size = image_size(stored.data) or (320, 240)
        obj["width"] = int(meta.get("width", size[0]))
        obj["height"] = int(meta.get("height", size[1]))
    if kind == "audio":
        for key in ("performer", "title"):
            if key in meta:
                obj[key] = meta[key]
    if kind == "sticker":
        size = image_size(stored.data) or (512, 512)
        obj.update({"type": "regular", "width": size[0], "height": size[1], "is_animated": False,
                    "is_video": False, "emoji": meta.get("emoji", "👍")})
    content = {kind: obj}
    if kind == "animation":
        content["document"] = dict(obj)  # Telegram still mirrors animations as documents
    return content


def file_kind_of(message: dict[str, Any]) -> str | None:
    for key in ("photo", "animation", "video", "audio", "voice", "document", "sticker"):
        if key in message:
            return key
    return None


CAPTIONABLE = ("photo", "animation", "video", "audio", "voice", "document")
