"""Legacy catalogues from XLSX (旧目录导入): read and check every row before anything is stored.

The sheet has a header row (within its first five rows) naming at least 档号 and 题名; the
other DA/T 22 columns (文号, 责任者, 日期, 密级, 页数, 备注) are read when present, in any order.
Every row is checked and every failure reported with its row number and column, so the caller
stores nothing unless the whole sheet passes (全部通过才入库)."""

from __future__ import annotations

import re
from datetime import date
from datetime import datetime
from typing import BinaryIO
from typing import NamedTuple

from sd.archive.core.errors import Problem

#: column heading → field; 档号 and 题名 are required
HEADINGS = {
    "档号": "archival_code",
    "文号": "document_number",
    "责任者": "author",
    "题名": "title",
    "日期": "document_date",
    "密级": "security_level",
    "页数": "pages",
    "备注": "remarks",
}
REQUIRED = ("档号", "题名")
#: rows read at most from one sheet (one transaction)
MAX_ROWS = 10_000


class LegacyRow(NamedTuple):
    row: int  # the sheet's row number (1-based), for messages
    archival_code: str
    title: str
    document_number: str = ""
    author: str = ""
    document_date: date | None = None
    security_level: str = ""
    pages: int | None = None
    remarks: str = ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value) -> date | None:
    """日期 as a sheet gives it: a date cell, 20230105, 2023-01-05, 2023/1/5, 2023.01.05."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text) or re.fullmatch(
        r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text
    )
    if not match:
        raise ValueError(f"not a date: {text}")
    return date(*(int(g) for g in match.groups()))


def _where(row: int) -> str:
    return f"第{row}行"


def read_catalogue(stream: BinaryIO) -> tuple[list[LegacyRow], list[Problem]]:
    """The rows of the first sheet and every problem found (empty rows are skipped)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file is the sender's error
        return [], [Problem("IMPORT-FILE", f"not an XLSX workbook: {error}", "", "file")]
    sheet = book.worksheets[0]
    rows, problems, columns, seen, data_rows = [], [], None, {}, 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells = [_text(v) if not isinstance(v, (date, datetime)) else v for v in values]
        if columns is None:
            if number > 5:
                break
            names = [c if isinstance(c, str) else "" for c in cells]
            if all(h in names for h in REQUIRED):
                columns = {i: HEADINGS[n] for i, n in enumerate(names) if n in HEADINGS}
            continue
        if not any(c not in ("", None) for c in cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            problems.append(Problem("IMPORT-SIZE", f"at most {MAX_ROWS} rows", _where(number), ""))
            break
        entry, row_problems = _row(number, cells, columns)
        if entry is not None and entry.archival_code in seen:
            row_problems.append(
                Problem(
                    "IMPORT-DUPLICATE",
                    f"档号 repeats row {seen[entry.archival_code]} (档号重复)",
                    _where(number),
                    "档号",
                )
            )
        if row_problems:
            problems.extend(row_problems)
        else:
            seen[entry.archival_code] = number
            rows.append(entry)
    book.close()
    if columns is None:
        problems.append(
            Problem("IMPORT-HEADER", "no header row naming 档号 and 题名 (未找到表头)", "", "file")
        )
    elif not rows and not problems:
        problems.append(Problem("IMPORT-EMPTY", "the sheet has no rows (无数据行)", "", "file"))
    return rows, problems


def _row(number: int, cells: list, columns: dict) -> tuple[LegacyRow | None, list[Problem]]:
    values = {field: cells[i] if i < len(cells) else "" for i, field in columns.items()}
    problems = []
    heading = {v: k for k, v in HEADINGS.items()}
    for name in ("archival_code", "title"):
        if not values.get(name):
            problems.append(
                Problem(
                    "IMPORT-REQUIRED",
                    f"{heading[name]} is empty (必填)",
                    _where(number),
                    heading[name],
                )
            )
    try:
        values["document_date"] = parse_date(values.get("document_date"))
    except ValueError as error:
        problems.append(Problem("IMPORT-DATE", str(error), _where(number), "日期"))
    pages = values.get("pages")
    if pages in ("", None):
        values["pages"] = None
    elif str(pages).isdigit():
        values["pages"] = int(pages)
    else:
        problems.append(
            Problem("IMPORT-PAGES", f"not a page count: {pages}", _where(number), "页数")
        )
    if problems:
        return None, problems
    text = {k: v for k, v in values.items() if k not in ("document_date", "pages")}
    return LegacyRow(
        number,
        **{k: str(v) for k, v in text.items()},
        document_date=values["document_date"],
        pages=values["pages"],
    ), []
