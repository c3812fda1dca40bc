"""``./desk``, the entry point of a fresh clone: its first run says what it is doing, later
runs say nothing, pip's output shows only when installing fails.

A stand-in ``python3`` on PATH makes the "virtualenv" in a moment, so these tests do not
install anything."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_PYTHON3 = """#!/bin/sh
# python3 -c '<version check>' | python3 -m venv DIR
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  cat > "$3/bin/python" <<'PY'
#!/bin/sh
echo "WARNING: pip says a lot of things nobody needs to read"
exit "${FAKE_PIP_RC:-0}"
PY
  cat > "$3/bin/complaint-desk" <<'CD'
#!/bin/sh
echo "complaint-desk $* (launcher: $COMPLAINT_DESK_LAUNCHER)"
CD
  chmod +x "$3/bin/python" "$3/bin/complaint-desk"
fi
exit 0
"""


@pytest.fixture
def fake_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").write_text(FAKE_PYTHON3)
    (bin_dir / "python3").chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "COMPLAINT_DESK_VENV": str(tmp_path / "venv"), "TMPDIR": str(tmp_path)}


def desk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["./desk", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_the_first_run_says_what_it_does_and_later_runs_are_quiet(fake_env):
    first = desk(fake_env, "check-config", "x.toml")
    assert first.returncode == 0, first.stderr
    assert "creating the environment" in first.stderr
    assert "installing the project" in first.stderr
    assert "about a minute the first time" in first.stderr
    assert "done" in first.stderr.splitlines()[-1]
    assert len(first.stderr.splitlines()) <= 3
    assert "pip says" not in first.stderr + first.stdout
    assert first.stdout == "complaint-desk check-config x.toml (launcher: ./desk)\n"

    again = desk(fake_env, "check-config", "x.toml")
    assert again.returncode == 0
    assert again.stderr == ""
    assert again.stdout == first.stdout


def test_a_failed_install_shows_pips_output(fake_env):
    failed = desk({**fake_env, "FAKE_PIP_RC": "1"}, "sandbox")
    assert failed.returncode == 1
    assert "pip says a lot of things nobody needs to read" in failed.stderr
    assert "installing failed" in failed.stderr
    assert failed.stdout == ""
    # Nothing is marked installed: the next run tries again.
    assert not list(Path(fake_env["COMPLAINT_DESK_VENV"]).glob(".installed-*"))
