"""aiogram's types are built on first use and once (bot.runtime.lazy_types); every one of them builds."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = textwrap.dedent("""
    import bot.runtime.app  # the bot as the process imports it
    from pydantic import BaseModel
    from aiogram.methods.base import Response
    from aiogram.types import Message, Update

    def every(cls):
        found, stack = [], [cls]
        while stack:
            for sub in stack.pop().__subclasses__():
                found.append(sub)
                stack.append(sub)
        return [m for m in found if m.__module__.startswith("aiogram.")]

    built_at_import = sum(m.__pydantic_complete__ for m in every(BaseModel))

    # pydantic builds a model when first used, looking a few frames up: use them as a bot would.
    def deep(step, depth=6):
        return deep(step, depth - 1) if depth else step()

    update = deep(lambda: Update.model_validate({"update_id": 1, "message": {
        "message_id": 5, "date": 1, "chat": {"id": 7, "type": "private"},
        "from": {"id": 7, "is_bot": False, "first_name": "Ann"}, "text": "hello",
        "reply_to_message": {"message_id": 4, "date": 1, "chat": {"id": 7, "type": "private"}}}}))
    assert update.message.reply_to_message.message_id == 4
    reply = deep(lambda: Response[Message].model_validate(
        {"ok": True, "result": {"message_id": 6, "date": 1, "chat": {"id": 7, "type": "private"}}}))
    assert reply.result.chat.id == 7
    import gc, weakref  # a model made for every answer is made once, not after each collection
    kept = weakref.ref(deep(lambda: Response[Message]))
    gc.collect()
    assert kept() is not None

    broken = []
    for model in every(BaseModel):
        try:
            deep(lambda: model.__pydantic_validator__.validate_python)
        except Exception as exc:
            broken.append(f"{model.__name__}: {exc}")
    print(built_at_import, len(every(BaseModel)), broken)
""")


def test_types_wait_until_used_and_every_one_of_them_builds() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, check=False,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    built_at_import, models, broken = done.stdout.strip().split(" ", 2)
    assert broken == "[]"
    assert int(models) > 500
    assert int(built_at_import) < int(models) // 2  # the deferral is in effect
