"""`complaint-desk init` writes a first organisation file that `run` and check-config accept."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.cli import build_parser, main
from core.init_command import cmd_init
from core.organisation import load_organisation
from core.policy import PRESETS_DIR

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not (PRESETS_DIR / "000_generic.toml").exists(),
                                reason="presets not present")


def _init(argv: list[str], stdin: str = "") -> tuple[int, str]:
    stdout = io.StringIO()
    args = build_parser().parse_args(["init", *argv])
    return cmd_init(args, stdin=io.StringIO(stdin), stdout=stdout), stdout.getvalue()


def test_init_with_flags_writes_a_file_that_loads_and_checks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "org.toml"
    code, said = _init(["--name", 'Acme "Foods"', "--preset", "002", "--admin", "100",
                        "--language", "zh_Hant", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert f"wrote {out}" in said
    organisation = load_organisation(out)
    assert organisation.name == 'Acme "Foods"'
    assert organisation.admins == (100,)
    assert organisation.default_language == "zh_Hant"
    assert organisation.policy.name.startswith("002")
    text = out.read_text(encoding="utf-8")
    # Commented for a person, with this preset's own codes in the examples.
    assert "# [[staff]]" in text and "# [[groups]]" in text and "food manufacturer" in text
    assert main(["check-config", str(out)]) == 0
    assert capsys.readouterr().out.strip().endswith("OK")


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "organisation.toml"
    out.write_text("# mine\n", encoding="utf-8")
    flags = ["--name", "Acme", "--preset", "000_generic", "--admin", "100",
             "--language", "en", "--out", str(out)]
    assert _init(flags)[0] == 2
    err = capsys.readouterr().err
    assert err == (f"complaint-desk init: {out} already exists; --force replaces it "
                   "(or --out another path)\n")
    assert out.read_text(encoding="utf-8") == "# mine\n"
    assert _init([*flags, "--force"])[0] == 0
    assert load_organisation(out).name == "Acme"


def test_missing_flags_without_a_terminal_are_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "organisation.toml"
    code, _ = _init(["--name", "Acme", "--preset", "000", "--out", str(out)])
    assert code == 2
    assert capsys.readouterr().err == (
        "complaint-desk init: not on a terminal, so nothing can be asked: give --admin, "
        "--language (or run it in a terminal to be asked)\n")
    assert not out.exists()


def test_bad_values_name_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    out = tmp_path / "organisation.toml"
    base = {"--name": "Acme", "--preset": "000", "--admin": "100", "--language": "en"}
    for flag, bad, says in (("--preset", "999", "no preset '999'; choose one of 000_generic"),
                            ("--admin", "@boss", "'@boss' is not a Telegram user id"),
                            ("--language", "fr", "'fr' is not a language here"),
                            ("--name", " ", "the company's name is empty")):
        argv = [part for key, value in {**base, flag: bad}.items() for part in (key, value)]
        assert _init([*argv, "--out", str(out)])[0] == 2
        err = capsys.readouterr().err
        assert err.startswith("complaint-desk init: ") and says in err and err.count("\n") == 1
    assert not out.exists()


def _read_until(fd: int, wanted: str, seen: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while wanted not in "".join(seen):
        assert time.monotonic() < deadline, f"never asked {wanted!r}; got {''.join(seen)!r}"
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen.append(os.read(fd, 4096).decode("utf-8", "replace"))
            except OSError:  # the child closed the terminal
                break


def test_init_on_a_terminal_asks_lists_presets_and_re_asks_a_bad_answer(tmp_path: Path
                                                                        ) -> None:
    """A real pseudo-terminal, so the command sees a person typing."""
    out = tmp_path / "organisation.toml"
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CONFIG_FILE"}
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "init"], cwd=tmp_path,
                               env={**env, "PYTHONPATH": str(ROOT)}, stdin=slave,
                               stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    seen: list[str] = []
    try:
        for prompt, answer in (("company's name", "Sunrise Dairy"),
                               ("closest preset [000_generic]", "road_rescue"),
                               ("Telegram user id", "boss"),
                               ("is not a Telegram user id", "100"),
                               ("default language (zh_Hans, zh_Hant, en) [zh_Hans]", "")):
            _read_until(master, prompt, seen)
            os.write(master, f"{answer}\n".encode())
        assert process.wait(timeout=60) == 0
        _read_until(master, "wrote organisation.toml", seen)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    text = "".join(seen)
    assert "000_generic        the generic seven-step procedure" in text
    assert "004_road_rescue    24-hour road clearance and rescue service" in text
    organisation = load_organisation(out)
    assert (organisation.name, organisation.admins, organisation.default_language) == (
        "Sunrise Dairy", (100,), "zh_Hans")
    assert organisation.policy.name.startswith("004")
