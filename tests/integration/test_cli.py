"""The command line: migrate creates the database, check-config explains a bad file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.cli import main
from core.db.migrate import current_revision, head_revision


async def test_migrate_creates_the_database_at_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    # main() runs its own event loop, so run it outside the test's loop.
    code = await asyncio.to_thread(main, ["migrate", "--database-url", url])
    assert code == 0
    assert await current_revision(url) == head_revision()
    assert "revision" in capsys.readouterr().out


def test_check_config_names_file_line_key_and_problem(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "org.toml"
    bad.write_text('name = "x"\ndepartments = [{code = "q", name = "Q"}]\n'
                   '[[categories]]\ncode = "a"\ndepartment = "nowhere"\n'
                   '[sla]\nhandover = "1d"\n[[escalation]]\ncode = "specialist"\n',
                   encoding="utf-8")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert str(bad) in err and "line 5" in err and "categories.a.department" in err
    assert "nowhere" in err


def test_check_config_refuses_a_file_that_is_not_toml(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "org.toml"
    bad.write_text("name = \n", encoding="utf-8")
    assert main(["check-config", str(bad)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_check_config_summarises_a_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).resolve().parents[2] / "presets" / "000_generic.toml"
    if not path.exists():
        pytest.skip("presets not present")
    assert main(["check-config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "departments:" in out and out.strip().endswith("OK")


def test_check_config_describes_each_deadline_unit_in_words(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).resolve().parents[2] / "presets" / "002_food.toml"
    assert main(["check-config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "whole_case 3wd: 3 working days (statutory calendar" in out
    assert "first_response 24ch: 24 hours on the clock" in out
    assert "handover 30m: 30 minutes of opening hours" in out


def test_check_config_still_accepts_days_without_a_unit_of_their_own(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org = tmp_path / "org.toml"
    org.write_text(
        'name = "old"\n[[departments]]\ncode = "q"\nname = "Q"\n'
        '[[categories]]\ncode = "other"\ndepartment = "q"\n'
        '[sla]\ncustomer_answer = "5d"\n[[escalation]]\ncode = "boss"\n', encoding="utf-8")
    assert main(["check-config", str(org)]) == 0
    out = capsys.readouterr().out
    assert "customer_answer 5d: 5 days the organisation is open" in out
    assert out.strip().endswith("OK")
