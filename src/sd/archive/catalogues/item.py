"""归档文件目录 of a fonds (item-level catalogue, DA/T 22-2015) from the catalog.

Every value comes from the catalog's metadata columns (``archival_code``, ``document_number``,
``author``, ``Title``, ``document_date``, ``security_level``, ``pages``): no record is woken,
so 10,000 records cost one catalog query and the layout (see bench/bench_catalogue.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from plone import api

from sd.archive.catalogues.brains import text
from sd.archive.catalogues.brains import value
from sd.archive.catalogues.brains import whole
from sd.archive.core.catalogues.item_catalogue import CatalogueEntry
from sd.archive.core.catalogues.item_catalogue import Heading
from sd.archive.core.catalogues.item_catalogue import date_text
from sd.archive.core.catalogues.item_catalogue import in_code_order
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class CatalogueSelection:
    """Which records (or volumes) of a fonds the catalogue lists (年度 / 类别 / 保管期限;
    empty: all); ``uids``: only these records or volumes (a list of ticked records)."""

    year: str = ""
    category: str = ""
    retention: str = ""
    uids: tuple[str, ...] = ()

    @classmethod
    def from_form(cls, form) -> CatalogueSelection:
        values = {k: str(form.get(k, "") or "").strip() for k in ("year", "category", "retention")}
        uids = form.get("uid") or ()
        values["uids"] = tuple(u for u in ([uids] if isinstance(uids, str) else uids) if u)
        if values["year"] and not values["year"].isdigit():
            raise ArchiveError(
                "year must be a number (年度须为数字)",
                [Problem("CATALOGUE-YEAR", f"not a year: {values['year']}", "", "year")],
                400,
                "BadRequest",
            )
        return cls(**values)

    def query(self, fonds, portal_type: str = "Record") -> dict:
        """The catalog query of the selection under ``fonds`` (``Record`` or ``Dossier``)."""
        query = {"portal_type": portal_type, "path": "/".join(fonds.getPhysicalPath())}
        if self.uids:
            query["UID"] = list(self.uids)
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
        code = text(brain.archival_code)
        if not code:
            continue
        found.append(
            CatalogueEntry(
                code,
                text(value(brain, "document_number")),
                text(value(brain, "author")),
                text(brain.Title),
                date_text(value(brain, "document_date")),
                text(value(brain, "security_level")),
                whole(value(brain, "pages")),
            )
        )
    return in_code_order(found)


def heading(fonds, selection: CatalogueSelection) -> Heading:
    return Heading(
        getattr(fonds, "fonds_code", "") or "",
        getattr(fonds, "agency_name", "") or fonds.Title(),
        selection.year,
        selection.category,
        selection.retention,
    )
