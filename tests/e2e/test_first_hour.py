"""The first hour: `complaint-desk init` with flags, then the bot runs on the file it wrote."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from core.policy import PRESETS_DIR
from tests.e2e.conftest import ROOT, Desk


@pytest.mark.skipif(not (PRESETS_DIR / "000_generic.toml").exists(),
                    reason="presets not present")
async def test_a_file_written_by_init_runs_the_bot_and_names_the_company(desk: Desk) -> None:
    out = desk.tmp_path / "organisation.toml"
    # 100 is the emulator's demo administrator (sandbox/world.py), who writes in English.
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot.cli", "init", "--name", "Acme Foods", "--preset", "002",
         "--admin", "100", "--language", "en", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    desk.start_bot(CONFIG_FILE=str(out))
    await desk.wait_until_started()
    greeting = (await desk.say(100, "/start"))[0]
    assert greeting.startswith("Hello, Admin. This is the complaint desk of Acme Foods.")
