"""`complaint-desk run` with a database, Redis or Bot API that does not answer: one line
naming the setting and the address (password hidden), exit status 2, no traceback.

Port 1 on the loopback is closed everywhere these tests run (nothing unprivileged can
listen there), so each connection is refused at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import ROOT


def _run(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TELEGRAM_API_URL")}
    env.update(BOT_TOKEN="123456:E2E-TOKEN", CONFIG_FILE=str(ROOT / "sandbox" /
                                                             "demo_organisation.toml"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'desk.db'}", PYTHONPATH=str(ROOT))
    env.update(settings)  # the test's broken setting wins
    return subprocess.run([sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.stderr.strip().splitlines()[-1]


def test_an_unreachable_database_is_one_line_with_the_password_hidden(tmp_path: Path) -> None:
    result = _run(tmp_path, DATABASE_URL="postgresql://nobody:s3cret@127.0.0.1:1/x")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "complaint-desk run: DATABASE_URL: cannot reach the database at "
        "postgresql://nobody:***@127.0.0.1:1/x: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr


def test_an_unreachable_redis_is_one_line(tmp_path: Path) -> None:
    result = _run(tmp_path, REDIS_URL="redis://:s3cret@127.0.0.1:1/0")
    assert result.returncode == 2
    assert _last_line(result).startswith(
        "complaint-desk run: REDIS_URL: cannot reach Redis at redis://:***@127.0.0.1:1/0: ")
    assert "s3cret" not in result.stderr


def test_an_unreachable_bot_api_is_tried_again_then_one_line(tmp_path: Path) -> None:
    result = _run(tmp_path, TELEGRAM_API_URL="http://127.0.0.1:1", BOT_API_ATTEMPTS="3",
                  BOT_API_BACKOFF_SECONDS="0.05")
    assert result.returncode == 2
    assert _last_line(result).startswith(
        "complaint-desk run: TELEGRAM_API_URL: no answer from the Bot API at "
        "http://127.0.0.1:1 after 3 attempt(s): ")
    retries = [line for line in result.stderr.splitlines()
               if "the Bot API at http://127.0.0.1:1 did not answer" in line]
    assert [line.split("(attempt ")[1][:6] for line in retries] == ["1 of 3", "2 of 3"]
    assert "E2E-TOKEN" not in result.stderr  # the token is part of every request's path


def test_settings_that_are_not_addresses_at_all_are_one_line_each(tmp_path: Path) -> None:
    for setting, value in (("DATABASE_URL", "not a url"), ("REDIS_URL", "localhost:6379")):
        result = _run(tmp_path, **{setting: value})
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"complaint-desk run: setting {setting}: ")
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
