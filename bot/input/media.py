"""What a customer's message carries that we keep as evidence (Telegram file references)."""

from __future__ import annotations

from aiogram.types import Message


def evidence_of(message: Message) -> tuple[str, str, str | None] | None:
    """(kind, file_id, caption) for photos, documents, voice, audio and video; else None."""
    caption = message.caption
    if message.photo:
        return "photo", message.photo[-1].file_id, caption  # the largest size
    for kind in ("document", "voice", "audio", "video", "video_note"):
        media = getattr(message, kind)
        if media is not None:
            return kind, media.file_id, caption
    return None


def not_a_command(message: Message) -> bool:
    """Anything but a /command, including messages without text (photos, voice...)."""
    return not (message.text or "").startswith("/")
