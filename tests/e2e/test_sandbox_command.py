"""`complaint-desk sandbox --script` runs on its own: no token, no Telegram, one command."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.conftest import ROOT


def test_the_sandbox_replays_a_script_and_prints_the_transcript(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "CONFIG_FILE")}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "sandbox", "--script",
         str(ROOT / "sandbox" / "scripts" / "intake_zh.toml")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "=== Li Lei — private chat ===" in out
    assert "Bot: 谢谢。您的投诉已登记，投诉编号 " in out
    assert "Bot: 您的投诉：" in out  # /status lists the new case
    assert "Traceback" not in result.stderr


def test_a_broken_script_is_one_clear_line(tmp_path: object) -> None:
    script = os.path.join(str(tmp_path), "bad.toml")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write('[[step]]\nuser = "nobody"\nsay = "hi"\n')
    result = subprocess.run([sys.executable, "-m", "bot.cli", "sandbox", "--script", script],
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 2
    assert "no demo user 'nobody'" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_without_a_token_or_with_a_broken_config_says_so_in_one_line(tmp_path: object
                                                                         ) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "complaint-desk run: setting BOT_TOKEN: Field required"
    broken = os.path.join(str(tmp_path), "org.toml")
    with open(broken, "w", encoding="utf-8") as handle:
        handle.write('preset = "000_generic"\n[[staff]]\ntelegram_id = 1\nname = "X"\n'
                     'role = "wizard"\n')
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run", "--config", broken],
                            cwd=tmp_path, env={**env, "BOT_TOKEN": "1:x"}, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "org.toml, line 5: staff.0.role:" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
