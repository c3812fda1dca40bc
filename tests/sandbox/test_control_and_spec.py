"""The HTTP control API, the CLI entry, and agreement with the Bot API reference (the part of
it these tests need is in reference/bot_api.json; reference/refresh.py rebuilds it)."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from sandbox.emulator import tiny_png
from sandbox.emulator.api import METHODS
from sandbox.emulator.checks import MODELS

from .conftest import TOKEN

SPEC = Path(__file__).resolve().parent / "reference" / "bot_api.json"
# Fields real Telegram still sends although the reference no longer documents them.
DEPRECATED_ALIASES = {"getChatMembersCount"}  # still answered by the real server
LEGACY_FIELDS = {"new_chat_member", "new_chat_participant", "left_chat_participant"}


async def test_control_api_drives_a_conversation(emulator):
    base = f"{emulator.base_url}/_emulator"
    async with aiohttp.ClientSession() as http:
        async def call(action: str, **body):
            async with http.post(f"{base}/{action}", json=body) as resp:
                answer = await resp.json()
                assert answer["ok"], answer
                return answer["result"]

        person = await call("create_user", first_name="Li", username="li", language_code="zh")
        update = await call("start", user_id=person["id"])
        assert update["message"]["text"] == "/start"
        photo = await call("send_photo", user_id=person["id"], data_b64=base64.b64encode(tiny_png(8, 8)).decode())
        assert photo["message"]["photo"][-1]["width"] == 8
        album = await call("send_media_group", user_id=person["id"], items=[{"type": "photo"}, {"type": "photo"}])
        assert len(album) == 2
        await call("set_flood_limits", enabled=True, per_chat=[5, 1.0])
        assert emulator.state.limits.flood.per_chat.count == 5
        async with http.post(f"{emulator.base_url}/bot{TOKEN}/sendMessage",
                             data={"chat_id": str(person["id"]), "text": "hi"}) as resp:
            assert (await resp.json())["ok"]
        async with http.get(f"{base}/transcript", params={"chat_id": person["id"]}) as resp:
            transcript = (await resp.json())["result"]
        assert [m["text"] for m in transcript][-1] == "hi" and transcript[0]["text"] == "/start"
        async with http.get(f"{base}/requests", params={"method": "sendMessage"}) as resp:
            assert len((await resp.json())["result"]) == 1
        async with http.post(f"{base}/press_button", json={"user_id": person["id"], "message_id": 999}) as resp:
            assert resp.status == 400 and "no message 999" in (await resp.json())["error"]
        async with http.get(f"{base}/") as resp:
            assert "send_text" in (await resp.json())["result"]["actions"]


async def test_multipart_upload_with_a_file_part_named_after_the_field(emulator, user):
    form = aiohttp.FormData()
    form.add_field("chat_id", str(user["id"]))
    form.add_field("photo", tiny_png(), filename="direct.png", content_type="image/png")
    async with aiohttp.ClientSession() as http, \
            http.post(f"{emulator.base_url}/bot{TOKEN}/sendPhoto", data=form) as resp:
        body = await resp.json()
    assert body["ok"] and body["result"]["photo"][-1]["width"] == 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_cli_entry_serves_the_bot_api():
    port = _free_port()
    root = Path(__file__).resolve().parents[2]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox.emulator", "--port", str(port), cwd=root,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        # Waits for the emulator to be up, however busy the machine: not a measure of speed.
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        assert f"127.0.0.1:{port}" in line.decode()
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{port}/bot42:abc/getMe") as resp:
            assert (await resp.json())["result"]["username"] == "complaint_desk_bot"
    finally:
        process.terminate()
        await process.wait()


@pytest.fixture(scope="module")
def spec() -> dict:
    return json.loads(SPEC.read_text(encoding="utf-8"))


def test_every_emulated_method_exists_in_the_reference_with_the_same_required_fields(spec):
    for spec_entry in METHODS.values():
        if spec_entry.name in DEPRECATED_ALIASES:
            continue
        documented = spec["methods"].get(spec_entry.name)
        assert documented, f"{spec_entry.name} is not a Bot API method"
        model = MODELS[spec_entry.name.lower()]
        required_doc = set(documented["required"])
        required_model = {name for name, f in model.model_fields.items() if f.is_required()}
        assert required_doc == required_model, spec_entry.name


async def test_produced_objects_only_use_documented_fields(spec, bot, state, user):
    from aiogram.types import BufferedInputFile

    owner = state.create_user("Owner")
    forum = state.create_forum("F", owner_id=owner["id"])
    topic = await bot.create_forum_topic(forum["id"], "T")
    await bot.send_message(forum["id"], "<b>x</b>", parse_mode="HTML", message_thread_id=topic.message_thread_id)
    await bot.send_document(user["id"], BufferedInputFile(b"doc", "d.txt"), caption="c")
    state.send_photo(user["id"], caption="p")
    state.send_voice(user["id"])
    state.send_contact(user["id"])
    state.send_animation(user["id"])
    chat_full = await bot.get_chat(forum["id"])
    message_fields = set(spec["types"]["Message"]["fields"]) | LEGACY_FIELDS
    for chat_id in (forum["id"], user["id"]):
        for entry in state.transcript(chat_id):
            unknown = set(entry["message"]) - message_fields
            assert not unknown, (chat_id, unknown)
    full_fields = set(spec["types"]["ChatFullInfo"]["fields"])
    assert set(chat_full.model_dump(exclude_none=True)) <= full_fields | {"is_forum"}
