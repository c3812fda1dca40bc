"""``complaint-desk report``: the same workbook and charts as the bot's, into a folder."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from core.cli import main
from core.clock import ManualClock
from core.db.uow import Database
from core.services.rules import Rules
from tests.factories import POLICY
from tests.service.test_report import build_month


def toml_value(value: Any) -> str:
    """Enough TOML for the test policy: inline tables, arrays, strings, numbers."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()
                               if v is not None) + "}"  # TOML has no null: omitted
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, str) else str(value)


@pytest.fixture
def organisation_file(tmp_path: Path) -> Path:
    path = tmp_path / "organisation.toml"
    path.write_text(f'name = "Test Dairy"\ndefault_language = "zh_Hans"\n'
                    f"policy = {toml_value(POLICY)}\n", encoding="utf-8")
    return path


async def test_report_writes_the_workbook_and_charts(
        database: Database, rules: Rules, clock: ManualClock, organisation_file: Path,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await build_month(database, rules, clock)
    out = tmp_path / "out"
    args = ["report", "--month", "2026-11", "--out", str(out), "--language", "en",
            "--database-url", database.url, "--config", str(organisation_file)]
    assert await asyncio.to_thread(main, args) == 0  # main() runs its own event loop
    printed = capsys.readouterr().out
    assert "Complaint summary for 2026-11" in printed
    assert "Complaints: 6 (valid 4, invalid 1, not yet judged 1)." in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "cases_by_category.png", "cases_by_department.png", "complaints-2026-11.xlsx",
        "on_time_trend.png", "satisfaction.png"]
    book = load_workbook(out / "complaints-2026-11.xlsx")
    assert book["Cases"].max_row == 7  # the header and the month's six cases
    assert dict((r[0], r[1]) for r in book["By department"].iter_rows(
        min_row=2, values_only=True)) == {"Quality": 3, "(none)": 3}  # the policy's names

    # The organisation's own language by default: sheet names from the catalogs.
    zh = tmp_path / "zh"
    args = ["report", "--period", "2026-H2", "--out", str(zh), "--database-url", database.url,
            "--config", str(organisation_file)]
    assert await asyncio.to_thread(main, args) == 0
    sheets = load_workbook(zh / "complaints-2026-H2.xlsx").sheetnames
    assert sheets[0] != "Summary" and len(sheets) == 12


async def test_bad_periods_and_empty_months(database: Database, organisation_file: Path,
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--out", str(tmp_path), "--database-url", database.url,
            "--config", str(organisation_file)]
    assert await asyncio.to_thread(main, ["report", "--month", "2026-13", *base]) == 2
    assert "is not a period" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["report", "--month", "2026", *base]) == 2
    assert "--month '2026': use YYYY-MM" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["report", "--month", "2026-02", "--language", "en",
                                          *base]) == 0
    assert "No complaints were filed in 2026-02." in capsys.readouterr().out
    assert (tmp_path / "complaints-2026-02.xlsx").exists()
