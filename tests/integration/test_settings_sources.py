"""Every command reads one settings object (environment, then ``.env``): a database named
only in ``.env`` is the one ``migrate`` upgrades and the one ``run`` opens."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import run_settings
from core.cli import main
from core.db.migrate import current_revision, head_revision

# Variables that would otherwise beat the .env file written by each test.
OUTSIDE = ("DATABASE_URL", "CONFIG_FILE", "BOT_TOKEN", "DATABASE_POOL_SIZE")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in OUTSIDE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_migrate_and_run_agree_on_a_database_named_only_in_dotenv(workdir: Path) -> None:
    url = f"sqlite:///{workdir / 'from-dotenv.db'}"
    (workdir / ".env").write_text(f"DATABASE_URL={url}\nBOT_TOKEN=1:x\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE}

    result = subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr[-2000:]
    assert asyncio.run(current_revision(url)) == head_revision()
    assert not (workdir / "complaint-desk.db").exists()  # the default was not touched
    # `run` builds its settings the same way, in the same directory: the same database.
    assert run_settings().database_url == url


def test_a_flag_still_wins_over_dotenv(workdir: Path) -> None:
    (workdir / ".env").write_text(f"DATABASE_URL=sqlite:///{workdir / 'dotenv.db'}\n",
                                  encoding="utf-8")
    chosen = f"sqlite:///{workdir / 'flag.db'}"

    assert main(["migrate", "--database-url", chosen]) == 0

    assert asyncio.run(current_revision(chosen)) == head_revision()
    assert not (workdir / "dotenv.db").exists()


def test_jobs_use_the_organisation_file_named_in_dotenv(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / ".env").write_text("CONFIG_FILE=elsewhere.toml\n", encoding="utf-8")

    assert main(["jobs", "run-due", "--database-url", f"sqlite:///{workdir / 'x.db'}"]) == 2

    assert "elsewhere.toml" in capsys.readouterr().err


def test_a_bad_setting_is_one_line_for_every_command(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / ".env").write_text("DATABASE_POOL_SIZE=0\n", encoding="utf-8")

    assert main(["migrate"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("complaint-desk migrate: setting DATABASE_POOL_SIZE: ")
    assert err.count("\n") == 1 and "Traceback" not in err
