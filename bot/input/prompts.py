"""Reply prompts: the bot asks with ForceReply and only a reply to that very prompt is the
answer, so an unrelated message later (the bot sees all group chatter where it is an
admin) is never taken for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.fsm.context import FSMContext
from aiogram.types import Message

PROMPT_KEY = "prompt_id"  # the FSM data key holding the pending prompt's message id


def answers_prompt() -> Callable[[Message, FSMContext], Awaitable[bool]]:
    """A filter: the message replies to the prompt stored under ``PROMPT_KEY``."""
    async def replies_to_the_prompt(message: Message, state: FSMContext) -> bool:
        reply = message.reply_to_message
        return reply is not None and reply.message_id == (await state.get_data()).get(
            PROMPT_KEY)
    return replies_to_the_prompt
