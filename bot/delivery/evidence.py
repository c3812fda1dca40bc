"""A case's files themselves (Telegram file ids), sent into a chat: photos and videos as
albums of up to ten, documents and audio likewise among their own kind (Telegram mixes
no other kinds in an album), voice notes and round videos one by one, each with the
customer's caption. Used by the task cards' "📎" button, the note under a card when the
customer adds a file, and the supervisor's desk."""

from __future__ import annotations

from collections.abc import Iterator

from aiogram import Bot
from aiogram.types import (
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)

from bot.views.render import escape, shorten
from core.domain import Evidence

SHOWN = 10  # files sent per press: one album, or a few requests within a group's budget
CAPTION = 900  # Telegram allows 1024 characters of caption; room for the escapes

# Which kinds share an album; the rest go alone.
ALBUMS = {"photo": "visual", "video": "visual", "document": "document", "audio": "audio"}
MEDIA = {"photo": InputMediaPhoto, "video": InputMediaVideo, "document": InputMediaDocument,
         "audio": InputMediaAudio}
SINGLE = ("photo", "document", "voice", "audio", "video")


def caption_of(item: Evidence) -> str | None:
    return escape(shorten(item.caption or "", CAPTION)) or None


def runs(evidence: list[Evidence]) -> Iterator[list[Evidence]]:
    """Consecutive files that can share one message: an album of up to ten, or one file."""
    run: list[Evidence] = []
    for item in evidence:
        family = ALBUMS.get(item.kind)
        if run and (family is None or ALBUMS.get(run[0].kind) != family or len(run) == 10):
            yield run
            run = []
        run.append(item)
        if family is None:
            yield run
            run = []
    if run:
        yield run


async def send_file(bot: Bot, chat_id: int, item: Evidence, caption: str | None, *,
                    thread: int | None = None, reply_to: int | None = None) -> None:
    """One file; ``caption`` (HTML) instead of the customer's where given."""
    if item.kind == "video_note":  # a round video carries no caption
        if caption:
            await bot.send_message(chat_id, caption, message_thread_id=thread,
                                   reply_to_message_id=reply_to)
        await bot.send_video_note(chat_id, item.file_ref, message_thread_id=thread,
                                  reply_to_message_id=reply_to)
        return
    kind = item.kind if item.kind in SINGLE else "document"
    send = getattr(bot, f"send_{kind}")
    await send(chat_id, item.file_ref, caption=caption, message_thread_id=thread,
               reply_to_message_id=reply_to)


async def send_evidence(bot: Bot, chat_id: int, evidence: list[Evidence], *,
                        thread: int | None = None, reply_to: int | None = None) -> int:
    """The first ``SHOWN`` files, in as few messages as Telegram allows; how many went."""
    shown = evidence[:SHOWN]
    for run in runs(shown):
        if len(run) == 1:
            await send_file(bot, chat_id, run[0], caption_of(run[0]), thread=thread,
                            reply_to=reply_to)
            continue
        album = [MEDIA[item.kind](media=item.file_ref, caption=caption_of(item))
                 for item in run]
        await bot.send_media_group(chat_id, album, message_thread_id=thread,
                                   reply_to_message_id=reply_to)
    return len(shown)
