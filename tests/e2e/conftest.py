"""End-to-end: the real ``complaint-desk run`` process polling the local Bot API emulator.

The emulator runs in the test's event loop; the bot is a separate OS process that only
knows the emulator's URL, exactly as it would know Telegram's.

No test here trusts the real date or hour: the bot (``CLOCK_START``), the emulator and the
test share one clock that starts at ``START`` — a working Tuesday morning in Shanghai —
and ticks on from there, whatever day the suite runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from core.clock import OffsetClock
from sandbox.emulator.server import Emulator, start_emulator
from sandbox.world import populate

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:E2E-TOKEN"
REPLY_TIMEOUT = 60.0  # generous: a group paces its messages 3 s apart, CI runs 4 workers on 2 cores
START = datetime.fromisoformat("2026-11-03T10:00:00+08:00")


class Desk:
    """The emulator plus the bot process, driven as people would chat."""

    def __init__(self, emulator: Emulator, tmp_path: Path, clock: OffsetClock) -> None:
        self.emulator = emulator
        self.clock = clock  # the bot's and the emulator's
        self.state = emulator.state
        self.tmp_path = tmp_path
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tmp_path / "bot.log"
        self.database_url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
        self.answered: set[int] = set()  # prompts already replied to (see reply_in)

    def environment(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=self.emulator.base_url,
                   DATABASE_URL=self.database_url,
                   CONFIG_FILE=str(ROOT / "sandbox" / "demo_organisation.toml"),
                   LOG_LEVEL="INFO", CLOCK_START=self.clock.now().isoformat())
        env.pop("REDIS_URL", None)  # a test that wants Redis names it
        env.update(extra)  # a test's own settings win, CONFIG_FILE included
        return env

    def start_bot(self, **extra: str) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT,
                                            env=self.environment(**extra), stdout=log,
                                            stderr=subprocess.STDOUT)

    async def start_organisation(self, organisation_toml: str) -> None:
        """The bot on an organisation file of a test's own (a preset's people and groups),
        started and polling."""
        organisation = self.tmp_path / "organisation.toml"
        organisation.write_text(organisation_toml, encoding="utf-8")
        self.start_bot(CONFIG_FILE=str(organisation))
        await self.wait_until_started()

    async def wait_until_started(self) -> None:
        """Start-up ends with deleteWebhook; long polling follows at once."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while not self.state.requests("deleteWebhook"):
            assert loop.time() < deadline, "the bot did not start"
            assert self.process is None or self.process.poll() is None, "the bot exited"
            await asyncio.sleep(0.05)

    async def stop_bot(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = await asyncio.to_thread(self.process.wait, REPLY_TIMEOUT)
        self.process = None
        return code

    def last_id(self, chat_id: int) -> int:
        messages = self.state.bot_messages(chat_id)
        return messages[-1]["message_id"] if messages else 0

    async def replies(self, chat_id: int, after: int, count: int = 1) -> list[dict[str, Any]]:
        return await self.state.wait_for_bot_message(chat_id, after=after, count=count,
                                                     timeout=REPLY_TIMEOUT)

    async def say(self, user_id: int, text: str, count: int = 1) -> list[str]:
        """The user writes; returns the texts of the bot's next ``count`` messages."""
        after = self.last_id(user_id)
        self.state.send_text(user_id, text)
        return [m.get("text", "") for m in await self.replies(user_id, after, count)]

    async def wait_for(self, chat_id: int, predicate: Any) -> dict[str, Any]:
        """The newest bot message in ``chat_id`` that satisfies ``predicate`` (waits)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while loop.time() < deadline:
            for message in reversed(self.state.bot_messages(chat_id)):
                if predicate(message):
                    return message
            await asyncio.sleep(0.1)
        texts = [m.get("text", "")[:80] for m in self.state.bot_messages(chat_id)]
        raise AssertionError(f"no such message in chat {chat_id}; it has: {texts}")

    async def press_in(self, chat_id: int, user_id: int, label: str) -> dict[str, Any]:
        """``user_id`` presses the newest button ``label`` in a group; returns the bot's
        answer to the press (the toast), once it has answered."""
        message = await self.wait_for(chat_id, lambda m: any(
            b.get("text") == label
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row))
        update = self.state.press_button(user_id, message["message_id"], text=label,
                                         chat_id=chat_id)
        return await self.answer_to(update["callback_query"]["id"])

    async def answer_to(self, query_id: str) -> dict[str, Any]:
        """The bot's answer to a button press (its toast), once it has answered."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        while (answer := self.state.callback_answer(query_id)) is None:
            assert loop.time() < deadline, "the bot never answered a button press"
            await asyncio.sleep(0.05)
        return answer

    async def reply_in(self, chat_id: int, user_id: int, prompt_start: str, text: str) -> None:
        """Answer the bot's prompt starting with ``prompt_start`` in a group, the first one
        not answered yet (an answered prompt is spent: the bot takes only its newest)."""
        prompt = await self.wait_for(chat_id, lambda m: m.get("text", "").startswith(
            prompt_start) and m["message_id"] not in self.answered)
        self.answered.add(prompt["message_id"])
        self.state.send_text(user_id, text, chat_id=chat_id, reply_to=prompt["message_id"])

    async def press(self, user_id: int, label: str, count: int = 1) -> list[str]:
        """Press the newest inline button labelled ``label`` in the user's private chat."""
        for message in reversed(self.state.bot_messages(user_id)):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            if any(b.get("text") == label for row in rows for b in row):
                after = self.last_id(user_id)
                self.state.press_button(user_id, message["message_id"], text=label)
                return [m.get("text", "") for m in await self.replies(user_id, after, count)]
        raise AssertionError(f"no button {label!r} in chat {user_id}")


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    clock = OffsetClock(START)
    emulator = await start_emulator(token=TOKEN, wallclock=lambda: clock.now().timestamp())
    populate(emulator.state)
    desk = Desk(emulator, tmp_path, clock)
    try:
        yield desk
    finally:
        if desk.process is not None:
            desk.process.kill()
            desk.process.wait()
        await emulator.close()
        if desk.log.exists():
            sys.stdout.write(desk.log.read_text(encoding="utf-8", errors="replace")[-4000:])
