"""归档文件目录 of a fonds (item-level catalogue, DA/T 22-2015) from the catalog.

Every value comes from the catalog's metadata columns (``archival_code``, ``document_number``,
``author``, ``Title``, ``document_date``, ``security_level``, ``pages``): no record is woken,
so 10,000 records cost one catalog query and the layout (see bench/bench_catalogue.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from Missing import Value as MissingValue
from plone import api

from sd.archive.core.catalogues.item_catalogue import CatalogueEntry
from sd.archive.core.catalogues.item_catalogue import Heading
from sd.archive.core.catalogues.item_catalogue import date_text
from sd.archive.core.catalogues.item_catalogue import in_code_order
from sd.archive.core.catalogues.item_catalogue import write_pdf
from sd.archive.core.catalogues.item_catalogue import write_xlsx
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _text(value) -> str:
    if value is None or value is MissingValue:
        return ""
    return str(value)


def _pages(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class CatalogueSelection:
    """Which records of a fonds the catalogue lists (年度 / 类别 / 保管期限; empty: all)."""

    year: str = ""
    category: str = ""
    retention: str = ""

    @classmethod
    def from_form(cls, form) -> CatalogueSelection:
        values = {k: str(form.get(k, "") or "").strip() for k in ("year", "category", "retention")}
        if values["year"] and not values["year"].isdigit():
            raise ArchiveError(
                "year must be a number (年度须为数字)",
                [Problem("CATALOGUE-YEAR", f"not a year: {values['year']}", "", "year")],
                400,
                "BadRequest",
            )
        return cls(**values)

    def query(self, fonds) -> dict:
        query = {"portal_type": "Record", "path": "/".join(fonds.getPhysicalPath())}
        if self.year:
            query["archive_year"] = int(self.year)
        if self.category:
            query["category_code"] = self.category
        if self.retention:
            query["retention_period"] = self.retention
        return query


def entries(fonds, selection: CatalogueSelection) -> list[CatalogueEntry]:
    """The 件 of the selection that have a 档号, in 档号 order (pre-archived records without a
    code are not catalogued yet)."""
    # a restricted search: only the records the user may view, as the fonds' listing shows
    brains = api.portal.get_tool("portal_catalog").searchResults(**selection.query(fonds))
    found = []
    for brain in brains:
        code = _text(brain.archival_code)
        if not code:
            continue
        found.append(
            CatalogueEntry(
                code,
                _text(getattr(brain, "document_number", None)),
                _text(getattr(brain, "author", None)),
                _text(brain.Title),
                date_text(_none(getattr(brain, "document_date", None))),
                _text(getattr(brain, "security_level", None)),
                _pages(getattr(brain, "pages", None)),
            )
        )
    return in_code_order(found)


def _none(value):
    return None if value is MissingValue else value


def heading(fonds, selection: CatalogueSelection) -> Heading:
    return Heading(
        getattr(fonds, "fonds_code", "") or "",
        getattr(fonds, "agency_name", "") or fonds.Title(),
        selection.year,
        selection.category,
        selection.retention,
    )


def render(fonds, selection: CatalogueSelection, kind: str) -> tuple[bytes, str, str]:
    """The catalogue as (bytes, media type, file name)."""
    if kind not in FORMATS:
        raise ArchiveError(
            "format must be xlsx or pdf (格式须为 xlsx 或 pdf)",
            [Problem("CATALOGUE-FORMAT", f"unknown format: {kind}", "", "format")],
            400,
            "BadRequest",
        )
    rows = entries(fonds, selection)
    out = io.BytesIO()
    if kind == "xlsx":
        write_xlsx(rows, out, heading(fonds, selection))
    else:
        write_pdf(rows, out, heading(fonds, selection))
    parts = [getattr(fonds, "fonds_code", "") or "fonds", selection.year, selection.category]
    parts.append(selection.retention)
    name = "-".join(p for p in parts if p) + f"-catalogue.{kind}"
    return out.getvalue(), FORMATS[kind], name
