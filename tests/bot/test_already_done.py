"""Refusals that mean "already done" are taken as done; others still fail (bot.delivery.already_done)."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)

from bot.delivery.already_done import AlreadyDone
from bot.runtime.app import build_bot

EXPIRED = "Bad Request: query is too old and response timeout expired or query ID is invalid"
UNCHANGED = "Bad Request: message is not modified: specified new message content and reply " \
            "markup are exactly the same as a current content and reply markup of the message"


def refusing(message: str) -> Any:
    async def make_request(_bot: Bot, method: TelegramMethod[Any]) -> Any:
        raise TelegramBadRequest(method=method, message=message)
    return make_request


async def test_a_replayed_press_goes_through_and_real_refusals_still_fail() -> None:
    bot = build_bot("1:x", "http://127.0.0.1:9")
    assert any(isinstance(m, AlreadyDone) for m in bot.session.middleware)
    done = AlreadyDone()
    # A press delivered again: its answer expired, its message already edited.
    assert await done(refusing(EXPIRED), bot, AnswerCallbackQuery(callback_query_id="7"))
    assert await done(refusing(UNCHANGED), bot, EditMessageText(chat_id=1, message_id=2,
                                                                 text="Chosen"))
    for method, refusal in ((SendMessage(chat_id=1, text="hi"), EXPIRED),
                            (SendMessage(chat_id=1, text="hi"), UNCHANGED),
                            (AnswerCallbackQuery(callback_query_id="7", text="x"),
                             "Bad Request: MESSAGE_TOO_LONG"),
                            (EditMessageText(chat_id=1, message_id=2, text="x"),
                             "Bad Request: message to edit not found")):
        with pytest.raises(TelegramBadRequest):
            await done(refusing(refusal), bot, method)
    await bot.session.close()
