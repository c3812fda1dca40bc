"""`complaint-desk sandbox --script` runs on its own: no token, no Telegram, one command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

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


def test_ctrl_c_stops_the_sandbox_in_one_quiet_line_and_the_welcome_suggests_desk(
        tmp_path: object) -> None:
    """Started through ./desk (which says so in COMPLAINT_DESK_LAUNCHER), the welcome text
    suggests ./desk commands; Ctrl+C (SIGINT) ends it with one line and no warning."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "CONFIG_FILE")}
    env["COMPLAINT_DESK_LAUNCHER"] = "./desk"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", "0"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert process.stdout is not None
    stuck = threading.Timer(180, process.kill)  # never wait forever for the welcome text
    stuck.start()
    welcome = []
    for line in process.stdout:
        welcome.append(line)
        if "Press Ctrl+C to stop." in line:
            break
    stuck.cancel()
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    text = "".join(welcome)
    assert ("Replay a whole conversation instead: ./desk sandbox --script "
            "sandbox/scripts/intake_zh.toml\n") in text
    assert "complaint-desk sandbox" not in text
    assert process.returncode == 0, err
    assert err == "sandbox stopped\n"


def test_run_without_an_organisation_file_names_the_command_that_makes_one(
        tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CONFIG_FILE"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path,
                            env={**env, "BOT_TOKEN": "1:x", "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == ("complaint-desk run: no organisation file at organisation.toml"
                             " — create one with `complaint-desk init` (or `./desk init`)\n")


def test_a_sandbox_database_that_does_not_answer_is_one_line(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "sandbox", "--script",
         str(ROOT / "sandbox" / "scripts" / "intake_zh.toml"),
         "--database-url", "postgresql://nobody:s3cret@127.0.0.1:1/x"],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 2
    assert result.stderr.startswith("complaint-desk sandbox: DATABASE_URL: cannot reach the "
                                    "database at postgresql://nobody:***@127.0.0.1:1/x: ")
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr
