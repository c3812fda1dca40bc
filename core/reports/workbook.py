"""The .xlsx workbook: one sheet per table, then the raw case list.

The tables are small and written with openpyxl in write-only mode. The raw list can hold
a hundred thousand cases: openpyxl serialises each cell through its XML tree writer (about
90,000 cells a second here, over 15 s for a month of 100,000 cases), so that one sheet is
streamed straight into the saved package instead: rows come from the database in pages
and go out as plain sheet XML (inline strings), and memory stays flat however many cases.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import zipfile
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from string import ascii_uppercase
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.db.models import CaseRow
from core.db.uow import Database
from core.reports.compute import validity_expression
from core.reports.model import Summary
from core.reports.tables import MONEY, PERCENT, Shown, as_cell, sheet_name, tables
from core.reports.words import HEAD, RATINGS, REMEDIES, STATES, VALIDITY, Words

if TYPE_CHECKING:
    from openpyxl.styles import Font

PAGE = 5000  # raw cases fetched and written at a time
FORMATS = {PERCENT: "0.0%", MONEY: "#,##0.00"}
RAW_COLUMNS = ("number", "filed", "channel", "category", "department", "severity", "validity",
               "state", "customer", "product", "level", "reopened", "remedy", "amount",
               "rating", "closed")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed anywhere in XML 1.0


async def write_workbook(db: Database, summary: Summary, words: Words, path: Path,
                         tz: Any) -> Path:
    """Write the workbook to ``path``; the raw list is streamed from the database."""
    # Imported here: openpyxl costs a running bot ~25 MB it needs once a month.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables(summary, words):
        sheet = book.create_sheet(sheet_name(table.key, words))
        sheet.append([_cell(sheet, header, None, bold) for header in table.headers])
        for row in table.rows:
            sheet.append([_cell(sheet, value, table.formats.get(i)) for i, value in
                          enumerate(row)])
    raw = book.create_sheet(sheet_name("cases", words))
    raw_index = len(book.worksheets)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    await asyncio.to_thread(book.save, partial)
    del raw
    try:
        await _splice_raw(db, summary, words, tz, partial, path, raw_index)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _cell(sheet: Any, value: Any, fmt: str | None, font: Font | None = None) -> Any:
    if isinstance(value, Shown):
        value, fmt = value.value, value.format
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=as_cell(value))
    if fmt and value is not None:
        cell.number_format = FORMATS[fmt]
    if font is not None:
        cell.font = font
    return cell


async def _splice_raw(db: Database, summary: Summary, words: Words, tz: Any, partial: Path,
                      path: Path, index: int) -> None:
    """Copy the saved package, writing the raw list as the (empty) sheet number ``index``."""
    part = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(partial) as source, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        if part not in source.namelist():
            raise RuntimeError(f"openpyxl wrote no {part}")
        for item in source.infolist():
            if item.filename != part:
                with source.open(item) as data, target.open(item.filename, "w") as out:
                    shutil.copyfileobj(data, out)
        with target.open(part, "w", force_zip64=True) as out:
            header = [words(HEAD[c]) for c in RAW_COLUMNS]
            widths = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                             for i, w in enumerate((11, 17, 8, 18, 14, 9, 12, 16, 18, 24, 9, 9,
                                                    12, 11, 14, 17), start=1))
            out.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                       f'2006/main"><cols>{widths}</cols><sheetData>'
                       + _row(1, header)).encode())
            number = 1
            async for rows in _raw_pages(db, summary, words, tz):
                chunk = "".join(_row(number + i + 1, row) for i, row in enumerate(rows))
                number += len(rows)
                out.write(chunk.encode())
                await asyncio.sleep(0)  # let the bot's other work run between pages
            out.write(b"</sheetData></worksheet>")


_LETTERS = ascii_uppercase[:len(RAW_COLUMNS)]  # A..P: the raw list has 16 columns


def _row(number: int, values: list[Any]) -> str:
    cells = []
    for letter, value in zip(_LETTERS, values, strict=False):
        if value is None or value == "":
            continue
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        else:
            text = _ILLEGAL.sub("", str(value)).replace("&", "&amp;").replace(
                "<", "&lt;").replace(">", "&gt;")
            cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                         f'{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _cached(label: Callable[[str | None], str]) -> Callable[[str | None], str]:
    seen: dict[str | None, str] = {}

    def lookup(code: str | None) -> str:
        if code not in seen:
            seen[code] = label(code)
        return seen[code]

    return lookup


async def _raw_pages(db: Database, summary: Summary, words: Words,
                     tz: Any) -> AsyncIterator[list[list[Any]]]:
    """The cases of the period, oldest first, as rows of cell values, a page at a time."""
    start, end = summary.period.bounds(tz)
    category, department = _cached(words.category), _cached(words.department)
    severity = _cached(words.severity)
    validity = _cached(lambda c: words.of(VALIDITY, c))
    state = _cached(lambda c: words.of(STATES, c))
    remedy = _cached(lambda c: words.of(REMEDIES, c) if c else "")
    rating = _cached(lambda c: words.of(RATINGS, c) if c else "")
    statement = (select(CaseRow.number, CaseRow.filed_at, CaseRow.channel, CaseRow.category,
                        CaseRow.department, CaseRow.severity, validity_expression(),
                        CaseRow.state, CaseRow.contact_name, CaseRow.product,
                        CaseRow.escalation_level, CaseRow.reopen_count, CaseRow.remedy_kind,
                        CaseRow.remedy_amount, CaseRow.last_rating, CaseRow.closed_at)
                 .where(CaseRow.filed_at >= start, CaseRow.filed_at < end)
                 .order_by(CaseRow.filed_at, CaseRow.id)
                 .execution_options(yield_per=PAGE))
    async with db.sessions() as session:
        result = await session.stream(statement)
        async for page in result.partitions(PAGE):
            yield [[r[0], _local(r[1], tz), r[2], category(r[3]), department(r[4]),
                    severity(r[5]), validity(r[6]), state(r[7]), r[8], r[9], r[10], r[11],
                    remedy(r[12]), as_cell(r[13]), rating(r[14]), _local(r[15], tz)]
                   for r in page]


def _local(moment: datetime | None, tz: Any) -> str | None:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else None
