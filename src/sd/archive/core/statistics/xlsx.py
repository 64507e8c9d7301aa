"""Statistics tables as XLSX (统计表导出): openpyxl in write-only mode (rows streamed, any size)."""

from __future__ import annotations

import io


def xlsx_bytes(sheets: list[tuple[str, list, list[list], list | None]]) -> bytes:
    """``sheets``: (title, header, rows, total row or None) each; one worksheet per table."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, header, rows, total in sheets:
        sheet = book.create_sheet(title=str(title)[:31] or "统计")
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        if total:
            sheet.append(list(total))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
