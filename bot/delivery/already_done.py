"""Telegram refusals that only mean "already done", taken as done.

- ``answerCallbackQuery``: "query is too old". Telegram accepts an answer only shortly
  after the press, and only once. A press delivered again after an instance died
  mid-update (webhook fleets), or one that waited out a slow database, can no longer be
  answered. The answer only stops the button's spinner, so failing the press over it
  would lose the customer's step.
- Editing a message: "message is not modified". The message already reads as wanted:
  a card re-rendered unchanged, or a replayed press editing what the first try edited.

Anything else still fails as before.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)

log = logging.getLogger(__name__)
EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption)


def already_done(method: TelegramMethod[Any], refusal: str) -> bool:
    if isinstance(method, AnswerCallbackQuery):
        return "query is too old" in refusal
    return isinstance(method, EDITS) and "message is not modified" in refusal


class AlreadyDone(BaseRequestMiddleware):
    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not already_done(method, exc.message):
                raise
            log.info("%s: %s; taken as done", type(method).__name__, exc.message)
            return True
