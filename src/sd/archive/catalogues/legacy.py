"""Import of a legacy catalogue (旧目录导入) into a fonds: one description-only 件 per row.

The sheet is read and checked by ``sd.archive.core.catalogues.legacy_import``; here each row's
档号 is also checked against the fonds' code rule (its fonds code, grammar) and against the
codes already in the fonds. Only when no row fails is anything stored: each row becomes a
pre-archived record without files (待整理), its 档号 accepted and frozen as intake accepts a
package's code (``numbering.accept_code``); the officer archives them through the usual path.
A failure while storing is raised, and the caller dooms the transaction (all or nothing)."""

from __future__ import annotations

from plone import api

from sd.archive.catalogues.batch import refused
from sd.archive.core import codes
from sd.archive.core.catalogues.legacy_import import LegacyRow
from sd.archive.core.catalogues.legacy_import import read_catalogue
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.numbering import _category_of
from sd.archive.numbering import accept_code
from sd.archive.repository import create_record
from sd.archive.rules import code_rule


def _where(row: LegacyRow) -> str:
    return f"第{row.row}行"


class LegacyImport:
    """One sheet for one fonds: :meth:`preview` (rows and problems), :meth:`apply`."""

    def __init__(self, fonds, stream):
        self.fonds = fonds
        self.rows, self.problems = read_catalogue(stream)
        self.parts: dict[int, codes.CodeParts] = {}

    def _check_codes(self) -> None:
        fonds_code = getattr(self.fonds, "fonds_code", "")
        catalog = api.portal.get_tool("portal_catalog")
        for row in self.rows:
            try:
                rule = code_rule(self.fonds, _category_of(row.archival_code))
                parts = codes.parse(codes.normalise(row.archival_code), rule)
            except (ArchiveError, ValueError, KeyError) as error:
                message = getattr(error, "message", None) or str(error)
                self.problems.append(
                    Problem("IMPORT-CODE", f"档号不符合本全宗规则: {message}", _where(row), "档号")
                )
                continue
            if parts.fonds_code != fonds_code:
                self.problems.append(
                    Problem(
                        "IMPORT-FONDS",
                        f"全宗号 {parts.fonds_code} is not this fonds' {fonds_code}",
                        _where(row),
                        "档号",
                    )
                )
                continue
            rendered = codes.render(parts, rule)
            if catalog.unrestrictedSearchResults(archival_code=rendered, portal_type="Record"):
                self.problems.append(
                    Problem(
                        "IMPORT-EXISTS",
                        f"{rendered} is already used (档号已存在)",
                        _where(row),
                        "档号",
                    )
                )
                continue
            self.parts[row.row] = parts

    def preview(self) -> list[dict]:
        """Every row as it would be stored, and :attr:`problems` (row and column each)."""
        if self.rows:
            self._check_codes()
        return [
            {
                "row": r.row,
                "archival_code": r.archival_code,
                "title": r.title,
                "document_number": r.document_number,
                "author": r.author,
                "document_date": r.document_date.isoformat() if r.document_date else None,
                "pages": r.pages,
            }
            for r in self.rows
        ]

    def apply(self) -> dict:
        rows = self.preview()
        if self.problems:
            raise refused(self.problems)
        kind = sorted(getattr(self.fonds, "record_kinds", None) or {"电子公文"})[0]
        made = []
        for row in self.rows:
            parts = self.parts[row.row]
            values = {
                "title": row.title,
                "record_kind": kind,
                "electronic_record_id": f"LEGACY-{row.archival_code}",
                "document_number": row.document_number or None,
                "author": row.author or None,
                "document_date": row.document_date,
                "pages": row.pages,
                "fonds_code": parts.fonds_code,
                "year": parts.year,
                "retention_period": parts.retention,
            }
            try:
                record = create_record(self.fonds, values)
                accept_code(record, row.archival_code)
            except ArchiveError as error:
                message = "; ".join([error.message, *(p.message for p in error.problems)])
                raise refused([Problem("IMPORT-STORE", message, _where(row), "档号")]) from error
            made.append(record.absolute_url())
        return {"imported": len(made), "records": rows, "@ids": made}
